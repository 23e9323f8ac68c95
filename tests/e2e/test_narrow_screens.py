"""The manager pages on a phone (375×740) and on a laptop (1366×900), in a real browser:
the frozen first column of a wide table hides the cells scrolled behind it, codes never
break at their hyphen, nothing of the city's table is clipped at 1366 px, a change mark
stands apart from the figure, a chart's labels stay inside the chart.

Screenshots of every page, scrolled sideways and not, go to
``test-artifacts/screenshots/<test>/``."""

import re

import pytest
from playwright.sync_api import expect

from targets.domain.models import ProgressEntry

from .test_journeys import PERIOD_QUERY, demo_entries  # noqa: F401

pytestmark = pytest.mark.browser

# A source note as long as real ones, with a file name that has no space to break at.
LONG_NOTE = (
    "Kết quả công bố: kinh tế số chiếm 29,48% GRDP (ước tính sơ bộ trong Báo cáo thường "
    "niên kinh tế số Việt Nam 2022); xem bao-cao-thuong-nien-kinh-te-so-viet-nam-2022.pdf"
)
MANAGER_PAGES = [
    ("dashboard", "/"),
    ("target-table", "/chi-tieu/"),
    ("target-detail", "/kh74-2022/CQS-03c/"),
    ("district", "/don-vi/304/"),
    ("commune", "/don-vi/11329/"),
    ("city", "/don-vi/31/"),
    ("completeness", "/tinh-hinh-bao-cao/"),
]

# For every box that scrolls sideways, at three scroll positions: every cell (and every
# element in it) partly behind a row's frozen first cell must be under that cell (what
# the browser hit-tests at points of the overlap is the frozen cell), the frozen cell
# opaque, its edge drawn. Returns the problems found and how many cells were behind.
FROZEN_COLUMN = """() => {
  const alpha = (color) => {
    const m = color.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return color === "transparent" ? 0 : 1;
    const parts = m[1].split(/[ ,/]+/).filter(Boolean);
    return parts.length > 3 ? parseFloat(parts[3]) : 1;
  };
  const name = (el) => el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40);
  const problems = [];
  let behind = 0, boxes = 0;
  for (const box of document.querySelectorAll(".table-scroll")) {
    const room = box.scrollWidth - box.clientWidth;
    if (room <= 0 || !box.checkVisibility()) continue;  // (a closed <details>)
    boxes++;
    const rows = [...box.querySelectorAll("tr")].slice(0, 30);
    const frozenWidth = rows[0].firstElementChild.getBoundingClientRect().width;
    for (const scroll of [frozenWidth / 2, room / 2, room]) {
      box.scrollLeft = Math.min(scroll, room);
      for (const row of rows) {
        const frozen = row.firstElementChild;
        if (!frozen || frozen.colSpan > 1) continue;
        // The page scrolls to the row (the box must keep its own scroll position).
        window.scrollTo(0, window.scrollY + row.getBoundingClientRect().top - innerHeight / 2);
        const f = frozen.getBoundingClientRect();
        const style = getComputedStyle(frozen);
        if (style.position !== "sticky") problems.push(`${name(frozen)}: not frozen`);
        if (alpha(style.backgroundColor) < 1) problems.push(`${name(frozen)}: see-through`);
        const edge = getComputedStyle(frozen, "::before");
        if (edge.opacity !== "1" || alpha(edge.backgroundColor) === 0 || edge.width === "0px")
          problems.push(`${name(frozen)}: no edge`);
        for (const cell of [...row.children].slice(1)) {
          for (const el of [cell, ...cell.querySelectorAll("*")]) {
            const c = el.getBoundingClientRect();
            const left = Math.max(c.left, f.left), right = Math.min(c.right, f.right);
            const top = Math.max(c.top, f.top), bottom = Math.min(c.bottom, f.bottom);
            if (right - left < 2 || bottom - top < 2) continue;
            if (el === cell) behind++;
            for (const fx of [0.2, 0.5, 0.8]) for (const fy of [0.2, 0.5, 0.8]) {
              const hit = document.elementFromPoint(left + (right - left) * fx, top + (bottom - top) * fy);
              if (hit && !frozen.contains(hit))
                problems.push(`"${name(el)}" shows over "${name(frozen)}" (scrolled ${Math.round(box.scrollLeft)}px)`);
            }
          }
        }
      }
    }
    box.scrollLeft = 0;
  }
  return {problems: [...new Set(problems)], behind, boxes};
}"""

