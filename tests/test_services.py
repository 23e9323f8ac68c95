"""The review workflow in ``targets.domain.services``: who may do each step, what it stores,
and the history each step leaves."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from targets.domain import roles, scope, services
from targets.domain.models import ProgressEntry
from tests.positions import POSITIONS

pytestmark = pytest.mark.django_db

S = ProgressEntry.Status
NOV = datetime.date(2022, 11, 30)

ALLOWED = {
    "reporter": {"add", "change", "submit"},
    "reviewer": {"approve", "return", "reopen"},
    "viewer": set(),
}
ACTIONS = ["add", "change", "submit", "approve", "return", "reopen"]
START = {
    "change": S.DRAFT,
    "submit": S.DRAFT,
    "approve": S.SUBMITTED,
    "return": S.SUBMITTED,
    "reopen": S.APPROVED,
}
AFTER = {
    "change": S.DRAFT,
    "submit": S.SUBMITTED,
    "approve": S.APPROVED,
    "return": S.RETURNED,
    "reopen": S.RETURNED,
}


def run(action, user, entry=None, *, target=None, unit=None):
    """Do ``action`` through its service; returns the stored entry."""
    if action == "add":
        new = ProgressEntry(target=target, unit=unit, period_end=NOV, numerator=1, denominator=4)
        return services.entry_create(entry=new, user=user)
    if action == "change":
        entry.numerator = Decimal(2)
        return services.entry_update(entry=entry, user=user, expected_version=entry.version)
    if action == "submit":
        return services.entry_submit(entry=entry, user=user)
    if action == "approve":
        return services.entry_approve(entry=entry, user=user)
    if action == "return":
        return services.entry_return(entry=entry, user=user, reason="Thiếu minh chứng")
    if action == "reopen":
        return services.entry_reopen(entry=entry, user=user, reason="Sai mẫu số")
    raise AssertionError(action)


@pytest.fixture
def ratio_entry(make_entry, target, unit):
    def build(target_code, unit_code, status=S.DRAFT, **kwargs):
        return make_entry(
            target(target_code),
            unit(unit_code),
            NOV,
            numerator=1,
            denominator=2,
            status=status,
            **kwargs,
        )

    return build


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ALLOWED)
def test_permission_matrix_through_services(
    role, action, position, cast, ratio_entry, target, unit
):
    user = getattr(cast, role)
    target_code, unit_code = POSITIONS[position]
    allowed = action in ALLOWED[role] and position in ("own", "below")
    before = ProgressEntry.objects.count()
    if action == "add":
        call = lambda: run(action, user, target=target(target_code), unit=unit(unit_code))  # noqa: E731
    else:
        entry = ratio_entry(target_code, unit_code, START[action])
        call = lambda: run(action, user, entry)  # noqa: E731
    if allowed:
        stored = call()
        stored.refresh_from_db()
        assert stored.status == (S.DRAFT if action == "add" else AFTER[action])
        assert stored.updated_by == user
    else:
        with pytest.raises(PermissionDenied):
            call()
        if action == "add":
            assert ProgressEntry.objects.count() == before
        else:
            entry.refresh_from_db()
            assert (entry.status, entry.version, entry.numerator) == (
                START[action],
                1,
                Decimal(1),
            )


def test_commune_reporter_covers_only_its_commune(cast, ratio_entry):
    own = ratio_entry("CQS-03c", "11329")
    sibling = ratio_entry("CQS-03c", "11332")
    district = ratio_entry("CQS-03b", "304")
    user = cast.commune_reporter
    assert roles.SUBMIT in scope.entry_permissions(user, own)
    assert scope.entry_permissions(user, sibling) == frozenset()
    assert scope.entry_permissions(user, district) == frozenset()


def test_lead_agency_reports_the_city_figure_of_its_targets(cast, target, unit):
    new = ProgressEntry(
        target=target("CQS-01"),
        unit=unit("31"),
        period_end=datetime.date(2022, 9, 30),
        numerator=5,
        denominator=10,
    )
    stored = services.entry_create(entry=new, user=cast.agency_reporter)
    assert stored.value == Decimal(50)
    # ... but not another district's or the city's figure of a district target.
    with pytest.raises(PermissionDenied):
        services.entry_create(
            entry=ProgressEntry(
                target=target("CQS-03b"),
                unit=unit("304"),
                period_end=NOV,
                numerator=1,
                denominator=2,
            ),
            user=cast.agency_reporter,
        )


def test_city_reviewer_reviews_every_unit(cast, ratio_entry):
    for target_code, unit_code in POSITIONS.values():
        entry = ratio_entry(target_code, unit_code, S.SUBMITTED)
        assert services.entry_approve(entry=entry, user=cast.city_reviewer).status == S.APPROVED


def test_plan_administrator_sees_all_but_records_and_reviews_nothing(cast, ratio_entry):
    entry = ratio_entry("CQS-03b", "304", S.SUBMITTED)
    assert scope.entry_permissions(cast.plan_admin, entry) == {roles.VIEW}
    with pytest.raises(PermissionDenied):
        services.entry_approve(entry=entry, user=cast.plan_admin)


def test_full_cycle_draft_submitted_returned_edited_resubmitted_approved(cast, target, unit):
    reporter, reviewer = cast.commune_reporter, cast.reviewer
    entry = services.entry_create(
        entry=ProgressEntry(
            target=target("CQS-03c"), unit=unit("11329"), period_end=NOV, numerator=1, denominator=3
        ),
        user=reporter,
    )
    entry = services.entry_submit(entry=entry, user=reporter)
    assert entry.submitted_at is not None
    entry = services.entry_return(entry=entry, user=reviewer, reason="  Mẫu số chưa đúng  ")
    assert (entry.status, entry.review_note, entry.returned_by) == (
        S.RETURNED,
        "Mẫu số chưa đúng",
        reviewer,
    )
    entry.denominator = Decimal(4)
    entry = services.entry_update(entry=entry, user=reporter, expected_version=entry.version)
    assert entry.status == S.RETURNED and entry.value == Decimal(25)
    entry = services.entry_submit(entry=entry, user=reporter)
    entry = services.entry_approve(entry=entry, user=reviewer, note="Đạt")
    entry.refresh_from_db()
    assert (entry.status, entry.approved_by, entry.version) == (S.APPROVED, reviewer, 6)
    assert entry.approved_at is not None


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_return_without_reason_is_refused(cast, ratio_entry, reason):
    entry = ratio_entry("CQS-03b", "304", S.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        services.entry_return(entry=entry, user=cast.reviewer, reason=reason)
    assert "Cần nêu lý do." in error.value.messages
    entry.refresh_from_db()
    assert (entry.status, entry.version, entry.review_note) == (S.SUBMITTED, 1, "")


def test_reopen_without_reason_is_refused(cast, ratio_entry):
    entry = ratio_entry("CQS-03b", "304", S.APPROVED)
    with pytest.raises(ValidationError):
        services.entry_reopen(entry=entry, user=cast.reviewer, reason="")
    entry.refresh_from_db()
    assert entry.status == S.APPROVED


def test_over_long_reason_is_refused(cast, ratio_entry):
    entry = ratio_entry("CQS-03b", "304", S.SUBMITTED)
    with pytest.raises(ValidationError):
        services.entry_return(entry=entry, user=cast.reviewer, reason="x" * 2001)


@pytest.mark.parametrize("user", ["reporter", "reviewer", "root"])
def test_approved_entry_is_locked(cast, ratio_entry, user):
    entry = ratio_entry("CQS-03b", "304", S.APPROVED)
    entry.numerator = Decimal(2)
    with pytest.raises(PermissionDenied):
        services.entry_update(entry=entry, user=getattr(cast, user), expected_version=1)
    with pytest.raises(PermissionDenied):
        services.entry_submit(entry=entry, user=getattr(cast, user))
    stored = ProgressEntry.objects.get(pk=entry.pk)
    assert (stored.numerator, stored.status, stored.version) == (Decimal(1), S.APPROVED, 1)


def test_submitted_entry_cannot_be_edited_or_approved_twice(cast, ratio_entry):
    entry = ratio_entry("CQS-03b", "304", S.SUBMITTED)
    entry.numerator = Decimal(2)
    with pytest.raises(PermissionDenied):
        services.entry_update(entry=entry, user=cast.reporter, expected_version=1)
    services.entry_approve(entry=entry, user=cast.reviewer)
    with pytest.raises(PermissionDenied):
        services.entry_approve(entry=entry, user=cast.reviewer)


def test_reopen_records_its_reason_and_stops_counting(cast, ratio_entry):
    entry = ratio_entry("CQS-03b", "304", S.SUBMITTED)
    services.entry_approve(entry=entry, user=cast.reviewer)
    services.entry_reopen(entry=entry, user=cast.reviewer, reason="Số liệu quý trước bị nhầm")
    entry.refresh_from_db()
    assert (entry.status, entry.review_note, entry.approved_by, entry.approved_at) == (
        S.RETURNED,
        "Số liệu quý trước bị nhầm",
        None,
        None,
    )
    latest = entry.history.first()
    assert latest.history_change_reason == "Mở lại: Số liệu quý trước bị nhầm"
    assert latest.history_user == cast.reviewer
    assert not ProgressEntry.objects.approved().filter(pk=entry.pk).exists()


def test_edit_keeps_workflow_fields_from_the_database(cast, ratio_entry, make_user):
    entry = ratio_entry("CQS-03b", "304")
    entry.status = S.APPROVED  # a tampered instance must not approve itself
    entry.approved_by = cast.reporter
    entry.numerator = Decimal(2)
    stored = services.entry_update(entry=entry, user=cast.reporter, expected_version=1)
    stored.refresh_from_db()
    assert (stored.status, stored.approved_by, stored.numerator) == (S.DRAFT, None, Decimal(2))


def test_stale_version_is_refused_naming_who_saved_first(cast, ratio_entry):
    entry = ratio_entry("CQS-03b", "304")
    first = ProgressEntry.objects.get(pk=entry.pk)
    first.numerator = Decimal(2)
    services.entry_update(entry=first, user=cast.reporter, expected_version=1)
    second = ProgressEntry.objects.get(pk=entry.pk)
    second.numerator = Decimal(0)
    with pytest.raises(services.EntryConflict) as conflict:
        services.entry_update(entry=second, user=cast.root, expected_version=1)
    assert "Reporter" in conflict.value.messages[0]
    assert "phiên bản 2" in conflict.value.messages[0]
    assert ProgressEntry.objects.get(pk=entry.pk).numerator == Decimal(2)


def test_invalid_figures_are_refused_with_vietnamese_message(cast, target, unit):
    new = ProgressEntry(
        target=target("CQS-03b"), unit=unit("304"), period_end=NOV, numerator=5, denominator=2
    )
    with pytest.raises(ValidationError) as error:
        services.entry_create(entry=new, user=cast.reporter)
    assert "Tử số (5) không được lớn hơn mẫu số (2)." in error.value.messages
    assert not ProgressEntry.objects.filter(unit__code="304").exists()


def test_bulk_approve_touches_only_submitted_entries_in_scope(cast, ratio_entry):
    mine = ratio_entry("CQS-03b", "304", S.SUBMITTED)
    below = ratio_entry("CQS-03c", "11329", S.SUBMITTED)
    draft = ratio_entry("CQS-03c", "11332", S.DRAFT)
    sibling = ratio_entry("CQS-03b", "303", S.SUBMITTED)
    city = ratio_entry("CQS-01", "31", S.SUBMITTED)
    approved, skipped = services.entries_approve(
        entries=ProgressEntry.objects.all(), user=cast.reviewer
    )
    assert (approved, skipped) == (2, 3)
    status = dict(ProgressEntry.objects.values_list("pk", "status"))
    assert status[mine.pk] == status[below.pk] == S.APPROVED
    assert status[draft.pk] == S.DRAFT
    assert status[sibling.pk] == status[city.pk] == S.SUBMITTED


# History: every step leaves a row with its actor, and the row before holds the old value.


def test_every_transition_and_edit_leaves_history_with_actor_and_old_value(cast, target, unit):
    reporter, reviewer = cast.reporter, cast.reviewer
    entry = services.entry_create(
        entry=ProgressEntry(
            target=target("CQS-03b"), unit=unit("304"), period_end=NOV, numerator=1, denominator=2
        ),
        user=reporter,
    )
    entry.numerator = Decimal(2)
    entry = services.entry_update(entry=entry, user=reporter, expected_version=1)
    entry = services.entry_submit(entry=entry, user=reporter)
    entry = services.entry_return(entry=entry, user=reviewer, reason="Kiểm tra lại")
    entry.numerator = Decimal(1)
    entry = services.entry_update(entry=entry, user=reporter, expected_version=entry.version)
    entry = services.entry_submit(entry=entry, user=reporter)
    entry = services.entry_approve(entry=entry, user=reviewer)
    entry = services.entry_reopen(entry=entry, user=reviewer, reason="Đối chiếu lại")

    rows = list(entry.history.order_by("history_date", "history_id"))
    assert [
        (r.version, r.status, r.history_user.username, r.history_change_reason) for r in rows
    ] == [
        (1, S.DRAFT, "t.reporter", "Tạo mới"),
        (2, S.DRAFT, "t.reporter", "Sửa số liệu"),
        (3, S.SUBMITTED, "t.reporter", "Gửi duyệt"),
        (4, S.RETURNED, "t.reviewer", "Trả lại: Kiểm tra lại"),
        (5, S.RETURNED, "t.reporter", "Sửa số liệu"),
        (6, S.SUBMITTED, "t.reporter", "Gửi duyệt"),
        (7, S.APPROVED, "t.reviewer", "Duyệt"),
        (8, S.RETURNED, "t.reviewer", "Mở lại: Đối chiếu lại"),
    ]
    # old → new, as the admin's history page shows it
    edit = rows[1].diff_against(rows[0])
    change = {c.field: (c.old, c.new) for c in edit.changes}
    assert change["numerator"] == (Decimal(1), Decimal(2))
    assert change["value"] == (Decimal(50), Decimal(100))
    approval = rows[6].diff_against(rows[5])
    assert {c.field: (c.old, c.new) for c in approval.changes}["status"] == (
        S.SUBMITTED,
        S.APPROVED,
    )


def test_refused_steps_leave_no_history(cast, ratio_entry):
    entry = ratio_entry("CQS-03b", "304", S.SUBMITTED)
    count = entry.history.count()
    for call in (
        lambda: services.entry_return(entry=entry, user=cast.reviewer, reason=""),
        lambda: services.entry_approve(entry=entry, user=cast.reporter),
        lambda: services.entry_approve(entry=entry, user=cast.reviewer, expected_version=7),
    ):
        with pytest.raises((ValidationError, PermissionDenied)):
            call()
    assert entry.history.count() == count
