"""Every figure says what it is: its period, a mark when older than the current period,
its change since the previous period, and its source (issue 15)."""

import datetime
from decimal import Decimal

import pytest

from targets.domain.freshness import Change, Freshness, previous_period_end
from targets.domain.progress import Figure

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)
NOV = datetime.date(2022, 11, 30)
SEP = datetime.date(2022, 9, 30)
PERIOD = "plan=kh74-2022&as_of=2022-12-31"
NOTE = "Kết quả công bố: Hải Phòng xếp hạng 14/63 (nguồn thử nghiệm)."
EVIDENCE = "https://dti.gov.vn/xep-hang-2022"


def test_previous_period_end_follows_the_frequency():
    assert previous_period_end("monthly", DEC) == NOV
    assert previous_period_end("quarterly", DEC) == SEP
    assert previous_period_end("annual", DEC) == datetime.date(2021, 12, 31)
    assert previous_period_end("monthly", datetime.date(2022, 12, 15)) == datetime.date(
        2022, 10, 31
    )


def test_stale_figure_is_marked_on_the_dashboard_and_target_table(
    manager_client, target, unit, make_entry
):
    make_entry(target("XHS-01"), unit("31"), SEP, numerator=50, denominator=100)
    for url in (f"/?{PERIOD}", f"/chi-tieu/?{PERIOD}&q=XHS-01"):
        html = manager_client.get(url).content.decode()
        assert 'class="stale"' in html
        assert "cũ, kỳ 30/09/2022" in html


def test_current_figure_is_not_marked_stale(target, unit, make_entry):
    figure = Figure(target=target("XHS-01"), as_of=DEC, value=Decimal(50), last_period=DEC)
    assert not Freshness(figure).stale
    figure.last_period = SEP
    assert Freshness(figure).stale


def test_change_since_previous_period_shows_on_the_unit_page(
    manager_client, target, unit, make_entry
):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), NOV, numerator=20, denominator=100)
    make_entry(cqs, unit("11329"), DEC, numerator=40, denominator=100)
    response = manager_client.get(f"/don-vi/11329/?{PERIOD}")
    (row,) = [r.record for r in response.context["table"].rows]
    assert row.freshness.change == Change.UP and row.freshness.better is True
    assert 'class="change better"' in response.content.decode()
    assert "Tăng so với kỳ 30/11/2022 (tốt lên)" in response.content.decode()


def test_a_lower_rank_is_a_change_for_the_better(target):
    dti = target("DTI-01")
    now = Figure(target=dti, as_of=DEC, value=Decimal(14), last_period=DEC)
    before = Figure(target=dti, as_of=DEC, value=Decimal(20), last_period=DEC)
    freshness = Freshness(now, before)
    assert (freshness.change, freshness.better, freshness.arrow) == (Change.DOWN, True, "↓")


def test_a_source_stored_on_an_entry_appears_on_the_detail_page(
    manager_client, target, unit, make_entry
):
    entry = make_entry(target("DTI-01"), unit("31"), value=14)
    entry.note, entry.evidence_url = NOTE, EVIDENCE
    entry.save()
    html = manager_client.get(f"/kh74-2022/DTI-01/?{PERIOD}").content.decode()
    assert "Nguồn số liệu:" in html
    assert NOTE in html
    assert f'href="{EVIDENCE}"' in html


def test_a_commune_entry_note_appears_in_the_units_table_and_on_its_page(
    manager_client, target, unit, make_entry
):
    entry = make_entry(target("CQS-03c"), unit("11329"), numerator=30, denominator=60)
    entry.note = "Sổ theo dõi hồ sơ của phường, tháng 12/2022."
    entry.save()
    detail = manager_client.get(f"/kh74-2022/CQS-03c/?{PERIOD}&district=304")
    assert entry.note in detail.content.decode()
    page = manager_client.get(f"/don-vi/11329/?{PERIOD}")
    assert entry.note in page.content.decode()


def test_annual_target_is_not_due_on_the_dashboard_mid_year(manager_client):
    html = manager_client.get("/?plan=kh74-2022&as_of=2022-06-30").content.decode()
    dti = html.split("DTI-01", 1)[1].split("</li>", 1)[0]
    assert "chưa đến kỳ báo cáo đầu tiên" in dti
    assert "0/1" not in dti
