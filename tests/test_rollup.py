"""Roll-ups: parts are summed, only the latest approved entry on or before the date counts."""

import datetime
from decimal import Decimal

import pytest

from targets.models import ProgressEntry, Target
from targets.progress import district_figures, plan_figures
from targets.status import Status

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
