"""The dashboard's one roll-up by district gives the same figures and league as the
separate city roll-up (``plan_figures``) and league (``district_league``)."""

import datetime

import pytest

from targets.models import AdministrativeUnit, Target
from targets.progress import district_league, merge_rollup_rows, plan_figures, plan_overview

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


@pytest.mark.parametrize("by_district", [False, True])
@pytest.mark.parametrize("within_code", [None, "303"])
def test_rollup_by_probes_equals_rollup_over_latest_entries(
    demo_entries_once, unit, by_district, within_code
):
    """On PostgreSQL a queryset limited to targets rolls up straight over index probes;
    any other filter (here ``pk >= 0``) takes the ``latest_approved`` path. Same rows."""
    from targets.models import ProgressEntry

    ids = list(Target.objects.filter(plan__code="kh74-2022").values_list("pk", flat=True))
    units = AdministrativeUnit.objects.within(unit(within_code)) if within_code else None
    for as_of in DATES:
        probes = ProgressEntry.objects.filter(target__in=ids)
        plain = probes.filter(pk__gte=0)
        assert probes._filters_only_targets() and not plain._filters_only_targets()
        assert not probes.exclude(unit=1)._filters_only_targets()
        assert not probes.distinct()._filters_only_targets()
        expected = list(plain.rollup(as_of, by_district=by_district, units=units))
        assert list(probes.rollup(as_of, by_district=by_district, units=units)) == expected
        assert len(expected) >= (2 if within_code else 10)
