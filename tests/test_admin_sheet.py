"""The period sheet (issue 16): one form per unit and period, or per target and period
for a district's communes, saved all or none through the services."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from targets.domain.models import AdministrativeUnit, ProgressEntry
from targets.domain.services import entry_submit

pytestmark = pytest.mark.django_db

S = ProgressEntry.Status
DEC = datetime.date(2022, 12, 31)
NOV = datetime.date(2022, 11, 30)
SHEET = reverse("admin:targets_progressentry_sheet")
COMMUNES_SHEET = f"{SHEET}?plan=kh74-2022&unit=304&period_end=2022-12-31&target=CQS-03c"


@pytest.fixture
def communes():
    """Ngô Quyền's communes (district 304), in code order: Máy Chai (11329) first."""
    return list(AdministrativeUnit.objects.filter(parent__code="304").order_by("code"))


def key(target, unit):
    return f"t{target.pk}-u{unit.pk}"


def row_html(response, target, unit) -> str:
    """The HTML of one row of the sheet."""
    html = response.content.decode()
    match = re.search(rf'<tr id="row-{key(target, unit)}".*?</tr>', html, re.S)
    assert match, f"no row for {unit.code}"
    return match.group(0)


def sheet_post(rows, *, submit=False):
    """POST data: ``rows`` maps (target, unit) to the row's fields."""
    data = {"_submit" if submit else "_save": "1"}
    for (target, unit), fields in rows.items():
        for name, value in fields.items():
            data[f"{key(target, unit)}-{name}"] = value
    return data


def test_sheet_lists_what_the_unit_reports_with_last_periods_figure(
    cast, login, target, unit, make_entry
):
    make_entry(target("CQS-03b"), unit("304"), NOV, numerator=40, denominator=100)
    response = login(cast.reporter).get(f"{SHEET}?plan=kh74-2022&unit=304&period_end=2022-12-31")
    assert response.status_code == 200
    row = row_html(response, target("CQS-03b"), unit("304"))
    assert "CQS-03b" in row
    assert "40,00%" in row and "30/11/2022" in row  # last period's approved figure
    assert "Chưa có" in row  # no entry yet for December
    assert 'name="t' in row  # inputs
    # The communes' target is one click away (second layout), not a row here.
    assert 'id="row-' + key(target("CQS-03c"), unit("11329")) not in response.content.decode()
    assert "target=CQS-03c" in response.content.decode()


def test_sheet_defaults_to_a_real_period_end_and_refuses_other_days(cast, login):
    client = login(cast.reporter)
    response = client.get(f"{SHEET}?plan=kh74-2022&unit=304&period_end=2022-12-15")
    assert response.status_code == 200
    picker = response.context["picker"]
    assert picker.period_end == DEC  # the plan's last month end (the plan has ended)
    assert "không phải ngày cuối của một kỳ báo cáo" in response.content.decode()
    choices = [value for value, _label in picker.fields["period_end"].choices]
    assert "2022-12-15" not in choices and "2022-11-30" in choices


def test_sheet_for_a_unit_outside_the_scope_falls_back_to_the_users_unit(cast, login):
    response = login(cast.reporter).get(f"{SHEET}?unit=303&period_end=2022-12-31")
    assert response.status_code == 200
    assert response.context["picker"].unit.code == "304"
    assert "không thuộc phạm vi báo cáo của bạn" in response.content.decode()


def test_reviewer_has_no_sheet(cast, login):
    assert login(cast.reviewer).get(SHEET).status_code == 403


def test_sheet_with_one_bad_row_stores_nothing_and_shows_the_error_on_that_row(
    cast, login, target, communes
):
    cqs = target("CQS-03c")
    rows = {(cqs, c): {"numerator": "40", "denominator": "100"} for c in communes[:4]}
    rows[(cqs, communes[2])] = {"numerator": "150", "denominator": "100"}
    response = login(cast.reporter).post(COMMUNES_SHEET, sheet_post(rows))
    assert response.status_code == 200
    assert ProgressEntry.objects.count() == 0
    bad = row_html(response, cqs, communes[2])
    assert "Tử số (150) không được lớn hơn mẫu số (100)." in bad
    assert 'value="150"' in bad  # the input is kept
    good = row_html(response, cqs, communes[0])
    assert "không được lớn hơn" not in good
    assert "Chưa lưu gì" in response.content.decode()


def test_sheet_row_with_text_for_a_number_is_refused_on_that_row(cast, login, target, communes):
    cqs = target("CQS-03c")
    rows = {
        (cqs, communes[0]): {"numerator": "40", "denominator": "100"},
        (cqs, communes[1]): {"numerator": "bốn mươi", "denominator": "100"},
    }
    response = login(cast.reporter).post(COMMUNES_SHEET, sheet_post(rows))
    assert response.status_code == 200
    assert ProgressEntry.objects.count() == 0
    assert "errorlist" in row_html(response, cqs, communes[1])


