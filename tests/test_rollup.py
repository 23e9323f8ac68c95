"""Roll-ups, one period per figure: parts are summed (never percentages), and only the
approved reports of the target's current period count; an older figure is not carried
into it, its unit counts as not reported, and the figure is provisional."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import Count, Max, Sum

from targets.domain.league import league
from targets.domain.models import AdministrativeUnit, ApiToken, ProgressEntry, Target
from targets.domain.progress import branch_figures, figure_series, plan_figures, target_dues
from targets.domain.rollup import rollup
from targets.domain.status import Status
from targets.domain.tree import Units
from tests.report_builders import pdf_text

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)
NOV = datetime.date(2022, 11, 30)
PERIOD = "plan=kh74-2022&as_of=2022-12-31"


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
    assert figure.provisional
    assert figure.status == Status.MISSED


def test_an_older_figure_is_not_carried_into_the_period(target, unit, make_entry):
    """A unit whose latest approved figure is November's is not in December's figure."""
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), NOV, numerator=40, denominator=100)
    make_entry(cqs, unit("11332"), NOV, numerator=10, denominator=100)
    make_entry(cqs, unit("11332"), DEC, numerator=20, denominator=100)
    figure = city_figure("CQS-03c")
    assert (figure.numerator, figure.denominator, figure.reported) == (20, 100, 1)
    assert figure.last_period == DEC and figure.value == Decimal(20)
    november = city_figure("CQS-03c", as_of=NOV)
    assert (november.numerator, november.denominator, november.reported) == (50, 200, 2)


def test_a_period_nobody_reported_has_no_figure(target, unit, make_entry):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), NOV, numerator=40, denominator=100)
    make_entry(cqs, unit("11329"), DEC, numerator=5, denominator=100, status="draft")
    make_entry(cqs, unit("11332"), DEC, numerator=5, denominator=100, status="submitted")
    figure = city_figure("CQS-03c")
    assert figure.value is None and figure.last_period is None
    assert figure.reported == 0 and figure.status == Status.NO_DATA
    assert not figure.provisional


def test_entry_after_the_as_of_date_is_ignored(target, unit, make_entry):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), NOV, numerator=10, denominator=100)
    make_entry(cqs, unit("11329"), DEC, numerator=90, denominator=100)
    assert city_figure("CQS-03c", as_of=datetime.date(2022, 12, 15)).value == Decimal(10)
    assert city_figure("CQS-03c", as_of=DEC).value == Decimal(90)


def test_a_city_target_is_the_city_s_own_latest_figure(target, unit, make_entry):
    """A target the city reports alone does not roll up: its figure is the city's own
    latest approved one, stale when older than the period."""
    make_entry(target("DTI-01"), unit("31"), value=14)
    figure = city_figure("DTI-01")
    assert figure.value == Decimal(14) and figure.own and figure.reported == 1
    assert figure.status == Status.MISSED
    make_entry(
        target("CQS-01"), unit("31"), datetime.date(2022, 9, 30), numerator=8, denominator=10
    )
    quarter = city_figure("CQS-01")
    assert quarter.value == Decimal(80) and quarter.last_period == datetime.date(2022, 9, 30)
    assert quarter.reported == 0  # stale: not December's report


def test_branch_rollup_covers_only_its_communes(target, unit, make_entry):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), numerator=30, denominator=60)  # Ngô Quyền
    make_entry(cqs, unit("11332"), numerator=10, denominator=40)  # Ngô Quyền
    make_entry(cqs, unit("11296"), numerator=1, denominator=100)  # Hồng Bàng
    units = Units.load()
    city = units.city()
    rows = branch_figures([cqs], DEC, city, [unit("304"), unit("303"), unit("305")], units=units)
    ngo_quyen = rows[(cqs.pk, unit("304").pk)]
    assert ngo_quyen.value == Decimal(40) and (ngo_quyen.reported, ngo_quyen.expected) == (2, 12)
    assert rows[(cqs.pk, unit("303").pk)].value == Decimal(1)
    assert rows[(cqs.pk, unit("305").pk)].status == Status.NO_DATA
    within = city_figure("CQS-03c", within=unit("304"))
    assert within.value == Decimal(40) and within.expected == 12


def test_rollup_query_count_does_not_grow_with_entries(
    target, unit, make_entry, django_assert_num_queries
):
    cqs = target("CQS-03c")
    targets = list(Target.objects.filter(plan__code="kh74-2022").with_relations())
    for code in ("11329", "11332"):
        make_entry(cqs, unit(code), numerator=1, denominator=2)
    # units, roll-up, the city's own figures (the targets are read)
    with django_assert_num_queries(3):
        plan_figures(targets, DEC)
    for month in range(1, 12):
        for code in ("11335", "11338", "11341"):
            end = datetime.date(2022, month + 1, 1) - datetime.timedelta(days=1)
            make_entry(cqs, unit(code), end, numerator=1, denominator=2)
    with django_assert_num_queries(3):
        plan_figures(targets, DEC)


def test_series_is_each_period_s_reports(target, unit, make_entry):
    cqs = target("CQS-03c")
    jan, feb, mar = (datetime.date(2022, m, d) for m, d in ((1, 31), (2, 28), (3, 31)))
    make_entry(cqs, unit("11329"), jan, numerator=10, denominator=100)
    make_entry(cqs, unit("11329"), mar, numerator=30, denominator=100)
    make_entry(cqs, unit("11332"), feb, numerator=20, denominator=50)
    make_entry(cqs, unit("11332"), mar, numerator=45, denominator=50, status="draft")
    make_entry(cqs, unit("11296"), mar, numerator=5, denominator=10)
    series = figure_series(cqs, datetime.date(2022, 4, 15))
    assert [f.as_of for f in series] == [jan, feb, mar]  # April has not ended on 15/04
    # Jan 10/100; Feb 20/50 alone; Mar (30 + 5) / (100 + 10), the draft 45/50 ignored
    assert [(f.numerator, f.denominator) for f in series] == [(10, 100), (20, 50), (35, 110)]
    assert [f.reported for f in series] == [1, 1, 2]
    assert all(f.provisional for f in series)
    for figure in series:
        assert figure.value == city_figure("CQS-03c", as_of=figure.as_of).value


def test_series_query_count_is_fixed(target, unit, make_entry, django_assert_num_queries):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), NOV, numerator=1, denominator=2)
    with django_assert_num_queries(2):  # units, one roll-up over every period
        figure_series(cqs, DEC)


# --- The test of the issue: mixed periods in one district --------------------------


@pytest.fixture
def mixed(target, unit, make_entry):
    """Ngô Quyền's 12 communes: 4 reported December (20/100 each), 8 only November
    (90/100 each); Hồng Bàng's communes reported nothing for December."""
    cqs = target("CQS-03c")
    communes = list(AdministrativeUnit.objects.filter(parent__code="304").order_by("code"))
    for commune in communes[:4]:
        make_entry(cqs, commune, NOV, numerator=10, denominator=100)
        make_entry(cqs, commune, DEC, numerator=20, denominator=100)
    for commune in communes[4:]:
        make_entry(cqs, commune, NOV, numerator=90, denominator=100)
    make_entry(cqs, unit("11296"), NOV, numerator=90, denominator=100)
    return cqs