# The box (viewport coordinates, whole pixels inside it) of the frozen column of the
# first wide table's rows that are on screen, header included; less the rounded
# corners of the scrolling box, which the browser smooths a shade differently once the
# box is scrolled.
FROZEN_CLIP = """(selector) => {
  const box = document.querySelector(selector).closest(".table-scroll");
  const cells = [...box.querySelectorAll("tr > :first-child")].map((c) => c.getBoundingClientRect())
    .filter((r) => r.top >= 0 && r.bottom <= window.innerHeight);
  const corner = parseFloat(getComputedStyle(box).borderTopLeftRadius) + 1;
  const left = Math.ceil(cells[0].left), right = Math.floor(Math.min(...cells.map((r) => r.right))) - 1;
  const top = Math.ceil(cells[0].top) + corner, bottom = Math.floor(cells[cells.length - 1].bottom) - corner;
  return {x: left, y: top, width: right - left, height: bottom - top};
}"""

# Every code (CQS-03b, DTI-01, XHS-05…) written in a table or over a progress bar: the
# number of lines it takes (1 when it never breaks at its hyphen).
CODE_LINES = """() => [...document.querySelectorAll("table.data a, table.data th, .bar-head strong")]
  .filter((el) => /^[A-Z]{2,4}-\\d{2}[a-z]?$/.test(el.textContent.trim()) && el.getClientRects().length)
  .map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return [el.textContent.trim(), lines.size];
  })"""


@pytest.mark.parametrize("viewport", ["phone"])
def test_frozen_column_hides_the_cells_scrolled_behind_it(session_for, demo_entries):  # noqa: F811
    """At 375 px every wide table of every manager page scrolls inside its box; its first
    column stays, opaque and edged: no cell scrolled behind it shows through ("9Q4S3%1"
    was "94,43%" drawn over "CQS-01"). Also the district manager's dashboard."""
    for who in ("lanhdao", "lanhdao.huyen"):
        manager = session_for(who)
        manager.login(who)
        pages = MANAGER_PAGES if who == "lanhdao" else MANAGER_PAGES[:1]
        for label, path in pages:
            manager.goto(f"{path}?{PERIOD_QUERY}")
            manager.shot(label)
            result = manager.page.evaluate(FROZEN_COLUMN)
            assert result["boxes"], f"{path}: no table scrolls sideways at 375 px"
            assert result["behind"], f"{path}: no cell went behind the frozen column"
            assert result["problems"] == [], path
            # The frozen column leaves most of the box to the columns that scroll.
            widths = manager.page.evaluate(
                """() => [...document.querySelectorAll(".table-scroll")].map((box) =>
                  [box.querySelector("tr > :first-child").getBoundingClientRect().width,
                   box.clientWidth])"""
            )
            assert all(frozen <= box / 2 for frozen, box in widths), (path, widths)
            manager.page.evaluate(
                """() => document.querySelectorAll(".table-scroll").forEach(
                  (box) => box.scrollLeft = box.scrollWidth)"""
            )
            manager.shot(f"{label}-scrolled")


