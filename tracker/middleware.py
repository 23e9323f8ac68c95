"""Request middleware: the language of each request (Vietnamese unless the person chose
English), and the guard that refuses malformed input before any view sees it.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language`` when no
language was chosen, so a browser set to English would get English pages although the
city works in Vietnamese. Here only the choice made with the language switcher counts
(Django's ``set_language`` view stores it in the ``LANGUAGE_COOKIE_NAME`` cookie, kept
for ``LANGUAGE_COOKIE_AGE``); without it, ``LANGUAGE_CODE`` (Vietnamese). A logged-in
person's session carries the language stored on their account (``targets.domain.language``),
which comes first.
"""

import inspect
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib.admin.options import TO_FIELD_VAR, ModelAdmin
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.db.models import DateField
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext

from targets.domain.formatting import ParseError, parse_date
from targets.domain.language import SESSION_KEY


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


def malformed_request(request) -> bool:
    """Whether the path or the query string of ``request`` holds a NUL byte or bytes
    that are not UTF-8 once percent-decoded. No page takes either: the database refuses
    NUL in text (PostgreSQL), and Django would pass broken bytes on as "�"."""
    try:
        path = get_bytes_from_wsgi(request.META, "PATH_INFO", "")
    except UnicodeEncodeError:  # not the latin-1 text PEP 3333 requires of a server
        return True
    query = unquote_to_bytes(request.META.get("QUERY_STRING", "").replace("+", " "))
    for raw in (path, query):
        if b"\x00" in raw:
            return True
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return True
    return False


# Admin views that look the object up by ``?_to_field=`` when given (and answer a bad
# value gracefully); every other admin view takes the primary key.
TO_FIELD_VIEWS = ("change_view", "delete_view")


def _admin_view_of(view_func):
    """The ``ModelAdmin`` method ``view_func`` serves (through ``admin_view`` and any
    decorators), bound to its ``ModelAdmin``; None for any other view."""

    def bound_to_admin(function) -> bool:
        return isinstance(getattr(function, "__self__", None), ModelAdmin)

    method = inspect.unwrap(view_func, stop=bound_to_admin)
    return method if bound_to_admin(method) else None


def _admin_ids(method, request, view_args, view_kwargs) -> dict:
    """The ``object_id`` and ``version_id`` arguments the URL gives ``method`` (by name,
    or by position as django-simple-history's URLs pass them)."""
    try:
        bound = inspect.signature(method).bind_partial(request, *view_args, **view_kwargs)
    except TypeError:
        return {}
    return {
        name: bound.arguments[name]
        for name in ("object_id", "version_id")
        if name in bound.arguments
    }


DATE_LOOKUPS = {"", "exact", "gt", "gte", "lt", "lte"}


def _date_compared(model, key: str) -> bool:
    """Whether an admin filter parameter compares a date or datetime field with a date
    (``attempt_time__gte``; not ``…__isnull`` or ``…__year``)."""
    field, parts = None, key.split("__")
    while parts:
        try:
            field = model._meta.get_field(parts[0])
        except FieldDoesNotExist:
            break
        parts.pop(0)
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    return isinstance(field, DateField) and "__".join(parts) in DATE_LOOKUPS


def _refused_date_filter(model, query) -> str:
    """The message for the first admin filter value on a date or datetime field that
    is no date of the sane range (``attempt_time__gte=0001-01-01`` overflowed the time
    zone conversion), else ""."""
    for key, value in query.items():
        if not value or not _date_compared(model, key):
            continue
        try:
            parse_date(value.replace("T", " "))
        except ParseError as error:
            return str(error)
    return ""


API_PREFIX = "/api/"


class RequestGuardMiddleware:
    """Refuses malformed input in one place, before any view or lookup sees it:

    - a NUL byte or invalid UTF-8 in the path or the query string answers 400 with a
      page saying so (in the person's language);
    - an admin URL whose object id cannot be a key of its model (``/admin/…/abc/history/``,
      a NUL, a date) answers 404, as a missing object does: Django's own change page
      already does, django-simple-history's history pages raised a server error;
    - an admin list filter on a date outside the sane range (``targets.domain.formatting``)
      answers 400 with the reason.

    Parameters with a meaning (dates, numbers, page sizes) are read where they are used,
    by ``targets.domain.formatting`` and the form fields built on it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if malformed_request(request):
            if request.path_info.startswith(API_PREFIX):
                # The API answers in its own format: a field-by-field JSON body.
                message = gettext(
                    "Địa chỉ yêu cầu chứa ký tự không hợp lệ (ký tự rỗng hoặc mã hoá "
                    "không phải UTF-8)."
                )
                return JsonResponse({"non_field_errors": [message]}, status=400)
            return render(request, "400.html", status=400)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        method = _admin_view_of(view_func)
        if method is None:
            return None
        if TO_FIELD_VAR in request.GET and method.__name__ in TO_FIELD_VIEWS:
            return None  # looked up by ?_to_field=, which the admin checks itself
        if method.__name__ == "changelist_view":
            refused = _refused_date_filter(method.__self__.model, request.GET)
            if refused:
                return render(request, "400.html", {"message": refused}, status=400)
        ids = _admin_ids(method, request, view_args, view_kwargs)
        try:
            if "object_id" in ids:
                method.__self__.model._meta.pk.to_python(unquote(ids["object_id"]))
            if "version_id" in ids:  # a history row's id: always a whole number
                int(ids["version_id"])
        except (ValidationError, ValueError, TypeError):
            raise Http404 from None
        return None