def test_a_rollup_of_mixed_periods_is_its_period_s_reports_and_provisional(mixed, unit):
    figure = city_figure("CQS-03c", within=unit("304"))
    assert (figure.numerator, figure.denominator) == (80, 400)
    assert figure.value == Decimal(20) and (figure.reported, figure.expected) == (4, 12)
    assert figure.provisional and figure.status_label == "Không đạt (tạm tính, 4/12)"


def test_a_district_without_a_report_for_the_period_is_not_ranked(mixed, unit):
    units = Units.load()
    city = units.city()
    districts = [unit("303"), unit("304")]
    figures = branch_figures([mixed], DEC, city, districts, units=units)
    rows = {row.unit.code: row for row in league(districts, [mixed], figures, {}).rows}
    assert rows["304"].rank == 1 and rows["304"].provisional
    assert rows["303"].rank is None and rows["303"].share is None  # not tied with 304


def test_the_provisional_figure_reads_the_same_everywhere(mixed, client, make_user):
    """The page, the XLSX, the PDF and the API all say the figure is the 4 December
    reports' (20,00%), provisional, 4/12; a district that did not report is not ranked."""
    viewer = make_user("ngoquyen", memberships=[("304", "viewer")])
    client.force_login(viewer)
    page = client.get(f"/chi-tieu/?{PERIOD}&q=CQS-03c").content.decode()
    assert "20,00%" in page and "Không đạt (tạm tính, 4/12)" in page
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/bao-cao/tinh-hinh.xlsx?{PERIOD}", secure=True).content)
    )
    rows = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    (row,) = [r for r in rows if "CQS-03c" in r and "Không đạt (tạm tính, 4/12)" in r]
    assert 0.2 in row and 4 in row and 12 in row  # 20,00% stored as a fraction
    pdf = pdf_text(client.get(f"/bao-cao/tinh-hinh.pdf?{PERIOD}", secure=True).content)
    assert "20,00%" in pdf and "tạm tính" in pdf
    _token, key = ApiToken.issue(user=viewer, name="test")
    api = client.get(f"/api/v1/figures/?{PERIOD}", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    (figure,) = [f for f in api["figures"] if f["target"] == "CQS-03c"]
    assert Decimal(figure["value"]) == Decimal(20) and figure["provisional"] is True
    assert (figure["reports_received"], figure["reports_expected"]) == (4, 12)
    client.force_login(make_user("city", memberships=[("31", "viewer")]))
    grid = client.get(f"/?{PERIOD}").context["scorecard"]
    rows = {row.unit.code: row for row in grid.rows}
    assert rows["304"].rank is not None and rows["303"].rank is None


# --- The roll-up against its definition, on this backend ---------------------------


def by_definition(pairs, groups) -> dict:
    """The sums of each (target, period)'s approved entries per group, by the ORM."""
    found = {}
    for target_id, period in pairs:
        rows = (
            ProgressEntry.objects.filter(
                target=target_id, period_end=period, status="approved", unit__in=list(groups)
            )
            .values_list("unit")
            .annotate(n=Sum("numerator"), d=Sum("denominator"), v=Sum("value"), m=Max("value"))
            .annotate(c=Count("id"))
        )
        for unit_id, n, d, v, m, c in rows:
            key = (target_id, period, groups[unit_id])
            old = found.get(key, (None, None, None, None, 0))
            plus = lambda a, b: b if a is None else (a if b is None else a + b)  # noqa: E731
            top = max((x for x in (old[3], m) if x is not None), default=None)
            found[key] = (plus(old[0], n), plus(old[1], d), plus(old[2], v), top, old[4] + c)
    return found


@pytest.mark.parametrize("as_of", [datetime.date(2022, 6, 30), DEC])
def test_rollup_equals_its_definition(demo_entries_once, as_of):
    """One SQL shape on every backend (PostgreSQL: arrays unnested; SQLite: JSON);
    CI runs it on both."""
    units = Units.load()
    targets = list(Target.objects.filter(plan__code="kh74-2022").with_relations())
    dues = target_dues(targets, as_of, units)
    pairs = [(t.pk, dues[t.pk].period_end) for t in targets]
    city = units.city()
    groups = {}
    for unit in units.by_pk.values():
        branch = units.branch(unit, city)
        if branch is not None:
            groups[unit.pk] = branch.pk
    found = rollup(pairs=pairs, groups=groups)
    expected = by_definition(pairs, groups)
    assert len(found) >= 20
    assert {
        key: (s.numerator, s.denominator, s.value_sum, s.value_max, s.reports)
        for key, s in found.items()
    } == expected


def test_branch_figures_equal_each_branch_s_own_rollup(demo_entries_once):
    units = Units.load()
    targets = list(Target.objects.filter(plan__code="kh74-2022").with_relations())
    city = units.city()
    districts = [u for u in units.children(city, DEC) if u.level == "district"]
    found = branch_figures(targets, DEC, city, districts, units=units)
    assert len(found) > 15
    for district in districts:
        own = {f.target.pk: f for f in plan_figures(targets, DEC, within=district, units=units)}
        for (target_id, branch_id), figure in found.items():
            if branch_id == district.pk:
                mine = own[target_id]
                assert (figure.value, figure.reported, figure.expected) == (
                    mine.value,
                    mine.reported,
                    mine.expected,
                )


def test_no_pair_or_no_unit_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert rollup(pairs=[], groups={1: 0}) == {}
        assert rollup(pairs=[(1, DEC)], groups={}) == {}
