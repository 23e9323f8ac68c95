"""The district scorecard: districts × the targets that apply to them; a target that
does not apply is "—" and never counts; ties share a rank; a district with no report for
the period is not ranked."""

import datetime
from decimal import Decimal

import pytest

from targets.domain.league import Cell, Row, column_key, league, rank_rows
from targets.domain.models import AdministrativeUnit, Target
from targets.domain.progress import Figure, branch_figures
from targets.domain.status import Status
from targets.domain.tree import Units

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)
PERIOD = "plan=kh74-2022&as_of=2022-12-31"


@pytest.fixture
def two_districts_on_track(target, unit, make_entry):
    """Hồng Bàng (303) meets CQS-03b and CQS-03c; Bạch Long Vĩ (318, no communes)
    meets CQS-03b; Lê Chân (305) meets CQS-03b only, its commune misses CQS-03c."""
    cqs_b, cqs_c = target("CQS-03b"), target("CQS-03c")
    for code in ("303", "318", "305"):
        make_entry(cqs_b, unit(code), numerator=60, denominator=100)
    make_entry(cqs_c, unit("11296"), numerator=40, denominator=100)  # Quán Toan, Hồng Bàng
    commune = AdministrativeUnit.objects.filter(parent__code="305").order_by("code").first()
    make_entry(cqs_c, commune, numerator=5, denominator=100)
    return cqs_b, cqs_c


def scorecard(plan):
    units = Units.load()
    city = units.city()
    districts = [u for u in units.children(city, DEC) if u.level == "district"]
    targets = list(Target.objects.filter(plan=plan).with_relations())
    return league(
        districts, targets, branch_figures(targets, DEC, city, districts, units=units), {}
    )


def test_district_without_communes_is_not_ranked_on_commune_targets(plan, two_districts_on_track):
    cqs_b, cqs_c = two_districts_on_track
    rows = {row.unit.code: row for row in scorecard(plan).rows}
    bach_long_vi = rows["318"]
    assert not bach_long_vi.cells[column_key(cqs_c)].applicable
    assert bach_long_vi.cells[column_key(cqs_b)].applicable
    assert (bach_long_vi.good, bach_long_vi.applicable) == (1, 1)  # not 1/2
    assert bach_long_vi.share == Decimal(100)


def test_ties_share_a_rank(plan, two_districts_on_track):
    rows = {row.unit.code: row for row in scorecard(plan).rows}
    assert rows["303"].rank == rows["318"].rank == 1
    assert rows["303"].tied and rows["318"].tied
    assert rows["305"].rank == 3  # 1/2, after two districts tied first
    assert not rows["305"].tied


def row_with(district, target_pair, statuses):
    """A row whose cells have ``statuses`` (None: not applicable)."""
    row = Row(unit=district)
    for target, status in zip(target_pair, statuses, strict=True):
        figure = None
        if status is not None:
            figure = Figure(
                target=target, as_of=DEC, value=Decimal(1), status=status, expected=1, reported=1
            )
        row.cells[column_key(target)] = Cell(target=target, figure=figure)
    return row


def test_rank_rows_gives_equal_shares_the_same_rank_and_skips_the_next(target):
    pair = (target("CQS-03b"), target("CQS-03c"))
    districts = list(AdministrativeUnit.objects.filter(level="district").order_by("code")[:6])
    good, bad = Status.ACHIEVED, Status.OFF_TRACK
    rows = [
        row_with(districts[0], pair, (good, good)),  # 100%
        row_with(districts[1], pair, (good, bad)),  # 50%
        row_with(districts[2], pair, (good, None)),  # 100%: one target applies
        row_with(districts[3], pair, (bad, good)),  # 50%
        row_with(districts[4], pair, (bad, bad)),  # 0%
        row_with(districts[5], pair, (None, None)),  # nothing applies: unranked
    ]
    ranked = rank_rows(rows)
    assert [r.unit for r in ranked] == [districts[i] for i in (0, 2, 1, 3, 4, 5)]
    assert [r.rank for r in ranked] == [1, 1, 3, 3, 5, None]
    assert [r.tied for r in ranked] == [True, True, True, True, False, False]


def test_dashboard_shows_a_dash_for_a_target_that_does_not_apply(
    manager_client, two_districts_on_track
):
    response = manager_client.get(f"/?{PERIOD}")
    html = response.content.decode()
    assert "Không áp dụng" in html
    assert "(đồng hạng)" in html
    assert "Hạng: theo tỷ lệ chỉ tiêu đạt hoặc đúng tiến độ trên số chỉ tiêu áp dụng" in html


def test_scorecard_sorts_by_a_target_column(manager_client, two_districts_on_track):
    _cqs_b, cqs_c = two_districts_on_track
    response = manager_client.get(f"/?{PERIOD}&grid-sort={column_key(cqs_c)}")
    codes = [row.record.unit.code for row in response.context["scorecard_table"].rows]
    assert codes[0] == "303"  # the one district meeting CQS-03c first
    assert codes[-1] == "318"  # not applicable last
    response = manager_client.get(f"/?{PERIOD}&grid-sort=-{column_key(cqs_c)}")
    codes = [row.record.unit.code for row in response.context["scorecard_table"].rows]
    assert codes[0] == "318"


def test_district_page_shows_the_grid_of_its_communes(manager_client, target, unit, make_entry):
    make_entry(target("CQS-03c"), unit("11329"), numerator=30, denominator=60)
    response = manager_client.get(f"/don-vi/304/?{PERIOD}")
    grid = response.context["scorecard"]
    assert len(grid.rows) == 12  # Ngô Quyền's communes
    assert [t.code for t in grid.targets] == ["CQS-03c"]
    assert grid.rows[0].unit.code == "11329" and grid.rows[0].rank == 1
    assert "Bảng điểm các xã, phường, thị trấn" in response.content.decode()


def test_a_district_cell_drills_down_to_the_targets_units_in_that_district(
    manager_client, two_districts_on_track
):
    html = manager_client.get(f"/?{PERIOD}").content.decode()
    assert 'href="/kh74-2022/CQS-03c/?plan=kh74-2022&amp;as_of=2022-12-31&amp;district=303"' in html
