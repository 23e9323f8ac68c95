"""The language of each request: Vietnamese unless the person chose English.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language`` when no
language was chosen, so a browser set to English would get English pages although the
city works in Vietnamese. Here only the choice made with the language switcher counts
(Django's ``set_language`` view stores it in the ``LANGUAGE_COOKIE_NAME`` cookie, kept
for ``LANGUAGE_COOKIE_AGE``); without it, ``LANGUAGE_CODE`` (Vietnamese).
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin


def chosen_language(request) -> str:
    """The language chosen with the switcher (a code of ``LANGUAGES``), else ``LANGUAGE_CODE``."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
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
