"""No URL answers a server error, whatever is put in its path or its query string.

The walk resolves the URLconf recursively (the admin included), so a page added later
is walked too. For every pattern it tries hostile values in each path segment, then, on
the pages that read parameters (GET pages answering 200 for a plain request), hostile
values for each parameter one at a time: the ones every page may read (plan, as_of,
unit, page size...) and the ones the page itself offers (its filter form's fields, its
links' query keys, discovered from the page). Values the request guard refuses for
every URL (a NUL byte, bytes that are not UTF-8) are tried once per URL, all parameters
at once, and must answer 400. A superuser and a commune reporter walk it.
"""

import re
import time
from urllib.parse import parse_qsl

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern

from targets.domain.models import AdministrativeUnit, Membership, ProgressEntry, Target
from targets.domain.roles import REPORTERS
from tracker.middleware import _admin_view_of

pytestmark = pytest.mark.django_db

SLOT = "\x01"  # a path parameter's place in a URL template
_ROUTE_PARAM = re.compile(r"<(?:[^>:]+:)?[^>]+>")
_REGEX_GROUP = re.compile(r"\((?:\?P<\w+>)?(?P<body>[^()]*)\)")

# Path segments: a NUL and broken UTF-8 (refused by the guard, 400), then values a view
# or a lookup must refuse itself (404 or a message, never 500).
PATH_VALUES = ["%00", "%FF", "abc", "-1", "0001-01-01", "9" * 25, "2022-02-30"]
# Query values that reach the views.
QUERY_VALUES = ["0001-01-01", "2022-02-30", "-1", "garbage", "9" * 25]
# Where parameters are tried one at a time: not a number and an extreme date; not a
# date and past every integer column.
ONE_BY_ONE = ["0001-01-01", "9" * 25]
# Read by some page or other; each page also gets the parameters it offers itself.
COMMON_PARAMETERS = ["plan", "as_of", "unit", "per_page", "page", "sort", "q", "_export"]
ADMIN_PARAMETERS = ["q", "o", "p", "_to_field", "_popup", "_changelist_filters"]
# Admin changelists are asked for a search matching nothing: each request still reads
# every filter and parameter, without drawing hundreds of rows (the walk stays fast).
NO_ROWS = {"q": "không-có-dòng-nào"}
# Plain requests that reach the view's work (the autocomplete needs its field).
SAMPLE_QUERIES = {
    "admin:autocomplete": {
        "app_label": "targets",
        "model_name": "progressentry",
        "field_name": "unit",
        "term": "Máy",
    },
}
# A good plan and date, so that the parameter under test is the only odd one.
GOOD_QUERY = {"plan": "kh74-2022", "as_of": "2022-12-31"}
# Not walked: signing out would end the walk's session.
SKIPPED = {"logout", "admin:logout"}
_GET_FORM = re.compile(r"<form\b(?![^>]*method=\"post\")[^>]*>(.*?)</form>", re.S | re.I)
_NAME_ATTR = re.compile(r'\bname="([\w-]+)"')
_HREF_QUERY = re.compile(r'href="[^"]*\?([^"#]+)"')


def _template(pattern) -> str:
    """One pattern piece with each parameter as :data:`SLOT`; a regex alternation of
    plain words (the admin's ``(?P<app_label>auth|targets)``) keeps its first word."""
    if isinstance(pattern, RoutePattern):
        return _ROUTE_PARAM.sub(SLOT, str(pattern))

    def group(match):
        choices = match.group("body").split("|")
        if all(re.fullmatch(r"[\w-]+", choice) for choice in choices):
            return choices[0]
        return SLOT

    text = _REGEX_GROUP.sub(group, str(pattern))
    return text.removeprefix("^").removesuffix("$").replace("\\Z", "").replace("\\", "")


def url_templates(resolver=None, prefix="", namespace=""):
    """(name, template) for every pattern of the URLconf, admin and i18n included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        template = prefix + _template(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_templates(entry, template, inner)
        else:
            yield f"{namespace}{entry.name or entry.lookup_str}", "/" + template


TEMPLATES = sorted({(name, template) for name, template in url_templates() if name not in SKIPPED})


@pytest.fixture
def walkers(admin_user, make_user, target, unit, make_entry):
    """A superuser and a commune reporter, each with a client; one entry of the
    reporter's commune (with history) so that the admin's object pages have an object."""
    root = admin_user  # "root"
    reporter = make_user("baocao.xa", staff=True, memberships=[("11329", "reporter")])
    reporter.groups.add(Group.objects.get(name=REPORTERS))
    entry = make_entry(target("CQS-03c"), unit("11329"), numerator=1, denominator=2)
    entry.status = ProgressEntry.Status.DRAFT
    entry.save()
    clients = {}
    for user in (root, reporter):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[user.username] = client
    return clients


def sample_path(name: str, template: str) -> str:
    """``template`` with values that reach the view: real codes and ids where known."""
    if SLOT not in template:
        return template
    if name == "targets:target-detail":
        return template.replace(SLOT, "kh74-2022", 1).replace(SLOT, "CQS-03c", 1)
    if name == "targets:unit-detail":
        return template.replace(SLOT, "11329")
    try:
        match = resolve(template.replace(SLOT, "1"))
    except Resolver404:
        return template.replace(SLOT, "1")
    method = _admin_view_of(match.func)
    model = method.__self__.model if method is not None else None
    examples = {
        ProgressEntry: ProgressEntry.objects.first(),
        Target: Target.objects.first(),
        AdministrativeUnit: AdministrativeUnit.objects.first(),
        Membership: Membership.objects.first(),
    }
    found = examples.get(model) or (model.objects.first() if model is not None else None)
    if found is None:
        return template.replace(SLOT, "1")
    path = template.replace(SLOT, str(found.pk), 1)
    version = found.history.first() if hasattr(found, "history") else None
    if SLOT in path and version is not None:
        path = path.replace(SLOT, str(version.history_id), 1)
    return path.replace(SLOT, "1")


def offered_parameters(html: str) -> set[str]:
    """The query parameters a page offers: the fields of its GET forms (filters,
    search, the period) and its links' query keys (sorting, pages, admin filters)."""
    names = {name for form in _GET_FORM.findall(html) for name in _NAME_ATTR.findall(form)}
    for query in _HREF_QUERY.findall(html):
        names.update(key for key, _value in parse_qsl(query.replace("&amp;", "&")))
    return {name for name in names if name not in {"csrfmiddlewaretoken", "next"}}