def test_good_sheet_creates_or_updates_every_row_with_one_history_record_each(
    cast, login, target, communes, make_entry
):
    cqs = target("CQS-03c")
    draft = make_entry(cqs, communes[0], DEC, numerator=10, denominator=100, status=S.DRAFT)
    rows = {
        (cqs, communes[0]): {"numerator": "45", "denominator": "100", "version": "1"},
        (cqs, communes[1]): {"numerator": "1234", "denominator": "2000", "note": "Sổ"},
        (cqs, communes[2]): {
            "numerator": "30,5",
            "denominator": "61",
            "evidence_url": "https://ngoquyen.haiphong.gov.vn/bc.pdf",
        },
    }
    history = ProgressEntry.history.count()
    response = login(cast.reporter).post(COMMUNES_SHEET, sheet_post(rows))
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = {e.unit_id: e for e in ProgressEntry.objects.filter(target=cqs, period_end=DEC)}
    assert len(stored) == 3
    assert stored[communes[0].pk].pk == draft.pk
    assert stored[communes[0].pk].numerator == 45 and stored[communes[0].pk].version == 2
    assert stored[communes[1].pk].numerator == 1234 and stored[communes[1].pk].value == Decimal(
        "61.7000"
    )
    assert stored[communes[2].pk].numerator == Decimal("30.5")
    assert all(e.status == S.DRAFT for e in stored.values())
    assert ProgressEntry.history.count() - history == 3
    for entry in stored.values():
        assert entry.history.latest().history_change_reason == "Bảng nhập theo kỳ"
        assert entry.history.latest().history_user == cast.reporter


def test_save_and_submit_sends_every_row_to_review(cast, login, target, communes):
    cqs = target("CQS-03c")
    rows = {(cqs, c): {"numerator": "40", "denominator": "100"} for c in communes[:3]}
    response = login(cast.reporter).post(COMMUNES_SHEET, sheet_post(rows, submit=True))
    assert response.status_code == 302
    statuses = set(ProgressEntry.objects.values_list("status", flat=True))
    assert statuses == {S.SUBMITTED}
    assert ProgressEntry.objects.count() == 3


def test_approved_rows_are_read_only_and_untouched(cast, login, target, communes, make_entry):
    cqs = target("CQS-03c")
    approved = make_entry(cqs, communes[0], DEC, numerator=10, denominator=100)
    client = login(cast.reporter)
    page = client.get(COMMUNES_SHEET)
    row = row_html(page, cqs, communes[0])
    assert "Đã duyệt" in row and "<input" not in row.replace('type="hidden"', "")
    # A crafted POST naming the approved row's inputs changes nothing.
    rows = {
        (cqs, communes[0]): {"numerator": "99", "denominator": "100", "version": "1"},
        (cqs, communes[1]): {"numerator": "40", "denominator": "100"},
    }
    response = client.post(COMMUNES_SHEET, sheet_post(rows, submit=True))
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.numerator == 10 and approved.version == 1 and approved.status == S.APPROVED
    assert ProgressEntry.objects.get(unit=communes[1], period_end=DEC).status == S.SUBMITTED


def test_stale_row_is_refused_with_who_saved_first(cast, login, target, communes, make_entry):
    cqs = target("CQS-03c")
    entry = make_entry(cqs, communes[0], DEC, numerator=10, denominator=100, status=S.DRAFT)
    client = login(cast.reporter)
    page = client.get(COMMUNES_SHEET)
    assert 'value="1"' in row_html(page, cqs, communes[0])
    # Someone else saves the row meanwhile.
    entry_submit(entry=entry, user=cast.commune_reporter)
    ProgressEntry.objects.filter(pk=entry.pk).update(status=S.DRAFT)
    rows = {
        (cqs, communes[0]): {"numerator": "20", "denominator": "100", "version": "1"},
        (cqs, communes[1]): {"numerator": "40", "denominator": "100"},
    }
    response = client.post(COMMUNES_SHEET, sheet_post(rows))
    assert response.status_code == 200
    assert "sau khi bạn mở trang" in row_html(response, cqs, communes[0])
    assert ProgressEntry.objects.count() == 1  # the other row was not stored either
    entry.refresh_from_db()
    assert entry.numerator == 10


def test_sheet_query_count_is_the_same_for_10_and_200_rows(cast, login, django_assert_num_queries):
    client = login(cast.root)
    small = f"{SHEET}?plan=kh74-2022&unit=307&period_end=2022-12-31&target=CQS-03c"
    large = f"{SHEET}?plan=kh74-2022&unit=31&period_end=2022-12-31&target=CQS-03c"
    # session, user, plans, units for the picker, the user's own units, targets, the
    # rows' units, their entries for the period, their previous approved figures.
    with django_assert_num_queries(9) as ten:
        response = client.get(small)
    assert len(response.context["rows"]) == 10
    with django_assert_num_queries(len(ten.captured_queries)):
        response = client.get(large)
    assert len(response.context["rows"]) >= 200


