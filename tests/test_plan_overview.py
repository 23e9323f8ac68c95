"""The dashboard's one roll-up by district gives the same figures and league as the
separate city roll-up (``plan_figures``) and league (``district_league``)."""

import datetime

import pytest
from django.db import connection
from django.db.models import Case, Count, F, Max, OuterRef, Subquery, Sum, When
from django.test.utils import CaptureQueriesContext

from targets.domain.models import AdministrativeUnit, ProgressEntry, Target
from targets.domain.models.entry_queries import current_period_q
from targets.domain.progress import district_league, merge_rollup_rows, plan_figures, plan_overview
from targets.domain.rollup import rollup

pytestmark = pytest.mark.django_db

DATES = [datetime.date(2022, 6, 30), datetime.date(2022, 12, 31)]


def figure_key(figure):
    return (
        figure.target.code,
        figure.value,
        figure.numerator,
        figure.denominator,
        figure.units_with_figure,
        figure.reported,
        figure.expected,
        figure.last_period,
        figure.status,
        figure.unit,
    )


def league_key(league):
    return [(s.rank, s.district.code, [figure_key(f) for f in s.figures]) for s in league]


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("within_code", [None, "303", "11329"])
def test_overview_equals_separate_rollups(demo_entries_once, unit, as_of, within_code):
    targets = Target.objects.filter(plan__code="kh74-2022")
    within = unit(within_code) if within_code else None
    districts = AdministrativeUnit.objects.filter(level="district")
    if within is not None:
        districts = districts.filter(pk=within.pk)
    figures, league = plan_overview(targets, as_of, districts, within=within)
    expected = plan_figures(targets, as_of, within=within)
    assert [figure_key(f) for f in figures] == [figure_key(f) for f in expected]
    assert any(f.value is not None for f in figures)
    assert league_key(league) == league_key(district_league(targets, as_of, districts))


def test_overview_takes_four_queries(demo_entries_once, django_assert_num_queries):
    targets = Target.objects.filter(plan__code="kh74-2022")
    districts = AdministrativeUnit.objects.filter(level="district")
    # targets, districts, the roll-up by district, the expected units
    with django_assert_num_queries(4):
        plan_overview(targets, DATES[1], districts)


def test_merge_adds_sums_and_keeps_maxima():
    d = datetime.date
    rows = [
        {"numerator_sum": 3, "denominator_sum": 10, "value_sum": None, "value_max": None,
         "units_with_figure": 2, "units_current": 1, "last_period": d(2022, 6, 30)},
        {"numerator_sum": 4, "denominator_sum": 5, "value_sum": None, "value_max": None,
         "units_with_figure": 1, "units_current": 1, "last_period": d(2022, 12, 31)},
    ]  # fmt: skip
    merged = merge_rollup_rows(rows)
    assert merged == {
        "numerator_sum": 7,
        "denominator_sum": 15,
        "value_sum": None,
        "value_max": None,
        "units_with_figure": 3,
        "units_current": 2,
        "last_period": d(2022, 12, 31),
    }


def rollup_by_definition(as_of, target_ids, units, by_district):
    """The roll-up from its definition: every approved entry with no later approved
    entry on or before ``as_of`` (a correlated subquery), aggregated by the ORM."""
    latest = (
        ProgressEntry.objects.filter(
            target=OuterRef("target"),
            unit=OuterRef("unit"),
            status="approved",
            period_end__lte=as_of,
        )
        .order_by("-period_end")
        .values("period_end")[:1]
    )
    entries = ProgressEntry.objects.filter(
        target__in=target_ids, status="approved", period_end=Subquery(latest)
    )
    if units is not None:
        entries = entries.filter(unit__in=units)
    keys = ["target"]
    if by_district:
        keys.append("district")
        entries = entries.annotate(
            district=Case(When(unit__level="district", then=F("unit")), default=F("unit__parent"))
        )
    return list(
        entries.values(*keys)
        .annotate(
            numerator_sum=Sum("numerator"),
            denominator_sum=Sum("denominator"),
            value_sum=Sum("value"),
            value_max=Max("value"),
            units_with_figure=Count("id"),
            units_current=Count("id", filter=current_period_q(as_of)),
            last_period=Max("period_end"),
        )
        .order_by(*keys)
    )


@pytest.mark.parametrize("by_district", [False, True])
@pytest.mark.parametrize("within_code", [None, "303"])
def test_rollup_equals_its_definition_on_this_backend(
    demo_entries_once, unit, by_district, within_code
):
    """The backend's one SQL path (PostgreSQL: LATERAL probes; SQLite: the ORM over
    the probed ids) gives the rows of the plain definition. CI runs it on both."""
    ids = list(Target.objects.filter(plan__code="kh74-2022").values_list("pk", flat=True))
    units = AdministrativeUnit.objects.within(unit(within_code)) if within_code else None
    by = "district" if by_district else None
    for as_of in DATES:
        expected = rollup_by_definition(as_of, ids, units, by_district)
        assert len(expected) >= (2 if within_code else 10)
        assert rollup(as_of=as_of, targets=ids, units=units, by=by) == expected
        # A subquery of targets, or the plan, take the same path: same rows.
        subquery = Target.objects.filter(plan__code="kh74-2022")
        assert rollup(as_of=as_of, targets=subquery, units=units, by=by) == expected
        plan = subquery[0].plan
        assert rollup(as_of=as_of, plan=plan, units=units, by=by) == expected


def test_rollup_takes_the_lateral_path_on_postgresql_and_the_id_probes_elsewhere(
    demo_entries_once,
):
    plan_targets = Target.objects.filter(plan__code="kh74-2022")
    with CaptureQueriesContext(connection) as captured:
        rows = rollup(as_of=DATES[1], targets=plan_targets)
    assert rows
    (query,) = captured.captured_queries
    lateral = "CROSS JOIN LATERAL" in query["sql"]
    assert lateral == (connection.vendor == "postgresql")
    assert "ORDER BY e.period_end DESC LIMIT 1" in query["sql"]  # the index probe


def test_rollup_needs_a_plan_or_targets():
    with pytest.raises(ValueError):
        rollup(as_of=DATES[0])
    with pytest.raises(ValueError):
        rollup(as_of=DATES[0], targets=[], by="unit")
