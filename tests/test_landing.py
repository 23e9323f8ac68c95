"""``/`` without parameters: the plan running today, else the latest plan as of its
end, and the page says which; and every manager page offers the status reports."""

import datetime
import io

import openpyxl
import pytest

from targets.domain.models import Plan
from targets.pages.landing import landing_period

pytestmark = pytest.mark.django_db

PERIOD = "plan=kh74-2022&as_of=2022-12-31"


def city_scope(make_user):
    from targets.domain.scope import read_scope

    return read_scope(make_user("city", memberships=[("31", "viewer")]))


def test_landing_opens_the_plan_with_the_latest_approved_figures_in_scope(
    make_user, target, unit, make_entry
):
    """On 04/12/2026 no plan of the seed runs: the page opens the plan and the period of
    the newest approved figure the reader may see, and says why."""
    make_entry(
        target("CQS-03c"), unit("11329"), datetime.date(2022, 11, 30), numerator=1, denominator=2
    )
    scope = city_scope(make_user)
    period, sentence = landing_period(
        {}, Plan.objects.all(), scope, today=datetime.date(2026, 12, 4)
    )
    assert (period.plan.code, period.as_of) == ("kh74-2022", datetime.date(2022, 11, 30))
    assert "kỳ gần nhất có số liệu đã duyệt trong phạm vi của bạn: 30/11/2022" in sentence


def test_landing_ignores_figures_outside_the_scope_and_after_today(
    make_user, target, unit, make_entry
):
    make_entry(
        target("CQS-03c"), unit("11296"), datetime.date(2022, 11, 30), numerator=1, denominator=2
    )
    from targets.domain.scope import read_scope

    district = read_scope(make_user("ngoquyen", memberships=[("304", "viewer")]))
    period, sentence = landing_period(
        {}, Plan.objects.all(), district, today=datetime.date(2022, 6, 15)
    )
    # Hồng Bàng's figure is not Ngô Quyền's; nothing of Ngô Quyền: the running plan.
    assert (period.plan.code, period.as_of) == ("kh74-2022", datetime.date(2022, 6, 15))
    assert "Chưa có số liệu nào được duyệt trong phạm vi của bạn" in sentence


def test_landing_without_any_figure_shows_the_plan_running_today(make_user):
    period, sentence = landing_period(
        {}, Plan.objects.all(), city_scope(make_user), today=datetime.date(2022, 6, 15)
    )
    assert (period.plan.code, period.as_of) == ("kh74-2022", datetime.date(2022, 6, 15))
    assert "đang thực hiện hôm nay" in sentence


def test_landing_without_a_running_plan_shows_the_latest_plan_as_of_its_end(make_user):
    period, sentence = landing_period(
        {}, Plan.objects.all(), city_scope(make_user), today=datetime.date(2026, 11, 30)
    )
    assert period.plan.code == "nq03-2025"
    assert period.as_of == datetime.date(2025, 12, 31)  # its end, not today
    assert "không có kế hoạch nào đang thực hiện" in sentence
    assert "31/12/2025" in sentence


def test_landing_with_parameters_shows_what_was_asked():
    period, sentence = landing_period(
        {"plan": "kh74-2022", "as_of": "2022-12-31"}, Plan.objects.all()
    )
    assert (period.plan.code, period.as_of, sentence) == (
        "kh74-2022",
        datetime.date(2022, 12, 31),
        "",
    )


def test_bare_dashboard_says_which_plan_it_shows(manager_client):
    html = manager_client.get("/").content.decode()
    assert 'class="landing"' in html


def test_switching_plans_moves_the_date_into_the_new_plan(manager_client):
    """Choosing the 2022 plan on a page of the 2025 plan at 31/12/2025 shows the 2022
    plan at its end, and says so (not "năm 2022 · Tính đến ngày 31/12/2025")."""
    response = manager_client.get("/?plan=kh74-2022&as_of=2025-12-31&shown_plan=nq03-2025")
    assert response.context["period"].as_of == datetime.date(2022, 12, 31)
    html = response.content.decode()
    assert "được đưa về trong thời gian của kế hoạch đã chọn: 31/12/2022" in html
    # A date asked on purpose (no switch) is kept: the reports' lateness needs it.
    kept = manager_client.get("/tinh-hinh-bao-cao/?plan=kh74-2022&as_of=2023-01-11")
    assert kept.context["period"].as_of == datetime.date(2023, 1, 11)


IN_HTML = PERIOD.replace("&", "&amp;")
PAGES = {
    "dashboard": (f"/?{PERIOD}", IN_HTML),
    "target-list": (f"/chi-tieu/?{PERIOD}", IN_HTML),
    "target-detail": (f"/kh74-2022/CQS-03c/?{PERIOD}", IN_HTML),
    "unit-detail": (f"/don-vi/304/?{PERIOD}", f"{IN_HTML}&amp;unit=304"),
    "completeness": (f"/tinh-hinh-bao-cao/?{PERIOD}", IN_HTML),
}


@pytest.mark.parametrize("name", PAGES)
def test_every_manager_page_has_the_report_menu(manager_client, name):
    url, query = PAGES[name]
    html = manager_client.get(url).content.decode()
    assert "Tải báo cáo" in html
    for path in ("tinh-hinh.pdf", "tinh-hinh.xlsx", "tinh-hinh.csv", "so-lieu.csv"):
        assert f'href="/bao-cao/{path}?{query}"' in html


def test_unit_page_menu_gives_that_units_report(manager_client):
    response = manager_client.get(f"/bao-cao/tinh-hinh.xlsx?{PERIOD}&unit=304")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    text = " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )
    assert "NGÔ QUYỀN" in text.upper()
    assert "HỒNG BÀNG" not in text.upper()  # another district's communes are not in it
