"""The manager journeys of issue 15, in a real browser: the status report downloaded
from the dashboard's menu (both files read back), and the scorecard and wide tables at
a desktop and a phone viewport with no clipped column."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .test_journeys import PERIOD_QUERY, approved_entry, demo_entries  # noqa: F401

pytestmark = pytest.mark.browser

# For every header cell: inside the viewport, or inside a box that scrolls sideways
# (and within that box's scrollable width). Returns the texts of clipped cells.
CLIPPED_HEADERS = """(selector) => {
  const width = document.documentElement.clientWidth;
  const scroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (["auto", "scroll"].includes(style.overflowX) && p.scrollWidth > p.clientWidth) return p;
    }
    return null;
  };
  const clipped = [];
  for (const th of document.querySelectorAll(selector)) {
    const box = th.getBoundingClientRect();
    if (box.width === 0) continue;
    if (box.left >= -0.5 && box.right <= width + 0.5) continue;
    const parent = scroller(th);
    if (parent) {
      const outer = parent.getBoundingClientRect();
      const right = box.right - (outer.left + parent.clientLeft) + parent.scrollLeft;
      if (outer.left >= -0.5 && outer.right <= width + 0.5 && right <= parent.scrollWidth + 0.5) continue;
    }
    clipped.push(th.textContent.trim());
  }
  return clipped;
}"""


def clipped_headers(page, selector):
    return page.evaluate(CLIPPED_HEADERS, selector)


def test_manager_downloads_status_report_from_dashboard(session_for, demo_entries, tmp_path):  # noqa: F811
    """The city manager opens the dashboard's "Tải báo cáo" menu and downloads the PDF
    and the XLSX status report of the plan and date on screen; both files read back."""
    approved_entry()
    manager = session_for("lanhdao")
    page = manager.page
    manager.login("lanhdao")
    manager.goto(f"/?{PERIOD_QUERY}")
    menu = page.locator("details.report-menu")
    menu.locator("summary").click()
    expect(menu.get_by_role("link", name="Báo cáo tình hình (PDF)")).to_be_visible()
    manager.shot("report-menu")

    with page.expect_download() as info:
        menu.get_by_role("link", name="Báo cáo tình hình (PDF)").click()
    pdf_path = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf_path)
    assert pdf_path.suffix == ".pdf"
    text = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages
    )
    assert "CQS-03c" in text and "31/12/2022" in text
    assert "vạch đen liền: mục tiêu" in text  # the web's legend wording

    with page.expect_download() as info:
        menu.get_by_role("link", name="Báo cáo tình hình (XLSX)").click()
    xlsx_path = tmp_path / info.value.suggested_filename
    info.value.save_as(xlsx_path)
    assert xlsx_path.suffix == ".xlsx"
    book = openpyxl.load_workbook(xlsx_path, read_only=True)
    cells = {str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row}
    assert "CQS-03c" in cells and "DTI-01" in cells


def test_manager_reads_scorecard_without_clipped_columns(session_for, demo_entries):  # noqa: F811
    """The scorecard, the target table and a district's commune grid lose no column: at
    1366 px every header is on screen, on a phone the rest is in a box that scrolls."""
    manager = session_for("lanhdao")
    page = manager.page
    manager.login("lanhdao")
    manager.goto(f"/?{PERIOD_QUERY}")
    scorecard = page.locator("table.scorecard")
    expect(scorecard.locator("thead")).to_contain_text("CQS-03c")
    bach_long_vi = scorecard.locator("tbody tr", has_text="Bạch Long Vĩ")
    expect(bach_long_vi.locator(".cell.na")).to_have_count(1)  # CQS-03c does not apply
    scorecard.scroll_into_view_if_needed()
    manager.shot("scorecard")
    assert clipped_headers(page, "table.scorecard thead th") == []

    # Sorted by a target column, best first; the first column stays while the box scrolls.
    scorecard.locator("thead th", has_text="CQS-03c").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"grid-sort="))
    box = page.locator(".table-scroll", has=page.locator("table.scorecard"))
    first = page.locator("table.scorecard thead th").first
    before = first.bounding_box()["x"]
    box.evaluate("el => el.scrollLeft = el.scrollWidth")
    assert abs(first.bounding_box()["x"] - before) < 1
    manager.shot("scorecard-sorted")

    manager.goto(f"/chi-tieu/?{PERIOD_QUERY}")
    expect(page.locator("table.data thead")).to_contain_text("Kỳ báo cáo gần nhất")
    assert clipped_headers(page, "table.data thead th") == []
    if manager.viewport == "desktop":  # a laptop shows every column without scrolling
        width = page.evaluate("document.documentElement.clientWidth")
        for th in page.locator("table.data thead th").all():
            assert th.bounding_box()["x"] + th.bounding_box()["width"] <= width
    manager.shot("target-table")

    manager.goto(f"/don-vi/304/?{PERIOD_QUERY}")
    expect(page.locator("#scorecard")).to_have_text("Bảng điểm các xã, phường, thị trấn")
    assert clipped_headers(page, "table.data thead th") == []
    expect(page.locator("figure.chart svg:visible")).to_have_count(1)  # one drawing per width
    manager.shot("district-page")


def test_reviewer_reads_the_entry_list_without_clipped_columns(session_for, demo_entries):  # noqa: F811
    """The admin entry list, fifty rows a page: at 1366 px with the admin's navigation
    open, every column — the figures, status and author included — is on screen; on a
    phone the rest is in the box that scrolls."""
    reviewer = session_for("duyet.thanhpho")
    page = reviewer.page
    reviewer.login("duyet.thanhpho")
    reviewer.goto("/admin/targets/progressentry/")
    expect(page.locator("#result_list tbody tr")).to_have_count(50)
    expect(page.locator(".paginator")).to_contain_text("số liệu báo cáo")
    reviewer.shot("entry-list")
    assert clipped_headers(page, "#result_list thead th") == []
    if reviewer.viewport == "desktop":
        assert page.locator("#nav-sidebar").is_visible()
        table = page.locator("#result_list")
        assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
        width = page.evaluate("document.documentElement.clientWidth")
        for th in page.locator("#result_list thead th").all():
            assert th.bounding_box()["x"] + th.bounding_box()["width"] <= width
