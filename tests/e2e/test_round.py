"""The reporting round of issue 16 in a real browser (Chromium, Playwright), at a desktop
and at a phone viewport (375×740): Ngô Quyền's district reporter fills the period sheet
for its twelve communes, is shown the one bad row, corrects it and submits; the district
reviewer approves everything from the review queue. Screenshots of every screen go to
``test-artifacts/screenshots/district_round/``."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from targets.domain.models import AdministrativeUnit, ProgressEntry, Target

pytestmark = pytest.mark.browser

DEC = datetime.date(2022, 12, 31)


def row_key(target, unit):
    return f"t{target.pk}-u{unit.pk}"


def test_district_round(session_for):
    cqs = Target.objects.get(plan__code="kh74-2022", code="CQS-03c")
    communes = list(AdministrativeUnit.objects.filter(parent__code="304").order_by("code"))
    assert len(communes) == 12

    reporter = session_for("baocao.huyen")
    page = reporter.page
    reporter.login("baocao.huyen")
    reporter.goto("/admin/targets/progressentry/")
    page.locator("#sheet-link").click()
    expect(page.locator("#sheet-picker")).to_be_visible()
    reporter.shot("sheet-default")

    # The 2022 plan, then its communes' target for December.
    page.select_option("#id_plan", "kh74-2022")
    page.get_by_role("button", name="Mở bảng").click()
    page.select_option("#id_period_end", "2022-12-31")
    page.select_option("#id_target", "CQS-03c")
    page.get_by_role("button", name="Mở bảng").click()
    expect(page.locator("#sheet tbody tr")).to_have_count(12)
    reporter.shot("sheet-communes")

    for index, commune in enumerate(communes):
        key = row_key(cqs, commune)
        numerator = "300" if index == 4 else str(40 + index)
        page.fill(f"[name='{key}-numerator']", numerator)
        page.fill(f"[name='{key}-denominator']", "200")
    page.get_by_role("button", name="Lưu và gửi duyệt").click()
    bad = page.locator(f"#row-{row_key(cqs, communes[4])}")
    expect(bad.locator(".errorlist")).to_contain_text(
        "Tử số (300) không được lớn hơn mẫu số (200)."
    )
    bad.scroll_into_view_if_needed()
    reporter.shot("sheet-row-error")
    assert not ProgressEntry.objects.exists()

    page.fill(f"[name='{row_key(cqs, communes[4])}-numerator']", "44")
    page.get_by_role("button", name="Lưu và gửi duyệt").click()
    expect(page.locator(".messagelist")).to_contain_text("Đã lưu và gửi duyệt 12 dòng.")
    expect(page.locator("#sheet .state-submitted")).to_have_count(12)
    reporter.shot("sheet-submitted")
    stored = ProgressEntry.objects.filter(target=cqs, period_end=DEC)
    assert stored.count() == 12
    assert set(stored.values_list("status", flat=True)) == {ProgressEntry.Status.SUBMITTED}
    assert set(stored.values_list("created_by__username", flat=True)) == {"baocao.huyen"}

    reviewer = session_for("duyet.huyen")
    page = reviewer.page
    reviewer.login("duyet.huyen")
    reviewer.goto("/admin/")
    reviewer.shot("admin-index")
    page.locator("#round-links a[href$='/review/']").click()
    expect(page.locator("#review-form tbody tr")).to_have_count(12)
    reviewer.shot("queue")

    # The first commune on its own, with a comment; the other eleven as a selection.
    first = page.locator(f"#entry-{stored.get(unit=communes[0]).pk}")
    first.locator("input[type=text]").fill("Khớp sổ theo dõi.")
    first.get_by_role("button", name="Duyệt").click()
    expect(page.locator(".messagelist")).to_contain_text("Đã duyệt 1 số liệu.")
    for checkbox in page.locator("input[name=selected]").all():
        checkbox.check()
    reviewer.shot("queue-selected")
    page.get_by_role("button", name="Duyệt các dòng đã chọn").click()
    expect(page.locator(".messagelist")).to_contain_text("Đã duyệt 11 số liệu.")
    expect(page.get_by_text("Không có số liệu nào chờ duyệt.")).to_be_visible()
    reviewer.shot("queue-empty")

    assert set(stored.values_list("status", flat=True)) == {ProgressEntry.Status.APPROVED}
    reviewer_user = get_user_model().objects.get(username="duyet.huyen")
    assert set(stored.values_list("approved_by", flat=True)) == {reviewer_user.pk}
    assert stored.get(unit=communes[0]).review_note == "Khớp sổ theo dõi."