def test_reporter_sheet_query_count_does_not_grow_with_entries(
    cast, login, target, communes, make_entry, django_assert_num_queries
):
    client = login(cast.reporter)
    # As for a superuser (9), and the user's permissions (2), plan-administrator group,
    # memberships (the scope of each row; the targets' scope is one subquery).
    with django_assert_num_queries(13) as empty:
        client.get(COMMUNES_SHEET)
    for commune in communes:
        make_entry(target("CQS-03c"), commune, NOV, numerator=1, denominator=2)
        make_entry(target("CQS-03c"), commune, DEC, numerator=1, denominator=2, status=S.DRAFT)
    with django_assert_num_queries(len(empty.captured_queries)):
        client.get(COMMUNES_SHEET)


# --- Plausibility warnings ---------------------------------------------------------


def test_warning_needs_a_confirming_note(cast, login, target, communes, make_entry):
    cqs = target("CQS-03c")
    make_entry(cqs, communes[0], NOV, numerator=40, denominator=100)
    client = login(cast.reporter)
    jump = {(cqs, communes[0]): {"numerator": "90", "denominator": "100"}}
    response = client.post(COMMUNES_SHEET, sheet_post(jump))
    assert response.status_code == 200
    row = row_html(response, cqs, communes[0])
    assert "Giá trị thay đổi 125,00% so với số liệu đã duyệt kỳ trước (40,00%)." in row
    assert "ghi chú giải thích" in row
    assert not ProgressEntry.objects.filter(period_end=DEC).exists()
    jump[(cqs, communes[0])]["note"] = "Phường số hoá toàn bộ hồ sơ tồn đọng trong tháng 12."
    response = client.post(COMMUNES_SHEET, sheet_post(jump, submit=True))
    assert response.status_code == 302
    assert ProgressEntry.objects.get(period_end=DEC).status == S.SUBMITTED


def test_review_queue_shows_the_warning_flag(cast, login, target, communes, make_entry):
    cqs = target("CQS-03c")
    make_entry(cqs, communes[0], NOV, numerator=40, denominator=100)
    make_entry(cqs, communes[1], NOV, numerator=40, denominator=100)
    make_entry(
        cqs, communes[0], DEC, numerator=90, denominator=100, status=S.SUBMITTED
    ).__class__.objects.filter(unit=communes[0], period_end=DEC).update(note="Số hoá tồn đọng")
    make_entry(cqs, communes[1], DEC, numerator=42, denominator=100, status=S.SUBMITTED)
    response = login(cast.reviewer).get(reverse("admin:targets_progressentry_review"))
    html = response.content.decode()
    flagged = re.search(r'<tr id="entry-\d+" class="round-row flagged">.*?</tr>', html, re.S)
    assert flagged and "Máy Chai" not in flagged.group(0)  # grouped by unit: name in heading
    assert "Giá trị thay đổi 125,00%" in flagged.group(0)
    assert "Số hoá tồn đọng" in flagged.group(0)
    assert "+50 điểm %" in flagged.group(0)
    assert html.count("round-row flagged") == 1


def test_hostile_row_version_is_refused_on_the_row(cast, login, target, communes, make_entry):
    cqs = target("CQS-03c")
    entry = make_entry(cqs, communes[0], DEC, numerator=10, denominator=100, status=S.DRAFT)
    rows = {(cqs, communes[0]): {"numerator": "20", "denominator": "100", "version": "abc"}}
    response = login(cast.reporter).post(COMMUNES_SHEET, sheet_post(rows))
    assert response.status_code == 200
    assert "hãy tải lại trang" in row_html(response, cqs, communes[0])
    entry.refresh_from_db()
    assert entry.numerator == 10


def test_saving_a_sheet_costs_at_most_one_query_per_extra_row(cast, login, target):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.root)
    cqs = target("CQS-03c")
    counts = {}
    for district in ("307", "31"):
        url = f"{SHEET}?plan=kh74-2022&unit={district}&period_end=2022-12-31&target=CQS-03c"
        units = [row.unit for row in client.get(url).context["rows"]]
        data = sheet_post({(cqs, u): {"numerator": "1", "denominator": "2"} for u in units})
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, data).status_code == 302
        counts[district] = (len(units), len(queries.captured_queries))
        ProgressEntry.objects.all().delete()
    (small_rows, small), (large_rows, large) = counts["307"], counts["31"]
    assert large_rows >= 200
    # Each new row: ProgressEntry.clean's check of the unit's level. The inserts and
    # their history rows go in batches (500 rows; on SQLite as many as its limit of
    # query parameters allows, some 40 rows).
    batches = 2 * -(-large_rows // 40)
    assert large - small <= (large_rows - small_rows) + batches
