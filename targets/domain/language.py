"""The language stored on each person's account (``UserProfile.language``).

The language switcher (``targets.pages.language.set_language``) stores the choice on the account of a
logged-in person, besides Django's cookie; logging in puts the stored language in the
session (:func:`apply_stored_language`), where ``tracker.middleware`` reads it before
the cookie. So a person finds their language on any browser, and reminder emails use it.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SESSION_KEY = "_language"


def store_language(request, code: str) -> None:
    """Keep ``code`` (a language of ``settings.LANGUAGES``) on the account of the person
    logged in with ``request``, and in their session."""
    from targets.domain.models import UserProfile

    if code in dict(settings.LANGUAGES) and request.user.is_authenticated:
        UserProfile.objects.update_or_create(user=request.user, defaults={"language": code})
        request.session[SESSION_KEY] = code


@receiver(user_logged_in, dispatch_uid="targets.apply_stored_language")
def apply_stored_language(sender, request, user, **kwargs):
    """At login, the language stored on the account becomes the session's language."""
    from targets.domain.models import UserProfile

    if request is None or not hasattr(request, "session"):
        return
    stored = UserProfile.objects.filter(user=user).values_list("language", flat=True).first()
    if stored:
        request.session[SESSION_KEY] = stored
