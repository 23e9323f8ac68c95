"""Roll-ups: parts are summed, only the latest approved entry on or before the date counts."""

import datetime
from decimal import Decimal

import pytest

from targets.domain.models import ProgressEntry, Target
from targets.domain.progress import district_figures, district_league, figure_series, plan_figures
from targets.domain.status import Status

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)
NOV = datetime.date(2022, 11, 30)


def city_figure(code, as_of=DEC, within=None):
    targets = Target.objects.filter(plan__code="kh74-2022", code=code)
    return plan_figures(targets, as_of, within=within)[0]


def test_rollup_sums_parts_not_percentages(target, unit, make_entry):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), numerator=1, denominator=1)
    make_entry(cqs, unit("11332"), numerator=0, denominator=99)
    figure = city_figure("CQS-03c")
    assert (figure.numerator, figure.denominator) == (Decimal(1), Decimal(100))
    assert figure.value == Decimal(1)
    assert figure.reported == 2 and figure.expected == 217
    assert figure.status == Status.MISSED


def test_later_draft_or_submitted_entry_does_not_replace_approved(target, unit, make_entry):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), NOV, numerator=40, denominator=100)
    make_entry(cqs, unit("11329"), DEC, numerator=5, denominator=100, status="draft")
    make_entry(cqs, unit("11332"), NOV, numerator=40, denominator=100)
    make_entry(cqs, unit("11332"), DEC, numerator=5, denominator=100, status="submitted")
    figure = city_figure("CQS-03c")
    assert figure.value == Decimal(40)
    assert figure.last_period == NOV
    assert figure.reported == 0  # nobody has an approved December figure


def test_entry_after_the_as_of_date_is_ignored(target, unit, make_entry):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), NOV, numerator=10, denominator=100)
    make_entry(cqs, unit("11329"), DEC, numerator=90, denominator=100)
    assert city_figure("CQS-03c", as_of=datetime.date(2022, 12, 15)).value == Decimal(10)
    assert city_figure("CQS-03c", as_of=DEC).value == Decimal(90)


def test_counts_sum_and_single_unit_values_pass_through(target, unit, make_entry):
    make_entry(target("DTI-01"), unit("31"), value=14)
    figure = city_figure("DTI-01")
    assert figure.value == Decimal(14)
    assert figure.status == Status.MISSED


def test_district_rollup_covers_only_its_communes(target, unit, make_entry):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), numerator=30, denominator=60)  # Ngô Quyền
    make_entry(cqs, unit("11332"), numerator=10, denominator=40)  # Ngô Quyền
    make_entry(cqs, unit("11296"), numerator=1, denominator=100)  # Hồng Bàng
    rows = dict(district_figures(cqs, DEC, [unit("304"), unit("303"), unit("305")]))
    ngo_quyen = rows[unit("304")]
    assert ngo_quyen.value == Decimal(40) and ngo_quyen.expected == 12
    assert rows[unit("303")].value == Decimal(1)
    assert rows[unit("305")].status == Status.NO_DATA
    within = city_figure("CQS-03c", within=unit("304"))
    assert within.value == Decimal(40) and within.expected == 12


def test_rollup_query_count_does_not_grow_with_entries(
    target, unit, make_entry, django_assert_num_queries
):
    cqs = target("CQS-03c")
    targets = Target.objects.filter(plan__code="kh74-2022")
    for code in ("11329", "11332"):
        make_entry(cqs, unit(code), numerator=1, denominator=2)
    # targets, rollup, expected units
    with django_assert_num_queries(3):
        plan_figures(targets, DEC)
    for month in range(1, 12):
        for code in ("11335", "11338", "11341"):
            ProgressEntry.objects.create(
                target=cqs,
                unit=unit(code),
                period_end=datetime.date(2022, month + 1, 1) - datetime.timedelta(days=1),
                numerator=1,
                denominator=2,
                value=50,
                status="approved",
                created_by=cqs.entries.first().created_by,
            )
    with django_assert_num_queries(3):
        plan_figures(targets, DEC)


def test_series_is_the_rollup_at_each_period_end(target, unit, make_entry):
    cqs = target("CQS-03c")
    jan, feb, mar = (datetime.date(2022, m, d) for m, d in ((1, 31), (2, 28), (3, 31)))
    make_entry(cqs, unit("11329"), jan, numerator=10, denominator=100)
    make_entry(cqs, unit("11329"), mar, numerator=30, denominator=100)
    make_entry(cqs, unit("11332"), feb, numerator=20, denominator=50)
    make_entry(cqs, unit("11332"), mar, numerator=45, denominator=50, status="draft")
    make_entry(cqs, unit("11296"), mar, numerator=5, denominator=10)
    series = figure_series(cqs, datetime.date(2022, 4, 15))
    assert [f.as_of for f in series] == [jan, feb, mar]  # April has not ended on 15/04
    # Jan 10/100; Feb (10 + 20) / (100 + 50); Mar (30 + 20 + 5) / (100 + 50 + 10), the
    # draft 45/50 ignored
    assert [(f.numerator, f.denominator) for f in series] == [(10, 100), (30, 150), (55, 160)]
    assert [round(f.value, 3) for f in series] == [Decimal(10), Decimal(20), Decimal("34.375")]
    assert [f.units_with_figure for f in series] == [1, 2, 3]
    assert [f.reported for f in series] == [1, 1, 2]
    for figure in series:
        assert figure.value == city_figure("CQS-03c", as_of=figure.as_of).value


def test_series_matches_rollup_for_values_within_a_district(target, unit, make_entry):
    cqs = target("CQS-03c")
    for month, units in ((3, ("11329", "11296")), (7, ("11332",)), (11, ("11329", "11332"))):
        for code in units:
            end = datetime.date(2022, month + 1, 1) - datetime.timedelta(days=1)
            make_entry(cqs, unit(code), end, numerator=month + len(code), denominator=40)
    ngo_quyen = unit("304")
    for figure in figure_series(cqs, DEC, within=ngo_quyen):
        expected = city_figure("CQS-03c", as_of=figure.as_of, within=ngo_quyen)
        assert (figure.value, figure.numerator, figure.denominator) == (
            expected.value,
            expected.numerator,
            expected.denominator,
        )
        assert figure.status == expected.status


def test_series_query_count_is_fixed(target, unit, make_entry, django_assert_num_queries):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), NOV, numerator=1, denominator=2)
    # changes per period end, expected units
    with django_assert_num_queries(2):
        figure_series(cqs, DEC)


def test_district_league_ranks_by_share_of_targets_on_track(target, unit, make_entry):
    make_entry(target("CQS-03b"), unit("304"), numerator=60, denominator=100)  # achieved
    make_entry(target("CQS-03c"), unit("11329"), numerator=40, denominator=100)  # achieved
    make_entry(target("CQS-03b"), unit("303"), numerator=10, denominator=100)  # missed
    targets = Target.objects.filter(plan__code="kh74-2022")
    districts = unit("31").children.filter(level="district")
    league = district_league(targets, DEC, districts)
    assert len(league) == 15
    first = league[0]
    assert first.district.code == "304"
    assert (first.good, first.applicable, first.share) == (2, 2, Decimal(100))
    assert first.reported == 2 and first.expected == 1 + 12
    hong_bang = next(s for s in league if s.district.code == "303")
    assert hong_bang.good == 0 and hong_bang.share == 0