def _server_errors(responses):
    return [(path, query, status) for path, query, status in responses if status >= 500]


@pytest.mark.parametrize("username", ["root", "baocao.xa"])
def test_no_hostile_path_segment_answers_a_server_error(walkers, username):
    client = walkers[username]
    answered = []
    for _name, template in TEMPLATES:
        if SLOT not in template:
            continue
        for value in PATH_VALUES:
            path = template.replace(SLOT, value)
            answered.append((path, "", client.get(path, secure=True).status_code))
    assert len(answered) > 150  # the walk reached the admin's object pages
    assert _server_errors(answered) == []
    refused = {path: status for path, _q, status in answered if "%00" in path}
    assert set(refused.values()) == {400}


def admin_object_view(path: str) -> str | None:
    """The name of the admin view of an object or add page (``change_view``,
    ``history_form_view``...), else None. These views read the same few parameters on
    every model, so one model's page stands for the others; changelists differ by their
    filters and are each walked."""
    try:
        method = _admin_view_of(resolve(path).func)
    except Resolver404:
        return None
    if method is None or method.__name__ == "changelist_view":
        return None
    return method.__name__


def parameters_to_try(name: str, path: str, response) -> tuple[set[str], bool]:
    """The parameters to try on ``path`` given its plain ``response``, and whether to
    try them one at a time: on views that stop at the first bad parameter (the report
    downloads answer 400, an admin changelist redirects for a lookup it refuses), a bad
    value would hide the next parameter's error. Elsewhere a bad value is reported and
    dropped, so every parameter gets a hostile value in the same request."""
    if "html" not in response["Content-Type"]:
        return {"plan", "as_of", "unit"}, True  # a download reads the report arguments
    offered = offered_parameters(response.content.decode())
    if path.startswith("/admin/"):
        one_at_a_time = name.endswith("_changelist") or name == "admin:autocomplete"
        return offered | set(ADMIN_PARAMETERS), one_at_a_time
    return offered | set(COMMON_PARAMETERS), False


@pytest.mark.parametrize("username", ["root", "baocao.xa"])
def test_no_hostile_query_parameter_answers_a_server_error(walkers, username):
    client = walkers[username]
    answered, walked = [], 0
    started = time.monotonic()
    represented = {None}
    for name, template in TEMPLATES:
        path = sample_path(name, template)
        # Every parameter NUL at once, and broken UTF-8: the guard's 400, for every URL.
        nul = client.get(path, {key: "\x00" for key in COMMON_PARAMETERS}, secure=True)
        broken = client.get(f"{path}?plan=%FF&q=%C3%28", secure=True)
        assert (nul.status_code, broken.status_code) == (400, 400), path
        view = admin_object_view(path)
        if view in represented and view is not None:
            continue  # this admin view was walked on another model's page
        represented.add(view)
        base = SAMPLE_QUERIES.get(name, {} if path.startswith("/admin/") else GOOD_QUERY)
        if name.endswith("_changelist"):
            base = NO_ROWS  # the filters and parameters are read alike; no 253 rows to draw
        plain = client.get(path, base, secure=True)
        answered.append((path, "", plain.status_code))
        if plain.status_code != 200:
            continue  # a redirect (POST-only views, sign-in pages) or a refusal
        walked += 1
        parameters, one_at_a_time = parameters_to_try(name, path, plain)
        if one_at_a_time:
            queries = [{name: value} for name in sorted(parameters) for value in ONE_BY_ONE]
        else:  # len(QUERY_VALUES) requests: each parameter gets each value once
            ordered = sorted(parameters)
            queries = [
                {name: QUERY_VALUES[(i + k) % len(QUERY_VALUES)] for i, name in enumerate(ordered)}
                for k in range(len(QUERY_VALUES))
            ]
        for query in queries:
            status = client.get(path, {**base, **query}, secure=True).status_code
            answered.append((path, query, status))
    print(username, walked, len(answered), f"{time.monotonic() - started:.1f}s")
    errors = _server_errors(answered)
    for error in errors:
        print(error)
    assert walked > 10
    assert errors == []


def test_the_walk_covers_the_admin_history_and_the_report_urls():
    names = {name for name, _template in TEMPLATES}
    assert {
        "admin:targets_progressentry_history",
        "admin:targets_progressentry_simple_history",
        "admin:targets_progressentry_changelist",
        "admin:autocomplete",
        "targets:report-pdf",
        "targets:entries-csv",
        "targets:unit-detail",
    } <= names
