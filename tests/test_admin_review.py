"""The review queue (issue 16): submitted entries of the reviewer's scope, approved or
returned per row or for the selection, through the services."""

import datetime
import re

import pytest
from django.urls import reverse

from targets.models import AdministrativeUnit, ProgressEntry

pytestmark = pytest.mark.django_db

S = ProgressEntry.Status
DEC = datetime.date(2022, 12, 31)
NOV = datetime.date(2022, 11, 30)
QUEUE = reverse("admin:targets_progressentry_review")


@pytest.fixture
def submitted(target, make_entry):
    """Submitted December CQS-03c figures of the first ``n`` communes of ``district``."""

    def build(district="304", n=3, period_end=DEC):
        communes = AdministrativeUnit.objects.filter(parent__code=district).order_by("code")
        return [
            make_entry(
                target("CQS-03c"), c, period_end, numerator=40, denominator=100, status=S.SUBMITTED
            )
            for c in communes[:n]
        ]

    return build


def test_queue_is_linked_from_the_admin_front_page_and_the_entry_list(cast, login):
    client = login(cast.reviewer)
    assert QUEUE in client.get(reverse("admin:index")).content.decode()
    assert QUEUE in client.get(reverse("admin:targets_progressentry_changelist")).content.decode()


def test_sheet_is_linked_from_the_entry_list(cast, login):
    html = login(cast.reporter).get(reverse("admin:targets_progressentry_changelist"))
    assert reverse("admin:targets_progressentry_sheet") in html.content.decode()


def test_queue_lists_submitted_entries_of_the_scope_grouped_by_unit_and_period(
    cast, login, submitted, target, unit, make_entry
):
    mine = submitted("304", 2)
    submitted("303", 2)  # Hồng Bàng: another district's reviewer
    make_entry(target("CQS-03c"), unit("11329"), NOV, numerator=1, denominator=2, status=S.DRAFT)
    response = login(cast.reviewer).get(QUEUE)
    assert response.status_code == 200
    assert response.context["total"] == 2
    groups = response.context["groups"]
    assert [(g.unit.code, g.period_end) for g in groups] == [(e.unit.code, DEC) for e in mine]
    html = response.content.decode()
    assert "Máy Chai" in html and "Hồng Bàng" not in html


def test_reporter_has_no_queue(cast, login):
    assert login(cast.reporter).get(QUEUE).status_code == 403


def test_approve_one_row(cast, login, submitted):
    entries = submitted(n=2)
    response = login(cast.reviewer).post(
        QUEUE, {"row_approve": str(entries[0].pk), f"version-{entries[0].pk}": "1"}
    )
    assert response.status_code == 302
    statuses = [ProgressEntry.objects.get(pk=e.pk).status for e in entries]
    assert statuses == [S.APPROVED, S.SUBMITTED]


def test_return_needs_a_reason(cast, login, submitted):
    (entry,) = submitted(n=1)
    client = login(cast.reviewer)
    response = client.post(QUEUE, {"row_return": str(entry.pk)}, follow=True)
    assert "Cần nêu lý do." in response.content.decode()
    assert ProgressEntry.objects.get(pk=entry.pk).status == S.SUBMITTED
    client.post(QUEUE, {"row_return": str(entry.pk), f"reason-{entry.pk}": "Thiếu sổ"})
    entry.refresh_from_db()
    assert entry.status == S.RETURNED and entry.review_note == "Thiếu sổ"


def test_approve_and_return_the_selection(cast, login, submitted):
    entries = submitted(n=4)
    client = login(cast.reviewer)
    chosen = [str(e.pk) for e in entries[:2]]
    client.post(QUEUE, {"bulk_approve": "1", "selected": chosen})
    response = client.post(
        QUEUE,
        {"bulk_return": "1", "selected": [str(entries[2].pk), "abc"], "reason": "Sai"},
        follow=True,
    )
    assert response.status_code == 200
    statuses = [ProgressEntry.objects.get(pk=e.pk).status for e in entries]
    assert statuses == [S.APPROVED, S.APPROVED, S.RETURNED, S.SUBMITTED]
    assert ProgressEntry.objects.get(pk=entries[2].pk).review_note == "Sai"


def test_queue_refuses_an_entry_outside_the_scope_and_a_stale_version(cast, login, submitted):
    (other,) = submitted("303", 1)
    (mine,) = submitted("304", 1)
    client = login(cast.reviewer)
    response = client.post(QUEUE, {"row_approve": str(other.pk)}, follow=True)
    assert "không có quyền" in response.content.decode()
    response = client.post(
        QUEUE, {"row_approve": str(mine.pk), f"version-{mine.pk}": "7"}, follow=True
    )
    assert "sau khi bạn mở trang" in response.content.decode()
    assert set(ProgressEntry.objects.values_list("status", flat=True)) == {S.SUBMITTED}


def test_queue_marks_late_entries(cast, login, submitted):
    (entry,) = submitted(n=1)
    # Sent on 20 January 2023: after the tenth day following the period.
    ProgressEntry.objects.filter(pk=entry.pk).update(
        submitted_at=datetime.datetime(2023, 1, 20, 3, tzinfo=datetime.UTC)
    )
    html = login(cast.reviewer).get(QUEUE).content.decode()
    row = re.search(rf'<tr id="entry-{entry.pk}".*?</tr>', html, re.S).group(0)
    assert "Nộp muộn" in row and "10/01/2023" in row


def test_queue_shows_overdue_units(cast, login, submitted):
    submitted("304", 3)
    html = login(cast.reviewer).get(QUEUE).content.decode()
    assert "Đơn vị quá hạn nộp báo cáo" in html
    # The 2025 plan's December communes: Ngô Quyền's 12 communes, none submitted.
    assert "12 đơn vị chưa nộp" in html


def test_queue_query_count_is_fixed(cast, login, submitted, django_assert_num_queries):
    client = login(cast.city_reviewer)
    submitted("304", 2)
    # session, user, permissions (2), count, page of entries with their previous
    # figures, plan-administrator group, memberships, plans, targets, scope units and
    # the overdue period's entries.
    with django_assert_num_queries(12) as small:
        client.get(QUEUE)
    submitted("305", 15)
    submitted("304", 12, NOV)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(QUEUE)
    assert response.context["total"] == 29


def test_entry_page_shows_target_previous_figure_and_review_buttons_first(
    cast, login, submitted, target, unit, make_entry
):
    make_entry(target("CQS-03c"), unit("11329"), NOV, numerator=30, denominator=100)
    entry = submitted(n=1)[0]
    html = (
        login(cast.reviewer)
        .get(reverse("admin:targets_progressentry_change", args=[entry.pk]))
        .content.decode()
    )
    summary = html.index('id="entry-summary"')
    buttons = html.index('id="entry-workflow"')
    form = html.index('id="progressentry_form"')
    assert summary < buttons < form
    box = html[summary:buttons]
    assert "CQS-03c" in box and "40,00%" in box and "30,00%" in box and "30/11/2022" in box
    assert "+10 điểm %" in box
