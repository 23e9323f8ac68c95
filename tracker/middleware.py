"""The language of each request: Vietnamese unless the person chose English.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language`` when no
language was chosen, so a browser set to English would get English pages although the
city works in Vietnamese. Here only the choice made with the language switcher counts
(Django's ``set_language`` view stores it in the ``LANGUAGE_COOKIE_NAME`` cookie, kept
for ``LANGUAGE_COOKIE_AGE``); without it, ``LANGUAGE_CODE`` (Vietnamese). A logged-in
person's session carries the language stored on their account (``targets.language``),
which comes first.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin

from targets.language import SESSION_KEY


def chosen_language(request) -> str:
    """The language of the account (in the session) or chosen with the switcher (a code
    of ``LANGUAGES``), else ``LANGUAGE_CODE``."""
    session = getattr(request, "session", None)
    stored = session.get(SESSION_KEY) if session is not None else None
    for chosen in (stored, request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
        if chosen:
            try:
                return translation.get_supported_language_variant(chosen)
            except LookupError:
                pass
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(MiddlewareMixin):
    """Activates :func:`chosen_language` for the request (in place of ``LocaleMiddleware``)."""

    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
