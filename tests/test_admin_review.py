"""The review queue (issue 16): submitted entries of the reviewer's scope, approved or
returned per row or for the selection, through the services."""

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from targets.domain import scope
from targets.domain.models import AdministrativeUnit, Plan, ProgressEntry, Target
from targets.entry.review import QUEUE_LIMIT, review_queue

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


def fill_queue(upto, author, start=0):
    """For each 2022 target, its ``start``-th to ``upto``-th (period, unit) slot at its
    reporting level, bulk-created: a unit's odd periods submitted by ``author`` after an
    approved figure of the period before, some late, some with a note, a link or a file,
    so that the queue's rows have every part (previous figure, change, warning,
    lateness, evidence). Returns how many were submitted."""
    plan = Plan.objects.get(code="kh74-2022")
    entries = []
    for target in Target.objects.filter(plan=plan).select_related("plan"):
        ends = target.period_ends()
        units = AdministrativeUnit.objects.at_reporting_level(target.reporting_units)
        slots = itertools.product(range(len(ends)), sorted(units, key=lambda u: u.code))
        ratio = target.measure == Target.Measure.RATIO
        for index, unit in itertools.islice(slots, start, upto):
            figure = Decimal(10 + index * 37 % 50)
            sent = datetime.datetime.combine(ends[index], datetime.time(3), datetime.UTC)
            entries.append(
                ProgressEntry(
                    target=target,
                    unit=unit,
                    period_end=ends[index],
                    numerator=figure if ratio else None,
                    denominator=Decimal(100) if ratio else None,
                    value=figure if target.measure != Target.Measure.MILESTONE else 1,
                    status=S.SUBMITTED if index % 2 else S.APPROVED,
                    submitted_at=sent + datetime.timedelta(days=5 + unit.pk % 2 * 10),
                    note="Giải thích" if unit.pk % 2 else "",
                    evidence_url="https://example.org/a" if unit.pk % 3 == 0 else "",
                    evidence_file="evidence/a.pdf" if unit.pk % 3 == 1 else "",
                    created_by=author,
                    updated_by=author,
                )
            )
    ProgressEntry.objects.bulk_create(entries)
    return sum(entry.status == S.SUBMITTED for entry in entries)


# Session, user, permissions (2), count, page of entries with their previous figures,
# plan-administrator group, memberships, plans, targets, scope units and the overdue
# period's entries: the same for a district's and the city's reviewer, with a few entries
# or a thousand (issue 19).
QUEUE_QUERIES = 12


@pytest.mark.parametrize("who", ["reviewer", "city_reviewer"])
def test_queue_query_count_does_not_grow_with_entries(cast, login, who, django_assert_num_queries):
    client = login(getattr(cast, who))
    assert fill_queue(40, cast.reporter) > 0
    with django_assert_num_queries(QUEUE_QUERIES):
        small = client.get(QUEUE)
    assert fill_queue(1000, cast.reporter, start=40) > 500
    with django_assert_num_queries(QUEUE_QUERIES):
        large = client.get(QUEUE)
    assert large.context["total"] > small.context["total"] > 0
    html = large.content.decode()
    for part in ("round-row flagged", "Nộp muộn", "Tệp đính kèm", "Đường dẫn", "Giải thích:"):
        assert part in html
    if who == "city_reviewer":
        assert large.context["shown"] == QUEUE_LIMIT < large.context["total"]


def test_queue_page_is_the_oldest_entries_of_the_scope(cast):
    """The page is chosen on the index of submitted entries, then read in full: the same
    entries, in the same order, as sorting every submitted entry of the scope."""
    fill_queue(1000, cast.reporter)
    for user in (cast.reviewer, cast.city_reviewer):
        groups, total = review_queue(user)
        submitted = scope.visible_entries(user, roles=[scope.REVIEWER]).filter(status=S.SUBMITTED)
        oldest = submitted.order_by("period_end", "unit__code", "target__code", "pk")
        shown = [row.entry.pk for group in groups for row in group.rows]
        assert shown == list(oldest.values_list("pk", flat=True)[:QUEUE_LIMIT])
        assert total == submitted.count()


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
