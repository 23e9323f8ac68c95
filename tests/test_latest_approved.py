"""The fast latest-entry query (one index probe per (target, unit)) and the series built
with a window function return exactly what their plain definitions return."""

import datetime

import pytest
from django.db.models import OuterRef, Subquery

from targets.domain.models import AdministrativeUnit, ProgressEntry, Target
from targets.domain.progress import figure_series, plan_figures

pytestmark = pytest.mark.django_db


def plain_latest(entries, as_of):
    """The definition: approved, on or before ``as_of``, and no later such entry."""
    latest = (
        ProgressEntry.objects.filter(
            target=OuterRef("target"),
            unit=OuterRef("unit"),
            status=ProgressEntry.Status.APPROVED,
            period_end__lte=as_of,
        )
        .order_by("-period_end")
        .values("period_end")[:1]
    )
    return entries.filter(
        status=ProgressEntry.Status.APPROVED, period_end__lte=as_of, period_end=Subquery(latest)
    )


AS_OFS = [datetime.date(2022, 2, 15), datetime.date(2022, 6, 30), datetime.date(2022, 10, 20)]


@pytest.mark.parametrize("as_of", AS_OFS)
def test_latest_approved_by_probe_equals_the_definition(plan, varied, unit, as_of):
    targets = list(Target.objects.filter(plan=plan).values_list("pk", flat=True))
    entries = ProgressEntry.objects.filter(target__in=targets)
    fast = set(
        ProgressEntry.objects.latest_approved(as_of, targets=targets).values_list("pk", flat=True)
    )
    assert fast
    assert fast == set(plain_latest(entries, as_of).values_list("pk", flat=True))
    district = unit("304")
    fast_within = ProgressEntry.objects.within(district).latest_approved(as_of, targets=targets)
    plain_within = plain_latest(entries.within(district), as_of)
    assert set(fast_within.values_list("pk", flat=True)) == set(
        plain_within.values_list("pk", flat=True)
    )


def test_latest_approved_of_a_target_subquery_equals_a_list_of_targets(plan, varied):
    """``targets=`` a queryset (a subquery) takes the same path as a list of ids: no
    filter of the queryset decides how the entries are found."""
    as_of = datetime.date(2022, 9, 30)
    subquery = Target.objects.filter(plan=plan, reporting_units="communes")
    listed = list(subquery.values_list("pk", flat=True))
    entries = ProgressEntry.objects.filter(unit__level="commune")
    by_subquery = set(entries.latest_approved(as_of, targets=subquery))
    assert by_subquery
    assert by_subquery == set(entries.latest_approved(as_of, targets=listed))
    assert by_subquery == set(plain_latest(entries.filter(target__in=listed), as_of))


def test_latest_approved_of_no_target_is_empty(varied):
    assert not ProgressEntry.objects.latest_approved(AS_OFS[-1], targets=[]).exists()


def test_series_at_each_period_equals_the_rollup_then(plan, varied):
    """The series gives, at each period end, the figure the roll-up gives as of that
    date: the reports of that period, with the same completeness."""
    as_of = datetime.date(2022, 12, 31)
    for target in Target.objects.filter(plan=plan, reporting_units__in=["communes", "agencies"]):
        series = figure_series(target, as_of)
        assert series
        for point in series:
            (expected,) = plan_figures(Target.objects.filter(pk=target.pk), point.as_of)
            assert (point.value, point.numerator, point.denominator) == (
                expected.value,
                expected.numerator,
                expected.denominator,
            ), (target.code, point.as_of)
            assert (point.reported, point.expected) == (expected.reported, expected.expected)


# --- Cost proportional to scope: a district's readers probe only its own units ---


@pytest.mark.parametrize("as_of", AS_OFS)
def test_latest_approved_of_given_units_equals_the_definition(plan, varied, unit, as_of):
    targets = list(Target.objects.filter(plan=plan).values_list("pk", flat=True))
    entries = ProgressEntry.objects.filter(target__in=targets)
    district = unit("304")
    in_district = AdministrativeUnit.objects.within(district)
    communes = list(in_district.filter(level="commune")[:5])
    for units, plain in (
        (in_district, entries.within(district)),
        (communes, entries.filter(unit__in=communes)),
        ([c.pk for c in communes], entries.filter(unit__in=communes)),
    ):
        fast = ProgressEntry.objects.latest_approved(as_of, targets=targets, units=units)
        expected = set(plain_latest(plain, as_of).values_list("pk", flat=True))
        assert expected
        assert set(fast.values_list("pk", flat=True)) == expected
    assert not ProgressEntry.objects.latest_approved(AS_OFS[-1], targets=targets, units=[]).exists()


def test_latest_approved_probes_only_the_units_asked_about(plan, unit):
    """One probe per (target, unit of ``units`` at its level): the id query returns one
    row per probed pair (NULL when nothing was approved), never one per unit of the city."""
    from django.db import connection

    from targets.domain.models.entry_queries import (
        latest_approved_ids_sql,
        target_filter_sql,
        unit_filter_sql,
    )

    targets = list(Target.objects.filter(plan=plan))
    district = unit("304")
    units = AdministrativeUnit.objects.within(district)
    pairs = sum(units.at_reporting_level(t.reporting_units).count() for t in targets)
    city_pairs = sum(
        AdministrativeUnit.objects.at_reporting_level(t.reporting_units).count() for t in targets
    )
    assert 0 < pairs < city_pairs / 5
    as_of = AS_OFS[-1]
    for unit_filter in (unit_filter_sql(units), unit_filter_sql(list(units))):
        sql, params = latest_approved_ids_sql(
            target_filter_sql(targets), as_of, ProgressEntry, unit_filter
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            assert len(cursor.fetchall()) == pairs


PROBE = "ORDER BY e.period_end DESC LIMIT 1"


def district_probes(client, url, **headers):
    """The SQL of every latest-entry probe a request runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
        assert response.status_code == 200
        b"".join(getattr(response, "streaming_content", [])) or response.content
    return [q["sql"] for q in queries.captured_queries if PROBE in q["sql"]]


@pytest.mark.parametrize(
    "url",
    [
        "/don-vi/304/?plan=kh74-2022&as_of=2022-12-31",
        "/don-vi/11329/?plan=kh74-2022&as_of=2022-12-31",
        "/don-vi/304/?plan=kh74-2022&as_of=2022-12-31&_export=csv",
        "/bao-cao/tinh-hinh.csv?plan=kh74-2022&as_of=2022-12-31&unit=304",
        "/kh74-2022/CQS-03c/?as_of=2022-12-31",
    ],
)
def test_a_district_s_pages_probe_only_its_units(client, make_user, varied, url):
    """Every probe of a district's (or a commune's) page and export is limited to a set
    of units (``u.id IN``) or of (target, unit) pairs (``(t.id, u.id) IN``): none walks
    every unit of the city. A district manager's target page too."""
    client.force_login(make_user("ngo-quyen", memberships=[("304", "viewer")]))
    probes = district_probes(client, url)
    assert probes
    for sql in probes:
        assert "u.id IN" in sql or "(t.id, u.id) IN" in sql, sql


def test_the_api_figures_of_a_district_probe_only_its_units(client, make_user, varied):
    from targets.domain.models import ApiToken

    user = make_user("city-api", memberships=[("31", "viewer")])
    _token, key = ApiToken.issue(user=user, name="test")
    url = "/api/v1/figures/?plan=kh74-2022&as_of=2022-12-31&unit=304"
    probes = district_probes(client, url, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert probes
    for sql in probes:
        assert "u.id IN" in sql, sql
