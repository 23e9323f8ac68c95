"""The one seam of the pages' cache (``targets.pages.cache``): a page builder's result,
kept in the figure cache and shared by everyone who asks the same question of the same
data with the same scope; every request renders its own page (its language, its frame:
name, language switcher, logout form). The cache is keyed on the data version, so these
tests commit for real."""

import ast
import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from targets.domain import services
from targets.domain.models import AdministrativeUnit, DataVersion, Membership, ProgressEntry
from targets.domain.scope import read_scope
from targets.pages import cache as page_cache
from targets.pages.cache import kept, release
from tests.test_figure_cache import SUBMITTED, figure_cache, redis_figure_cache
from tests.test_security import _production_env, _setting
from tests.test_views import PAGES

AS_OF = datetime.date(2022, 12, 31)
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def data(seeded_transactional_db, target, unit, make_entry):
    """The version row, and CQS-03c with approved figures of two communes of 304 and
    one of another district (30/60, 10/40 and 20/50)."""
    DataVersion.objects.get_or_create(pk=1, defaults={"version": 0})
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), numerator=30, denominator=60)
    make_entry(cqs, unit("11332"), numerator=10, denominator=40)
    make_entry(cqs, unit("11401"), numerator=20, denominator=50)
    return cqs


def client_of(user, language="vi"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def body(response) -> bytes:
    """The page without its CSRF token (a new one is written into each response)."""
    assert response.status_code == 200
    return CSRF.sub(b"", response.content)


def content_of(response) -> bytes:
    html = response.content
    return html[html.index(b'<main id="main">') : html.index(b"</main>")]


KEPT = [name for name in PAGES if name != "completeness"]  # see the last test


def entry_reads(queries) -> list:
    return [q for q in queries.captured_queries if "targets_progressentry" in q["sql"]]


def version_reads(queries) -> int:
    return sum("targets_dataversion" in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("name", KEPT)
def test_a_warm_page_is_the_cold_page_and_skips_the_figures(data, cast, name):
    client = client_of(cast.city_viewer)
    url = PAGES[name]
    plain = body(client.get(url))
    with figure_cache():
        with CaptureQueriesContext(connection) as cold_queries:
            cold = body(client.get(url))
        with CaptureQueriesContext(connection) as warm_queries:
            warm = body(client.get(url))
    assert plain == cold == warm
    assert b"<table" in warm or name == "dashboard"
    # Warm: the session, the person, their scope, the plans (and on the target and
    # unit pages the object asked for), the data version, the filter form's choices;
    # none of the figures'. The version is read once per request, cold or warm.
    assert len(warm_queries.captured_queries) < len(cold_queries.captured_queries)
    assert entry_reads(warm_queries) == []
    assert version_reads(cold_queries) == version_reads(warm_queries) == 1


def test_an_approval_is_seen_at_once(data, cast, unit, make_entry):
    client = client_of(cast.city_viewer)
    url = PAGES["target-detail"]
    with figure_cache():
        before = client.get(url).content
        assert b"20,00" not in content_of(client.get(url))
        entry = make_entry(
            data, unit("11338"), numerator=4, denominator=20, status=SUBMITTED, user=cast.reporter
        )
        assert client.get(url).content.count(b"11338") == before.count(b"11338")
        services.entry_approve(entry=entry, user=cast.city_reviewer, note="")
        after = client.get(url)
    assert b"20,00" in content_of(after)
    assert content_of(client.get(url)) == content_of(after)  # as the database says, uncached


def test_each_scope_has_its_own_content_and_each_person_their_frame(data, cast, make_user):
    """A district's viewer never reads the city's content, though the URL is the same;
    two people of the same scope share the content, each in their own frame."""
    url = PAGES["target-list"]
    # A membership changes the data version: made before the pages are kept.
    other = make_user("other.viewer", memberships=[("304", "viewer")])
    with figure_cache():
        city = content_of(client_of(cast.city_viewer).get(url))
        district = client_of(cast.viewer).get(url)
        with CaptureQueriesContext(connection) as shared_queries:
            shared = client_of(other).get(url)
    assert city != content_of(district)
    assert "Ngô Quyền" in content_of(district).decode()
    assert content_of(shared) == content_of(district)
    assert b"Other.Viewer" not in district.content and b"other.viewer" in shared.content
    assert b"Viewer" in district.content
    assert entry_reads(shared_queries) == []


def test_the_plan_administrator_and_the_city_share_nothing_but_see_alike(data, cast):
    """Seeing everything is its own scope key, even where the figures agree."""
    admin = read_scope(cast.plan_admin)
    city = read_scope(cast.city_viewer)
    assert admin.key == ("all",) and city.key == (city.unit.pk,)
    assert admin.key != city.key


def test_each_language_renders_the_same_kept_figures(data, cast):
    """The figures are data, not HTML: a page in English reads the figures the
    Vietnamese page kept, and writes them its own way."""
    url = PAGES["target-list"]
    with figure_cache():
        vietnamese = client_of(cast.city_viewer).get(url).content.decode()
        with CaptureQueriesContext(connection) as english_queries:
            english = client_of(cast.city_viewer, "en").get(url).content.decode()
    assert "Bảng chỉ tiêu" in vietnamese and "40,00%" in vietnamese
    assert "Target table" in english and "40.00%" in english and "40,00%" not in english
    assert entry_reads(english_queries) == []


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_a_download_is_kept_like_its_page(data, cast, unit, export_format):
    """The same rows as the page, under the same key plus ``_export``: a warm download
    is the cold one, reads no entry, and an approval shows in the next one."""
    client = client_of(cast.city_viewer)
    url = PAGES["target-detail"] + f"&_export={export_format}"
    with figure_cache():
        cold = client.get(url)
        with CaptureQueriesContext(connection) as warm_queries:
            warm = client.get(url)
        entry = ProgressEntry.objects.get(target=data, unit=unit("11329"))
        services.entry_reopen(entry=entry, user=cast.city_reviewer, reason="Sai mẫu số")
        after = client.get(url)
    assert cold.status_code == warm.status_code == 200
    assert cold.content == warm.content and cold.content != after.content
    for header in ("Content-Type", "Content-Disposition"):
        assert cold[header] == warm[header] == after[header]
    assert "chi-tieu-CQS-03c_kh74-2022_2022-12-31" in warm["Content-Disposition"]
    assert entry_reads(warm_queries) == []
    if export_format == "csv":
        assert "11329" in cold.content.decode("utf-8-sig")


@pytest.mark.parametrize("asked", ["pdf", "json", "yaml", "xls", "ods", "latex", "html", "tsv", ""])
def test_a_download_format_not_offered_is_the_page(data, cast, asked):
    """Only CSV and XLSX are downloads; anything else asked is the page, in its frame."""
    client = client_of(cast.city_viewer)
    with figure_cache():
        for name in ("target-list", "completeness"):
            response = client.get(PAGES[name] + f"&_export={asked}")
            assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
            html = response.content.decode()
            assert "<table" in html and 'action="/i18n/setlang/"' in html


def test_out_of_scope_is_refused_warm_or_cold(data, cast):
    """The scope is read before the cache: a page another person warmed is still a 404
    for someone outside its unit."""
    url = "/don-vi/305/?plan=kh74-2022&as_of=2022-12-31"
    with figure_cache():
        assert client_of(cast.city_viewer).get(url).status_code == 200
        assert client_of(cast.viewer).get(url).status_code == 404


def test_the_question_names_the_builder_its_arguments_and_only_the_parameters_it_reads(data, cast):
    calls = []

    @kept(parameters=("q",))
    def builder(plan, as_of, scope, params=None):
        calls.append((plan, as_of, params))
        return len(calls)

    scope = read_scope(cast.viewer)
    with figure_cache():
        first = builder("p", AS_OF, scope, params={"q": "x", "sort": "a"})
        assert builder("p", AS_OF, scope, params={"sort": "b", "q": "x"}) == first  # junk: ignored
        assert builder("p", AS_OF, scope, params={"q": "y"}) != first
        assert builder("p", datetime.date(2022, 11, 30), scope, params={"q": "x"}) != first
        assert builder("p", AS_OF, read_scope(cast.city_viewer), params={"q": "x"}) != first
    assert len(calls) == 4


def test_the_release_digests_the_code(tmp_path):
    """New code is a new release: no figure an older one computed is read again."""
    (tmp_path / "targets").mkdir(parents=True)
    module = tmp_path / "targets" / "rule.py"
    module.write_text("X = 1\n")
    with override_settings(BASE_DIR=tmp_path):
        first = release.__wrapped__()
        module.write_text("X = 2\n")
        second = release.__wrapped__()
    assert first != second


def test_redis_round_trip_of_a_page(data, cast):
    client = client_of(cast.city_viewer)
    url = PAGES["dashboard"]
    plain = body(client.get(url))
    with redis_figure_cache():
        assert body(client.get(url)) == plain
        with CaptureQueriesContext(connection) as captured:
            assert body(client.get(url)) == plain
        assert entry_reads(captured) == []


def test_without_redis_the_page_is_rendered(data, cast, caplog):
    client = client_of(cast.city_viewer)
    plain = body(client.get(PAGES["unit-detail"]))
    with figure_cache("django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:1/0"):
        assert body(client.get(PAGES["unit-detail"])) == plain
    assert "figure cache: read failed" in caplog.text
    assert page_cache.release()


def test_completeness_is_never_kept(data, cast, unit, make_entry):
    """Completeness shows drafts, submissions and returns, which leave the data version
    alone: a submission shows in the very next request, cache or not."""
    client = client_of(cast.city_viewer)
    url = PAGES["completeness"]
    with figure_cache():
        before = client.get(url).content.decode()
        make_entry(
            data, unit("11338"), numerator=4, denominator=20, status=SUBMITTED, user=cast.reporter
        )
        after = client.get(url).content.decode()
    submitted = "Đã gửi, chờ duyệt"
    assert after.count(submitted) == before.count(submitted) + 1


def test_the_scopes_units_follow_from_its_key(data, cast, unit):
    """A membership granted while a page is being rendered cannot widen what is kept
    under the key read at its start: the units come from the same memberships."""
    scope = read_scope(cast.viewer)
    assert scope.key == (unit("304").pk,)
    Membership.objects.create(user=cast.viewer, unit=unit("305"), role="viewer")
    codes = set(scope.units.values_list("code", flat=True))
    assert "304" in codes and "11329" in codes and "305" not in codes
    districts = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.DISTRICT)
    assert set(scope.units.filter(pk__in=districts).values_list("code", flat=True)) == {"304"}
    assert "305" in set(read_scope(cast.viewer).units.values_list("code", flat=True))


def test_the_figures_may_have_a_redis_of_their_own():
    """``FIGURE_CACHE_URL``: the figures and kept pages on a Redis that may evict, the
    throttling counters left on ``REDIS_URL``; by default both on ``REDIS_URL``."""

    def locations(env):
        caches = ast.literal_eval(_setting("CACHES", env).stdout.strip())
        return {alias: cache["LOCATION"] for alias, cache in caches.items()}

    both = _production_env(REDIS_URL="redis://a:6379/0")
    assert locations(both) == {"default": "redis://a:6379/0", "figures": "redis://a:6379/0"}
    apart = both | {"FIGURE_CACHE_URL": "redis://b:6379/0"}
    assert locations(apart) == {"default": "redis://a:6379/0", "figures": "redis://b:6379/0"}
