"""The shared figure cache: a page builder's figures keyed on the data version, which
the database's triggers bump with every committed write that can change a figure,
whatever makes it (``targets.domain.figure_cache``, wrapped around the builders by
``targets.pages.cache``).

The triggers bump at commit on PostgreSQL (deferred), and the cache is bypassed inside a
transaction, so these tests commit for real (``seeded_transactional_db``)."""

import contextlib
import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from targets.domain import services
from targets.domain.models import AdministrativeUnit, DataVersion, ProgressEntry, Target
from targets.domain.scope import Scope
from targets.pages.builders.targets import target_rows

AS_OF = datetime.date(2022, 12, 31)
SUBMITTED = ProgressEntry.Status.SUBMITTED


def figure_cache(backend="django.core.cache.backends.locmem.LocMemCache", location=None):
    return override_settings(
        FIGURE_CACHE="figures",
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "figures": {
                "BACKEND": backend,
                "LOCATION": location or f"figures-{uuid.uuid4().hex}",
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            },
        },
    )


@pytest.fixture
def version_row(seeded_transactional_db):
    """The row the triggers bump (a transactional test elsewhere may have flushed it)."""
    DataVersion.objects.get_or_create(pk=1, defaults={"version": 0})
    return lambda: DataVersion.current()


@pytest.fixture
def cqs(target, unit, make_entry):
    """CQS-03c with two communes' approved figures (30/60 and 10/40)."""
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), numerator=30, denominator=60)
    make_entry(cqs, unit("11332"), numerator=10, denominator=40)
    return cqs


def figures(cqs, as_of=AS_OF, unit=None, params=None):
    """The target table's builder for CQS-03c (kept, when the figure cache is on), as
    plain values: (numerator, denominator, reports received)."""
    root = unit or AdministrativeUnit.objects.get(code="31")
    rows = target_rows(
        cqs.plan, as_of, Scope.of_unit(root), params={"q": cqs.code} | (params or {})
    )
    return [(f.numerator, f.denominator, f.reported) for f in rows]


# --- The triggers -----------------------------------------------------------------


def test_approving_returning_and_reopening_bump_the_version(
    version_row, cqs, unit, cast, make_entry
):
    entry = make_entry(
        cqs, unit("11338"), numerator=5, denominator=10, status=SUBMITTED, user=cast.reporter
    )
    before = version_row()
    services.entry_return(entry=entry, user=cast.city_reviewer, reason="Thiếu minh chứng")
    assert version_row() == before  # neither side approved: no roll-up changes
    entry.refresh_from_db()
    services.entry_submit(entry=entry, user=cast.reporter)
    services.entry_approve(entry=entry, user=cast.city_reviewer, note="")
    approved = version_row()
    assert approved > before
    services.entry_reopen(entry=entry, user=cast.city_reviewer, reason="Sai mẫu số")
    assert version_row() > approved


def test_every_way_of_writing_an_approved_entry_bumps_it(version_row, cqs, unit, admin_user):
    approved = ProgressEntry.objects.filter(target=cqs, status=ProgressEntry.Status.APPROVED)
    steps = [
        # bulk_create, update() and delete() send no signals: the triggers still fire.
        lambda: ProgressEntry.objects.bulk_create(
            [
                ProgressEntry(
                    target=cqs,
                    unit=unit("11338"),
                    period_end=AS_OF,
                    numerator=1,
                    denominator=2,
                    value=50,
                    status=ProgressEntry.Status.APPROVED,
                    created_by=admin_user,
                )
            ]
        ),
        lambda: approved.filter(unit__code="11338").update(numerator=2, value=100),
        lambda: approved.filter(unit__code="11338").delete(),
        lambda: _raw_update(cqs),
        lambda: Target.objects.filter(pk=cqs.pk).update(order=cqs.order),
        lambda: AdministrativeUnit.objects.filter(code="11329").update(name_en="May Chai"),
    ]
    for step in steps:
        before = version_row()
        step()
        assert version_row() > before, step


def _raw_update(cqs):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE targets_progressentry SET note = 'x' WHERE target_id = %s AND status = %s",
            [cqs.pk, ProgressEntry.Status.APPROVED],
        )


def test_drafts_leave_the_version_alone(version_row, cqs, unit, admin_user, make_entry):
    before = version_row()
    draft = make_entry(
        cqs, unit("11338"), status=ProgressEntry.Status.DRAFT, numerator=1, denominator=2
    )
    ProgressEntry.objects.filter(pk=draft.pk).update(numerator=2)
    draft.delete()
    assert version_row() == before


# --- The cache ----------------------------------------------------------------------


