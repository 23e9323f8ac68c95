"""The staff and manager journeys of issue 9, in a real browser (Chromium, Playwright).

Every journey runs at a desktop and at a phone viewport (``viewport`` in conftest) and
saves a screenshot of each page it visits to ``test-artifacts/screenshots/<journey>/``;
on the phone no page may scroll sideways; after each journey no console error and no
request to a host other than the app (conftest).

The journeys follow one entry: Máy Chai's (commune 11329, district 304 Ngô Quyền)
CQS-03c figure for December 2022. Each journey starts from the state the one before
leaves, built through ``targets.domain.services`` (the code paths the admin itself uses), so
each can run alone and in any order.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import translation
from playwright.sync_api import expect

from targets.domain import services
from targets.domain.models import AdministrativeUnit, Membership, Plan, ProgressEntry, Target
from targets.domain.roles import REPORTERS
from targets.management import demo as demo_data

from .conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

DEC = datetime.date(2022, 12, 31)
PERIOD_QUERY = "plan=kh74-2022&as_of=2022-12-31"
DENOMINATOR = 215
FIRST_NUMERATOR = 86  # 40,00 %: what the reporter submits first
CORRECTED_NUMERATOR = 94  # 43,72 %: after the reviewer returns it
RETURN_REASON = "Tử số chưa khớp sổ theo dõi hồ sơ tháng 12/2022; đề nghị kiểm tra lại."
EVIDENCE_URL = "https://maychai.ngoquyen.haiphong.gov.vn/bao-cao/ho-so-12-2022.pdf"


# --- State the journeys start from ---------------------------------------------------


def user(username):
    return get_user_model().objects.get(username=username)


def cqs_03c():
    return Target.objects.select_related("plan").get(plan__code="kh74-2022", code="CQS-03c")


def may_chai():
    return AdministrativeUnit.objects.get(code="11329")


def may_chai_entry():
    return ProgressEntry.objects.get(target=cqs_03c(), unit=may_chai(), period_end=DEC)


def submitted_entry(numerator=FIRST_NUMERATOR):
    """Where journey 1 ends: Máy Chai's December figure, submitted by its reporter."""
    reporter = user("baocao.xa")
    entry = services.entry_create(
        entry=ProgressEntry(
            target=cqs_03c(),
            unit=may_chai(),
            period_end=DEC,
            numerator=numerator,
            denominator=DENOMINATOR,
            evidence_url=EVIDENCE_URL,
        ),
        user=reporter,
    )
    return services.entry_submit(entry=entry, user=reporter)


def approved_entry():
    """Where journey 2 ends: the corrected figure, approved by the district reviewer."""
    entry = submitted_entry(CORRECTED_NUMERATOR)
    return services.entry_approve(entry=entry, user=user("duyet.huyen"))


@pytest.fixture
def demo_entries(seeded):
    """The 2022 demo figures of ``seed_demo_entries`` (a year, from every unit), without
    Máy Chai's December CQS-03c figure: the one the journeys record is the one the
    pages show. Inserted here without the command's per-entry validation and history
    (the command's own tests cover those), which took most of its time."""
    skip = (cqs_03c().pk, may_chai().pk, DEC)
    entries = demo_data.plan_entries(
        demo_data.demo_2022_series(), seed=demo_data.DEMO_SEED, user=demo_data.generator_user()
    )
    ProgressEntry.objects.bulk_create(
        (e for e in entries if (e.target_id, e.unit_id, e.period_end) != skip), batch_size=500
    )


# --- What the tests compute on their own, to compare with the pages ------------------


def vi_percent(value: Decimal) -> str:
    """A percentage as the Vietnamese pages write it: two decimals, decimal comma."""
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP)}%".replace(".", ",")