@pytest.mark.parametrize("viewport", ["phone"])
def test_frozen_column_looks_the_same_whatever_scrolls_behind_it(session_for, demo_entries):  # noqa: F811
    """The pixels of the frozen column (the unit names of the dashboard's scorecard, the
    codes of the target table) are the same with the box scrolled sideways as without:
    nothing of the cells behind it is drawn over it."""
    manager = session_for("lanhdao")
    page = manager.page
    manager.login("lanhdao")
    for path, table in (("/", "table.scorecard"), ("/chi-tieu/", "table.data")):
        manager.goto(f"{path}?{PERIOD_QUERY}")
        box = page.locator(".table-scroll", has=page.locator(table)).first
        box.scroll_into_view_if_needed()
        clip = page.evaluate(FROZEN_CLIP, table)
        assert clip["width"] > 20 and clip["height"] > 100, clip
        still = page.screenshot(clip=clip)
        room = box.evaluate("el => el.scrollWidth - el.clientWidth")
        for scroll in (room // 4, room // 2, room):
            box.evaluate("(el, x) => el.scrollLeft = x", scroll)
            page.wait_for_timeout(50)
            moved = page.screenshot(clip=clip)
            if moved != still:  # both kept, to see what showed through
                manager.journey.path("lanhdao", "frozen-still").write_bytes(still)
                manager.journey.path("lanhdao", f"frozen-scrolled-{scroll}").write_bytes(moved)
            assert moved == still, f"{path}: the frozen column changed, scrolled by {scroll}px"


def test_codes_never_break_at_their_hyphen(session_for, viewport, demo_entries):  # noqa: F811
    """Every code in a table or over a progress bar takes one line ("CQS-/03b" was
    broken at its hyphen), on a phone and at 1366 px."""
    manager = session_for("lanhdao")
    manager.login("lanhdao")
    for label, path in MANAGER_PAGES:
        manager.goto(f"{path}?{PERIOD_QUERY}")
        codes = manager.page.evaluate(CODE_LINES)
        assert codes or label == "target-detail", f"{path}: no code found"  # (its own code)
        assert [code for code, lines in codes if lines != 1] == [], path


@pytest.mark.parametrize("viewport", ["desktop"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_city_table_is_whole_at_1366(session_for, demo_entries, language):  # noqa: F811
    """The city's page at 1366 px: its table fits its box (nothing to scroll, nothing
    cut: the "Nguồn, ghi chú" column was), no cell's content spills out of its cell, and
    a long note wraps inside its column."""
    ProgressEntry.objects.filter(
        target__code="KTS-01", unit__code="31", status=ProgressEntry.Status.APPROVED
    ).update(note=LONG_NOTE)
    manager = session_for("lanhdao")
    page = manager.page
    manager.login("lanhdao")
    if language == "en":
        page.select_option("#language", "en")
        with page.expect_navigation():
            page.locator("form.language-switcher button").click()
    manager.goto(f"/don-vi/31/?{PERIOD_QUERY}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    manager.shot(f"city-{language}")
    box = page.locator(".table-scroll").first
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth"), "the table scrolls"
    spilled = box.evaluate(
        """(box) => {
          const edge = box.getBoundingClientRect().right;
          // What a cell shows: its elements and texts, not the words kept for screen
          // readers (.visually-hidden: one pixel, placed by the box).
          const shown = (cell) => {
            const rects = [];
            const walk = document.createTreeWalker(cell, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
            for (let node = walk.nextNode(); node; node = walk.nextNode()) {
              if (node.parentElement.closest(".visually-hidden") || node.classList?.contains("visually-hidden")) continue;
              const range = document.createRange();
              range.selectNode(node);
              const r = node.nodeType === Node.TEXT_NODE ? range.getBoundingClientRect() : node.getBoundingClientRect();
              if (r.width > 0) rects.push(r);
            }
            return rects;
          };
          const spills = (cell) => {
            const own = cell.getBoundingClientRect();
            return own.right > edge + 0.5 ||
              shown(cell).some((r) => r.left < own.left - 0.5 || r.right > own.right + 0.5);
          };
          return [...box.querySelectorAll("th, td")].filter(spills)
            .map((c) => c.textContent.trim().slice(0, 40));
        }"""
    )
    assert spilled == []
    note = box.locator("td.source", has_text=LONG_NOTE[:30])
    lines = note.evaluate(
        "td => td.getBoundingClientRect().height / parseFloat(getComputedStyle(td).lineHeight)"
    )
    assert lines > 3  # wrapped inside its column, not one long line


def test_change_mark_stands_apart_from_the_figure(session_for, viewport, demo_entries):  # noqa: F811
    """On the dashboard, a change mark (↑ ↓ =) is boxed and set apart from the figure it
    follows, and the target is written after it: "Chưa đạt [=], mục tiêu Đạt", never
    "mục tiêu Đạt =". A screen reader reads its words, not the sign."""
    manager = session_for("lanhdao")
    page = manager.page
    manager.login("lanhdao")
    manager.goto(f"/?{PERIOD_QUERY}")
    marks = page.evaluate(
        """() => [...document.querySelectorAll(".bar-label .change, table.data .change")].map((mark) => {
          // Where the figure before the mark ends: its last character that is not a space.
          let node = mark.previousSibling;
          while (node && ((node.nodeType === Node.TEXT_NODE && !node.textContent.trim()) ||
                          node.classList?.contains("visually-hidden")))
            node = node.previousSibling;
          let end = null;
          if (node && node.nodeType === Node.TEXT_NODE) {
            const text = node.textContent.trimEnd();
            const range = document.createRange();
            range.setStart(node, text.length - 1);
            range.setEnd(node, text.length);
            end = range.getBoundingClientRect();
          } else if (node) {
            end = node.getBoundingClientRect();
          }
          const box = mark.getBoundingClientRect();
          const sameLine = end && Math.abs(end.bottom - box.bottom) < box.height;
          return {
            mark: mark.textContent,
            gap: sameLine ? box.left - end.right : null,
            border: parseFloat(getComputedStyle(mark).borderLeftWidth),
            after: mark.closest(".bar-label") ? (mark.nextSibling?.textContent || "") : null,
          };
        })"""
    )
    assert len(marks) > 20
    assert sum(mark["gap"] is not None for mark in marks) > 20  # measured, not skipped
    for mark in marks:
        assert mark["border"] >= 1, mark
        assert mark["gap"] is None or mark["gap"] >= 3, mark
    bar_marks = [m for m in marks if m["after"] is not None]
    assert bar_marks and all(m["after"].startswith((", mục tiêu", " ")) for m in bar_marks), (
        bar_marks
    )
    label = page.locator(".bar-label", has=page.locator(".change.same")).first
    expect(label.locator(".change .visually-hidden")).to_have_text(
        re.compile(r"^\(Không đổi so với kỳ \d\d/\d\d/\d{4}\)$")
    )


def test_chart_labels_stay_inside_the_chart(session_for, viewport, demo_entries):  # noqa: F811
    """Every label of the chart drawn at this width (a milestone's "Chưa đạt" / "Đạt"
    axis, a percentage's, a rank's) lies inside the drawing."""
    manager = session_for("lanhdao")
    page = manager.page
    manager.login("lanhdao")
    for code in ("CQS-05", "CQS-03c", "DTI-01"):
        manager.goto(f"/kh74-2022/{code}/?{PERIOD_QUERY}")
        svg = page.locator("figure.chart svg:visible")
        expect(svg).to_have_count(1)
        outside = svg.evaluate(
            """(svg) => {
              const view = svg.viewBox.baseVal;
              return [...svg.querySelectorAll("text")].filter((t) => {
                const b = t.getBBox();
                return b.x < 0 || b.y < 0 || b.x + b.width > view.width || b.y + b.height > view.height;
              }).map((t) => t.textContent);
            }"""
        )
        assert outside == [], code
        if code == "CQS-05":
            ticks = svg.locator("text.y-tick").all_text_contents()
            assert ticks == ["Chưa đạt", "Đạt"]
            svg.scroll_into_view_if_needed()
            manager.shot("milestone-chart")