def test_a_warm_builder_runs_no_query_of_its_own_and_is_the_same(version_row, cqs):
    fresh = figures(cqs)
    with figure_cache():
        assert figures(cqs) == fresh  # cold: computed and stored
        with CaptureQueriesContext(connection) as captured:
            assert figures(cqs) == fresh
        # Only the data version is read (and the city for the question): the figures
        # came from the cache.
        tables = [q["sql"] for q in captured.captured_queries]
        assert sum("targets_dataversion" in sql for sql in tables) == 1
        assert not any("targets_progressentry" in sql for sql in tables)


def test_an_approval_is_seen_at_once(version_row, cqs, unit, cast):
    with figure_cache():
        assert figures(cqs) == [(40, 100, 2)]
        entry = ProgressEntry.objects.create(
            target=cqs,
            unit=unit("11338"),
            period_end=AS_OF,
            numerator=Decimal(50),
            denominator=Decimal(100),
            value=Decimal(50),
            status=ProgressEntry.Status.SUBMITTED,
            created_by=cast.reporter,
        )
        assert figures(cqs) == [(40, 100, 2)]  # submitted: not counted yet
        services.entry_approve(entry=entry, user=cast.city_reviewer, note="")
        assert figures(cqs) == [(90, 200, 3)]
        entry.refresh_from_db()
        services.entry_reopen(entry=entry, user=cast.city_reviewer, reason="Sai số liệu")
        assert figures(cqs) == [(40, 100, 2)]


def test_different_questions_never_share_an_answer(version_row, cqs, unit):
    with figure_cache():
        city = figures(cqs)
        commune = figures(cqs, unit=unit("11329"))
        earlier = figures(cqs, as_of=datetime.date(2022, 6, 30))
        other = figures(cqs, params={"q": "CQS-01"})
    assert city == [(40, 100, 2)]
    assert commune == [(30, 60, 1)]
    assert earlier == [(None, None, 0)]
    assert other == [(None, None, 0)]  # CQS-01: the filter is part of the question


def test_without_the_version_row_nothing_is_cached(version_row, cqs):
    DataVersion.objects.all().delete()
    with figure_cache():
        figures(cqs)
        with CaptureQueriesContext(connection) as captured:
            figures(cqs)
    assert any("targets_progressentry" in q["sql"] for q in captured.captured_queries)


def test_pages_read_the_same_with_the_cache_warm(version_row, manager_client, cqs):
    url = "/?plan=kh74-2022&as_of=2022-12-31"
    plain = manager_client.get(url).content
    with figure_cache():
        manager_client.get(url)
        warm = manager_client.get(url).content
    strip = lambda html: html.replace(b"\n", b"")  # noqa: E731
    assert b"40,00" in plain
    assert strip(warm).count(b"40,00") == strip(plain).count(b"40,00")


@contextlib.contextmanager
def redis_figure_cache():
    """The figure cache on the local Redis (database 15), emptied afterwards; the test
    is skipped when no Redis answers."""
    redis = pytest.importorskip("redis")
    location = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(location, socket_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    with figure_cache("django.core.cache.backends.redis.RedisCache", location):
        try:
            yield
        finally:
            caches["figures"].clear()


def test_redis_round_trip(version_row, cqs):
    """The cache ``make serve`` uses with REDIS_URL: Redis, through Django's backend."""
    with redis_figure_cache():
        fresh = figures(cqs)
        with CaptureQueriesContext(connection) as captured:
            assert figures(cqs) == fresh
        assert not any("targets_progressentry" in q["sql"] for q in captured.captured_queries)


def test_the_version_only_grows(version_row, cqs):
    """Each bump takes at least the clock in microseconds: a database restored from an
    older dump (a lower version) never repeats a version it has had since."""
    DataVersion.objects.filter(pk=1).update(version=5)
    ProgressEntry.objects.filter(target=cqs).update(note="khôi phục")
    assert version_row() > 1_700_000_000 * 10**6


@pytest.mark.django_db
def test_inside_a_transaction_nothing_is_cached(target, unit, make_entry):
    """A transaction sees its own writes before the version shows them."""
    DataVersion.objects.get_or_create(pk=1, defaults={"version": 0})
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), numerator=30, denominator=60)
    with figure_cache():
        assert figures(cqs) == [(30, 60, 1)]
        make_entry(cqs, unit("11332"), numerator=10, denominator=40)
        assert figures(cqs) == [(40, 100, 2)]


def test_without_redis_pages_still_have_their_figures(version_row, cqs, caplog):
    fresh = figures(cqs)
    with figure_cache("django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:1/0"):
        assert figures(cqs) == fresh
    assert "figure cache: read failed" in caplog.text
