"""Helpers every model module shares: the plan-administrator check, localized names.
(Numbers are written by ``targets.formatting``.)"""

from django.utils.translation import get_language


def user_is_plan_administrator(user) -> bool:
    from targets.roles import PLAN_ADMINISTRATORS

    if not user.is_authenticated:
        return False
    if not hasattr(user, "_is_plan_administrator"):
        user._is_plan_administrator = user.groups.filter(name=PLAN_ADMINISTRATORS).exists()
    return user._is_plan_administrator


class LocalizedNameMixin:
    """``display_name``: ``name_en`` in English when there is one, else ``name``."""

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("en") and getattr(self, "name_en", ""):
            return self.name_en
        return self.name
