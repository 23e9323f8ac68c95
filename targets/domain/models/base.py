"""Helpers every model module shares: localized names. (Numbers are written by
``targets.domain.formatting``; who sees what is decided by ``targets.domain.scope``.)"""

from django.utils.translation import get_language


class LocalizedNameMixin:
    """``display_name``: ``name_en`` in English when there is one, else ``name``."""

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("en") and getattr(self, "name_en", ""):
            return self.name_en
        return self.name
