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


def test_landing_shows_the_plan_running_today():
    period, sentence = landing_period({}, Plan.objects.all(), today=datetime.date(2022, 6, 15))
    assert (period.plan.code, period.as_of) == ("kh74-2022", datetime.date(2022, 6, 15))
    assert "đang thực hiện hôm nay" in sentence


def test_landing_without_a_running_plan_shows_the_latest_plan_as_of_its_end():
    period, sentence = landing_period({}, Plan.objects.all(), today=datetime.date(2026, 11, 30))
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
