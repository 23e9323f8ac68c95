"""The language stored on each person's account (``UserProfile.language``).

The language switcher (:func:`set_language`) stores the choice on the account of a
logged-in person, besides Django's cookie; logging in puts the stored language in the
session (:func:`apply_stored_language`), where ``tracker.middleware`` reads it before
the cookie. So a person finds their language on any browser, and reminder emails use it.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.views.i18n import set_language as django_set_language

SESSION_KEY = "_language"


@login_not_required
def set_language(request):
    """Django's ``set_language``, and for a logged-in person: the choice is stored on
    their account and in their session."""
    response = django_set_language(request)
    code = request.POST.get("language", "") if request.method == "POST" else ""
    if code in dict(settings.LANGUAGES) and request.user.is_authenticated:
        from targets.models import UserProfile

        UserProfile.objects.update_or_create(user=request.user, defaults={"language": code})
        request.session[SESSION_KEY] = code
    return response


@receiver(user_logged_in, dispatch_uid="targets.apply_stored_language")
def apply_stored_language(sender, request, user, **kwargs):
    """At login, the language stored on the account becomes the session's language."""
    from targets.models import UserProfile

    if request is None or not hasattr(request, "session"):
        return
    stored = UserProfile.objects.filter(user=user).values_list("language", flat=True).first()
    if stored:
        request.session[SESSION_KEY] = stored