def en_percent(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def district_rollup(target, district_code, as_of, *, without=None):
    """Σ numerator / Σ denominator × 100 over the approved reports of the period ending
    ``as_of`` of the district's communes (an entry ``without`` left out): computed here
    from the stored entries, not by the app's roll-up."""
    reports = ProgressEntry.objects.filter(
        target=target,
        unit__parent__code=district_code,
        unit__level=AdministrativeUnit.Level.COMMUNE,
        status=ProgressEntry.Status.APPROVED,
        period_end=as_of,
    ).exclude(pk=getattr(without, "pk", None))
    numerator = sum(e.numerator for e in reports)
    denominator = sum(e.denominator for e in reports)
    return Decimal(100) * numerator / denominator


def city_value(target, as_of):
    """The city's figure by hand: the approved reports of the period ending ``as_of``
    alone (one period per figure), numerators over denominators."""
    reports = list(
        ProgressEntry.objects.filter(
            target=target, status=ProgressEntry.Status.APPROVED, period_end=as_of
        )
    )
    return Decimal(100) * sum(e.numerator for e in reports) / sum(e.denominator for e in reports)


def english(msgid):
    """The English of a Vietnamese msgid, from the catalogue; it must be a translation."""
    with translation.override("en"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no English for the msgid {msgid!r} (locale/en catalogue compiled?)"
    return text


# --- Browser helpers -----------------------------------------------------------------


def choose(page, field, search, option):
    """Pick ``option`` in the admin's autocomplete (select2) for ``field``, typing ``search``."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()
    expect(page.locator(f"#select2-id_{field}-container")).to_have_attribute("title", option)


def admin_message(page):
    return page.locator("ul.messagelist li")


def open_entry_from_list(page, unit_name):
    page.locator("#result_list tbody tr", has_text=unit_name).locator("th a").click()
    expect(page).to_have_url(re.compile(r"/admin/targets/progressentry/\d+/change/"))


# --- Journey 1 -----------------------------------------------------------------------


def test_reporter_records_and_submits_entry(session_for):
    """A commune reporter records its December figure in the admin, is told the
    numerator cannot exceed the denominator, corrects it, adds evidence and submits."""
    reporter = session_for("baocao.xa")
    page = reporter.page
    reporter.login("baocao.xa")
    reporter.shot("dashboard")

    page.get_by_role("link", name="Quản trị, nhập số liệu").click()
    expect(page.locator("#site-name")).to_contain_text("Theo dõi chỉ tiêu")
    reporter.shot("admin-index")
    page.locator("#content-main a[href$='/targets/progressentry/']").first.click()
    expect(page.locator("#result_list, p.paginator").first).to_be_visible()
    reporter.shot("entry-list-empty")
    page.locator(".object-tools a.addlink").click()
    expect(page.locator("#progressentry_form")).to_be_visible()
    reporter.shot("entry-add")

    # Two plans have a CQS-03c: the reporter picks the 2022 one.
    choose(page, "target", "CQS-03c", re.compile(r"^CQS-03c · .*\(2022\)$"))
    choose(page, "unit", "Máy Chai", "11329 · Phường Máy Chai")
    page.fill("#id_period_end", "31/12/2022")
    page.fill("#id_numerator", "230")
    page.fill("#id_denominator", str(DENOMINATOR))
    page.click("input[name=_submit]")

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-numerator .errorlist")).to_have_text(
        f"Tử số (230) không được lớn hơn mẫu số ({DENOMINATOR})."
    )
    # The choices survive the failed save.
    expect(page.locator("#select2-id_target-container")).to_contain_text("CQS-03c")
    expect(page.locator("#select2-id_unit-container")).to_contain_text("Máy Chai")
    reporter.shot("entry-add-error")
    assert not ProgressEntry.objects.exists()

    page.fill("#id_numerator", str(FIRST_NUMERATOR))
    page.fill("#id_evidence_url", EVIDENCE_URL)
    page.fill("#id_note", "Số liệu từ sổ theo dõi hồ sơ công việc của phường, tháng 12/2022.")
    page.click("input[name=_submit]")

    expect(admin_message(page)).to_contain_text("Đã lưu và gửi duyệt.")
    expect(page.locator(".field-status .readonly")).to_have_text("Đã gửi duyệt")
    reporter.shot("entry-submitted")

    entry = may_chai_entry()
    assert entry.status == ProgressEntry.Status.SUBMITTED
    assert (entry.numerator, entry.denominator) == (FIRST_NUMERATOR, DENOMINATOR)
    assert entry.value == Decimal("40.0000")
    assert entry.evidence_url == EVIDENCE_URL
    assert entry.created_by == entry.updated_by == user("baocao.xa")
    assert entry.target.plan.code == "kh74-2022"

    page.locator("#content a[href$='/targets/progressentry/']").last.click()
    row = page.locator("#result_list tbody tr", has_text="Máy Chai")
    expect(row).to_contain_text("Đã gửi duyệt")
    reporter.shot("entry-list")


# --- Journey 2 -----------------------------------------------------------------------


def test_reviewer_returns_then_approves_entry(session_for):
    """The district reviewer returns the figure with a reason; the reporter reads it,
    corrects the figure and submits again; the reviewer approves it."""
    entry = submitted_entry()
    reviewer = session_for("duyet.huyen")
    reporter = session_for("baocao.xa")
    review, report = reviewer.page, reporter.page

    reviewer.login("duyet.huyen")
    reviewer.goto("/admin/targets/progressentry/")
    review.locator("#changelist-filter a", has_text="Đã gửi duyệt").click()
    expect(review.locator("#result_list tbody tr")).to_have_count(1)
    reviewer.shot("entry-list-submitted")
    open_entry_from_list(review, "Máy Chai")
    expect(review.locator("#entry-workflow")).to_be_visible()
    # The review box comes first, above the entry's form, and does not overlap it
    # (issue 16); the target and the previous figure are shown above it.
    box = review.locator("#entry-workflow").bounding_box()
    assert box["y"] + box["height"] <= review.locator("#progressentry_form").bounding_box()["y"]
    expect(review.locator("#entry-summary")).to_contain_text("CQS-03c")
    reviewer.shot("entry-to-review")
    review.fill("#id_reason_return", RETURN_REASON)
    review.locator("#workflow-return input[type=submit]").click()
    expect(admin_message(review)).to_contain_text("Đã trả lại số liệu cho người báo cáo.")
    reviewer.shot("entry-returned")
    entry.refresh_from_db()
    assert entry.status == ProgressEntry.Status.RETURNED
    assert entry.review_note == RETURN_REASON

    reporter.login("baocao.xa")
    reporter.goto("/admin/targets/progressentry/")
    row = report.locator("#result_list tbody tr", has_text="Máy Chai")
    expect(row).to_contain_text("Bị trả lại")
    reporter.shot("entry-list-returned")
    open_entry_from_list(report, "Máy Chai")
    expect(report.locator(".field-review_note .readonly")).to_have_text(RETURN_REASON)
    expect(report.locator(".field-returned_by .readonly")).to_contain_text("duyet.huyen")
    reporter.shot("entry-reason")
    report.fill("#id_numerator", str(CORRECTED_NUMERATOR))
    report.click("input[name=_submit]")
    expect(admin_message(report)).to_contain_text("Đã lưu và gửi duyệt.")
    reporter.shot("entry-resubmitted")
    entry.refresh_from_db()
    assert entry.status == ProgressEntry.Status.SUBMITTED
    assert entry.numerator == CORRECTED_NUMERATOR

    # The reviewer's page is now stale: reload it before approving.
    review.reload()
    expect(review.locator(".field-numerator_display .readonly")).to_contain_text(
        str(CORRECTED_NUMERATOR)
    )
    review.fill("#id_reason_approve", "Đã đối chiếu với sổ theo dõi.")
    review.locator("#workflow-approve input[type=submit]").click()
    expect(admin_message(review)).to_contain_text("Đã duyệt: số liệu được tính và bị khoá.")
    expect(review.locator(".field-status .readonly")).to_have_text("Đã duyệt")
    reviewer.shot("entry-approved")

    entry.refresh_from_db()
    assert entry.status == ProgressEntry.Status.APPROVED
    assert entry.approved_by == user("duyet.huyen")
    assert entry.numerator == CORRECTED_NUMERATOR
    reasons = [row.history_change_reason for row in entry.history.order_by("history_date")]
    assert reasons == [
        "Tạo mới",
        "Gửi duyệt",
        f"Trả lại: {RETURN_REASON}",
        "Sửa số liệu và gửi duyệt",  # "Lưu và gửi duyệt": one save, one history row
        "Duyệt: Đã đối chiếu với sổ theo dõi.",
    ]


# --- Journey 3 -----------------------------------------------------------------------


def test_manager_finds_commune_figure_and_exports_it(session_for, demo_entries, tmp_path):
    """A city manager narrows the target table by pillar and status, opens CQS-03c,
    finds Máy Chai's figure and Ngô Quyền's roll-up that now includes it, opens the
    commune's scorecard and downloads the unit table as XLSX."""
    entry = approved_entry()
    target = cqs_03c()
    commune_text = vi_percent(entry.value)
    rollup = district_rollup(target, "304", DEC)
    assert rollup != district_rollup(target, "304", DEC, without=entry)
    city = city_value(target, DEC)
    status = "achieved" if city >= target.target_value else "missed"  # as_of is the deadline

    manager = session_for("lanhdao")
    page = manager.page
    manager.login("lanhdao")
    expect(page.locator("h1")).to_have_text("Tổng quan tình hình thực hiện")
    manager.shot("dashboard-today")

    page.select_option("#id_plan", "kh74-2022")
    page.fill("#id_as_of", "2022-12-31")
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("p.lead")).to_contain_text("31/12/2022")
    expect(page.locator("p.lead")).to_contain_text(Plan.objects.get(code="kh74-2022").name)
    expect(page.locator("ul.bars li", has_text="CQS-03c")).to_be_visible()
    manager.shot("dashboard")

    page.locator("header.site nav").get_by_role("link", name="Bảng chỉ tiêu").click()
    expect(page.locator("h1")).to_have_text("Bảng chỉ tiêu")
    manager.shot("target-table")
    page.select_option("#id_pillar", "government")
    page.select_option("#id_status", status)
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/chi-tieu/\?.*pillar=government&.*status={status}"))
    rows = page.locator("table.data tbody tr")
    expect(rows.filter(has_text="CQS-03c")).to_have_count(1)
    expect(page.locator("table.data")).not_to_contain_text("KTS-01")  # a digital-economy target
    for text in rows.all_inner_texts():
        assert "Phát triển Chính phủ số" in text
        assert ("Đã đạt" if status == "achieved" else "Không đạt") in text
    manager.shot("target-table-filtered")

    page.locator("table.data tbody tr", has_text="CQS-03c").get_by_role(
        "link", name="CQS-03c"
    ).click()
    expect(page.locator("h1")).to_contain_text("CQS-03c")
    expect(page.locator("dl.facts")).to_contain_text(vi_percent(city))
    districts = page.locator("section[aria-labelledby=districts] tbody tr", has_text="Ngô Quyền")
    expect(districts).to_contain_text(vi_percent(rollup))
    manager.shot("target-detail")

    page.select_option("#id_district", "304")
    page.locator("section[aria-labelledby=units] form.filters button[type=submit]").click()
    units = page.locator("section[aria-labelledby=units] table.data tbody tr")
    expect(units.first).to_contain_text("Ngô Quyền")
    commune = units.filter(has_text="Máy Chai")
    expect(commune).to_contain_text(commune_text)
    expect(commune).to_contain_text(str(CORRECTED_NUMERATOR))
    expect(commune).to_contain_text(str(DENOMINATOR))
    manager.shot("target-detail-district")

    with page.expect_download() as download_info:
        page.locator("p.exports a", has_text="XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = openpyxl.load_workbook(path, read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header, body = rows[0], rows[1:]
    assert {row[header.index("Mã đơn vị")] for row in body} >= {"11329", "11332"}
    assert all(row[header.index("Quận, huyện")] == "Ngô Quyền" for row in body)
    (row,) = [row for row in body if row[header.index("Mã đơn vị")] == "11329"]
    assert row[header.index("Tử số")] == CORRECTED_NUMERATOR
    assert row[header.index("Mẫu số")] == DENOMINATOR
    assert Decimal(str(row[header.index("Số liệu")])) == entry.value.quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )

    commune.get_by_role("link", name="Máy Chai").click()
    expect(page.locator("h1")).to_contain_text("Máy Chai")
    expect(page.locator("table.data tbody tr", has_text="CQS-03c")).to_contain_text(commune_text)
    manager.shot("unit-scorecard")


# --- Journey 4 -----------------------------------------------------------------------

# The Vietnamese msgids whose English this journey reads from the catalogue.
ENGLISH_MSGIDS = [
    "Tổng quan tình hình thực hiện",
    "Bảng chỉ tiêu",
    "Trụ cột",
    "Tình trạng",
    "Đã đạt",
    "Tổng hợp theo quận, huyện",
    "Các đơn vị phải báo cáo",
    "Đăng xuất",
]


def test_manager_reads_pages_in_english(session_for, demo_entries):
    """The manager switches to English: the dashboard, target table, target detail and
    scorecard read in English, with English names and decimal points."""
    entry = approved_entry()
    target = cqs_03c()

    manager = session_for("lanhdao")
    page = manager.page
    manager.login("lanhdao")
    manager.goto(f"/?{PERIOD_QUERY}")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.select_option("#language", "en")
    page.locator("header.site .tools form", has=page.locator("#language")).locator("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(manager.url(f"/?{PERIOD_QUERY}"))
    manager.shot("dashboard-en")
    expect(page.locator("article.card h3").first).to_have_text("Digital government")
    expect(page.locator("h1")).to_have_text(english("Tổng quan tình hình thực hiện"))
    expect(page.locator("header.site")).to_contain_text(english("Đăng xuất"))

    page.locator("header.site nav").get_by_role("link", name=english("Bảng chỉ tiêu")).click()
    expect(page.locator("h1")).to_have_text(english("Bảng chỉ tiêu"))
    expect(page.locator("table.data thead")).to_contain_text(english("Trụ cột"))
    expect(page.locator("table.data thead")).to_contain_text(english("Tình trạng"))
    expect(page.locator("table.data tbody tr", has_text="CQS-03c")).to_contain_text(target.name_en)
    manager.shot("target-table-en")

    manager.goto(f"/kh74-2022/CQS-03c/?{PERIOD_QUERY}&district=304")
    expect(page.locator("h1")).to_contain_text(target.name_en)
    expect(page.locator("#districts")).to_have_text(english("Tổng hợp theo quận, huyện"))
    expect(page.locator("#units")).to_have_text(english("Các đơn vị phải báo cáo"))
    units = page.locator("section[aria-labelledby=units] table.data tbody tr")
    expect(units.filter(has_text="May Chai")).to_contain_text(en_percent(entry.value))
    manager.shot("target-detail-en")

    manager.goto(f"/don-vi/11329/?{PERIOD_QUERY}")
    expect(page.locator("h1")).to_contain_text("May Chai")
    row = page.locator("table.data tbody tr", has_text="CQS-03c")
    expect(row).to_contain_text(en_percent(entry.value))
    expect(row).to_contain_text(english("Đã đạt"))
    manager.shot("unit-scorecard-en")


# --- Journey 5 -----------------------------------------------------------------------


@pytest.fixture
def may_to_reporter(seeded):
    """A reporter of commune 11332 Máy Tơ (also in Ngô Quyền), with a draft of its own."""
    reporter = get_user_model().objects.create_user(
        "baocao.mayto",
        password=DEMO_PASSWORD,
        first_name="Cán bộ phường Máy Tơ (kiểm thử)",
        is_staff=True,
    )
    reporter.groups.add(Group.objects.get(name=REPORTERS))
    may_to = AdministrativeUnit.objects.get(code="11332")
    Membership.objects.create(user=reporter, unit=may_to, role=Membership.Role.REPORTER)
    services.entry_create(
        entry=ProgressEntry(
            target=cqs_03c(), unit=may_to, period_end=DEC, numerator=40, denominator=120
        ),
        user=reporter,
    )
    return reporter


def test_other_commune_reporter_cannot_see_or_open_entry(session_for, may_to_reporter):
    """Máy Tơ's reporter sees only Máy Tơ's entries: Máy Chai's is not in its list, not
    found by a search, not offered by the unit autocomplete, and its URL is a 404."""
    entry = submitted_entry()
    other = session_for("baocao.mayto")
    page = other.page
    other.login("baocao.mayto")

    other.goto("/admin/targets/progressentry/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Máy Tơ")
    expect(page.locator("#result_list")).not_to_contain_text("Máy Chai")
    other.shot("entry-list")

    page.fill("#searchbar", "Máy Chai")
    page.press("#searchbar", "Enter")
    expect(page.locator("#changelist")).to_be_visible()
    expect(page.locator("#result_list")).to_have_count(0)
    expect(page.locator("#changelist")).not_to_contain_text("11329")
    other.shot("entry-search")

    other.goto(f"/admin/targets/progressentry/{entry.pk}/change/", status=404)
    expect(page.locator("h1")).to_have_text("Không tìm thấy trang")
    expect(page.locator("body")).not_to_contain_text("Máy Chai")
    other.shot("entry-url-404")
    other.goto(f"/admin/targets/progressentry/{entry.pk}/history/", status=404)

    other.goto("/admin/targets/progressentry/add/")
    page.locator("#id_unit + .select2 .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    options = page.locator(".select2-results__option")
    search.fill("Máy Tơ")  # its own commune is offered …
    expect(options).to_have_text(["11332 · Phường Máy Tơ"])
    search.fill("Máy Chai")  # … the other one is not
    expect(page.locator(".select2-results__message")).to_be_visible()
    expect(page.locator(".select2-results__option.loading-results")).to_have_count(0)
    expect(options.filter(has_text="Máy Chai")).to_have_count(0)
    other.shot("entry-add-unit-search")
    page.keyboard.press("Escape")
    entry.refresh_from_db()
    assert entry.status == ProgressEntry.Status.SUBMITTED and entry.version == 2
