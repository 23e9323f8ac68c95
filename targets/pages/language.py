"""The language switcher of every page, the admin's too."""

from django.contrib.auth.decorators import login_not_required
from django.views.i18n import set_language as django_set_language

from targets.domain.language import store_language


@login_not_required
def set_language(request):
    """Django's ``set_language``, and for a logged-in person: the choice is stored on
    their account and in their session (``targets.domain.language``)."""
    response = django_set_language(request)
    if request.method == "POST":
        store_language(request, request.POST.get("language", ""))
    return response
