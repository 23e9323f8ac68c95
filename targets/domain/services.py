"""Writes to progress entries: create, edit, and the review workflow.

draft → submitted → approved, or submitted → returned (with a reason) → edited →
submitted again; an approved entry is locked until a reviewer reopens it with a reason.

Every function here is keyword-only and atomic. It re-reads the entry under a row lock,
checks what the user may do with it (``targets.domain.scope.entry_permissions``: raises
``PermissionDenied``), refuses a stale ``expected_version`` (``EntryConflict``, naming
who saved first), bumps ``version``, sets the actor and time, and saves once, so
django-simple-history keeps one history row per change with its user and reason.

Saving figures is :func:`entry_save`, one pass whatever the caller (admin form, import,
API): validate once, check scope, status and version once, write once (and, when the
entry is submitted with it, one history row saying so).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from targets.domain import roles, scope
from targets.domain.formatting import plain_number
from targets.domain.models import ProgressEntry

REASON_MAX_LENGTH = 2000

# Fields only the workflow sets: an edit never takes them from the form.
_WORKFLOW_FIELDS = (
    "status",
    "review_note",
    "created_by",
    "created_at",
    "submitted_at",
    "approved_by",
    "approved_at",
    "returned_by",
    "returned_at",
)


class EntryConflict(ValidationError):
    """Someone saved the entry after the version the user was looking at."""

    def __init__(self, current: ProgressEntry):
        self.current = current
        who = current.updated_by
        name = (who.get_full_name() or who.get_username()) if who else "?"
        super().__init__(
            _(
                "Số liệu này vừa được %(user)s lưu lúc %(time)s (phiên bản %(version)s), "
                "sau khi bạn mở trang. Thay đổi của bạn CHƯA được lưu và vẫn còn trong "
                "biểu mẫu. Số liệu hiện có: tử số %(numerator)s, mẫu số %(denominator)s, "
                "giá trị %(value)s, trạng thái “%(status)s”. Hãy đối chiếu rồi lưu lại "
                "nếu vẫn muốn thay bằng số liệu của bạn."
            )
            % {
                "user": name,
                "time": date_format(timezone.localtime(current.updated_at), "DATETIME_FORMAT"),
                "version": current.version,
                "numerator": _blank(current.numerator),
                "denominator": _blank(current.denominator),
                "value": _blank(current.value),
                "status": current.get_status_display(),
            },
            code="conflict",
        )


class NotInScope(PermissionDenied):
    """``user`` may not report this target for this unit (``targets.domain.scope.may_report``)."""

    def __init__(self):
        super().__init__(_("Bạn không được báo cáo chỉ tiêu này cho đơn vị này."))


def _blank(number):
    return "—" if number is None else plain_number(number)


def _lock(entry: ProgressEntry, expected_version: int | None) -> ProgressEntry:
    """The stored entry, locked for this transaction; refused when it moved on."""
    current = (
        ProgressEntry.objects.select_for_update(of=("self",))
        .select_related("unit__parent", "target__plan")
        .get(pk=entry.pk)
    )
    if expected_version is not None and current.version != expected_version:
        # Read again for the message: after waiting on the lock, PostgreSQL re-reads
        # the locked row but not the rows joined to it (who saved).
        raise EntryConflict(ProgressEntry.objects.select_related("updated_by").get(pk=entry.pk))
    return current


def _require(user, entry: ProgressEntry, action: str) -> None:
    if action not in scope.entry_permissions(user, entry):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này với số liệu này."))


def _reason(reason: str | None, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Cần nêu lý do.")}, code="required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field: _("Lý do dài quá %(max)d ký tự.") % {"max": REASON_MAX_LENGTH}},
            code="max_length",
        )
    return reason


# Foreign keys whose validation in full_clean() is one query each.
_RELATIONS = ("target", "unit", "created_by", "updated_by", "approved_by", "returned_by")


def _full_clean(entry: ProgressEntry, *, bulk: bool) -> None:
    """``entry.full_clean()`` without what the database checks on the save that follows
    in the same transaction: the check constraints (``clean()`` holds every figure rule
    they hold, with its field and message, and always runs), and the existence of the
    related objects read from the database (a foreign key to a row just read exists).
    In a bulk import (``bulk``) the uniqueness too (one query per row; a preview saves
    too, then rolls back)."""
    loaded = {
        name
        for name in _RELATIONS
        if (related := entry._state.fields_cache.get(name)) is not None
        and not related._state.adding
    }
    exclude = _RELATIONS if bulk else loaded
    entry.full_clean(exclude=exclude, validate_unique=not bulk, validate_constraints=False)


def _store(entry: ProgressEntry, *, user, reason: str, claimed_version: int) -> ProgressEntry:
    """Claim ``claimed_version`` (an UPDATE … WHERE version = N, which a concurrent
    writer on any backend cannot also win), then save the entry once as version N + 1
    with its history row."""
    if entry.pk is not None:
        claimed = ProgressEntry.objects.filter(pk=entry.pk, version=claimed_version).update(
            version=F("version") + 1
        )
        if claimed != 1:
            raise EntryConflict(ProgressEntry.objects.select_related("updated_by").get(pk=entry.pk))
        entry.version = claimed_version + 1
    now = timezone.now()
    entry.updated_by = user
    entry.updated_at = now
    entry._history_user = user
    entry._change_reason = reason
    # An IntegrityError (someone stored the same target, unit and period meanwhile)
    # rolls back the caller's atomic block; ``entry_save`` turns it into a message.
    entry.save()
    return entry


def _duplicate() -> ValidationError:
    """A concurrent save of the same (target, unit, period) won the unique constraint."""
    return ValidationError(_("Đơn vị này đã có số liệu của chỉ tiêu này cho kỳ báo cáo này."))


def _new_draft(entry: ProgressEntry, *, user, now) -> None:
    """Make ``entry`` (built, not saved) a draft recorded by ``user``, version 1."""
    if entry.pk is not None:
        raise ValueError("a new entry must not be saved yet")
    if not scope.may_report(user, entry.target, entry.unit):
        raise NotInScope
    entry.status = ProgressEntry.Status.DRAFT
    entry.review_note = ""
    entry.created_by = user
    entry.created_at = now
    entry.submitted_at = entry.approved_at = entry.returned_at = None
    entry.approved_by = entry.returned_by = None
    entry.version = 1


def entry_save(
    *,
    entry: ProgressEntry,
    user,
    expected_version: int | None = None,
    submit: bool = False,
    reason: str | None = None,
    bulk: bool = False,
) -> ProgressEntry:
    """Store the figures of ``entry`` in one pass, and send it to review when
    ``submit``: the admin form, the import and the API all save through here.

    A new entry (not saved yet) becomes a draft recorded by ``user`` (version 1). An
    existing one must be a draft or returned entry ``user`` may change, still at
    ``expected_version`` (the version the user started from; ``EntryConflict`` names
    who saved since); its workflow fields (status, review note, actors) are kept from
    the stored entry, whatever ``entry`` carries. With ``submit`` it is stored as
    submitted (``user`` needs the submit permission too).

    Validation (``full_clean``: Vietnamese messages by field), the scope, status and
    version checks run once each; one INSERT or UPDATE, one history row carrying
    ``reason`` (default "Tạo mới" or "Sửa số liệu", "… và gửi duyệt" when submitting).
    Raises ``PermissionDenied`` or ``ValidationError``; nothing is stored then.
    """
    try:
        return _save(
            entry=entry,
            user=user,
            expected_version=expected_version,
            submit=submit,
            reason=reason,
            bulk=bulk,
        )
    except IntegrityError:
        raise _duplicate() from None


@transaction.atomic
def _save(*, entry, user, expected_version, submit, reason, bulk):
    now = timezone.now()
    if entry.pk is None:
        _new_draft(entry, user=user, now=now)
        claimed = 0
        default_reason = _("Tạo mới")
    else:
        current = _lock(entry, expected_version)
        _require(user, current, roles.CHANGE)
        if (entry.target_id, entry.unit_id) != (current.target_id, current.unit_id) and (
            not scope.may_report(user, entry.target, entry.unit)
        ):
            raise NotInScope
        for field in _WORKFLOW_FIELDS:
            setattr(entry, field, getattr(current, field))
        claimed = current.version
        default_reason = _("Sửa số liệu")
    _full_clean(entry, bulk=bulk)
    if submit:
        _require(user, entry, roles.SUBMIT)
        entry.status = ProgressEntry.Status.SUBMITTED
        entry.submitted_at = now
        default_reason = (
            _("Tạo mới và gửi duyệt") if claimed == 0 else _("Sửa số liệu và gửi duyệt")
        )
    return _store(entry, user=user, reason=reason or default_reason, claimed_version=claimed)


def entry_create(*, entry: ProgressEntry, user, reason: str | None = None) -> ProgressEntry:
    """Store a new ``entry`` (built, not saved) as a draft recorded by ``user``; the
    history row carries ``reason`` (default "Tạo mới"). :func:`entry_save` of a new
    entry.

    Raises ``PermissionDenied`` when ``user`` may not report this target for this unit,
    ``ValidationError`` (Vietnamese messages, by field) when the figures are invalid.
    Returns the saved entry, version 1.
    """
    if entry.pk is not None:
        raise ValueError("a new entry must not be saved yet")
    return entry_save(entry=entry, user=user, reason=reason)


def entry_check_new(*, entry: ProgressEntry, user, submit: bool = False) -> ProgressEntry:
    """Prepare ``entry`` (built, not saved) for :func:`entries_create`, without saving:
    a draft recorded by ``user`` (as ``entry_create``), or submitted when ``submit``
    (as ``entry_submit``), validated by ``full_clean()`` in its bulk form.

    Raises ``PermissionDenied`` or ``ValidationError`` as those two would.
    """
    now = timezone.now()
    _new_draft(entry, user=user, now=now)
    _full_clean(entry, bulk=True)
    if submit:
        _require(user, entry, roles.SUBMIT)
        entry.status = ProgressEntry.Status.SUBMITTED
        entry.submitted_at = now
    entry.updated_by = user
    entry.updated_at = now
    return entry


@transaction.atomic
def entries_create(*, entries: list[ProgressEntry], user, reason: str) -> list[ProgressEntry]:
    """Store new entries prepared by :func:`entry_check_new`: one INSERT per 500
    entries and one history row each, with ``user`` and ``reason``. The database
    checks every constraint; a (target, unit, period) stored meanwhile by someone else
    raises ``ValidationError`` and nothing is stored."""
    try:
        with transaction.atomic():
            return bulk_create_with_history(
                entries,
                ProgressEntry,
                batch_size=500,
                default_user=user,
                default_change_reason=reason,
            )
    except IntegrityError:
        raise ValidationError(
            _("Một đơn vị trong tệp vừa có số liệu cho chỉ tiêu và kỳ này (do người khác lưu).")
        ) from None


def entry_update(
    *,
    entry: ProgressEntry,
    user,
    expected_version: int,
    reason: str | None = None,
    bulk: bool = False,
) -> ProgressEntry:
    """Save the edited figures of ``entry`` (a draft or returned entry); the history row
    carries ``reason`` (default "Sửa số liệu"). :func:`entry_save` of a stored entry.

    ``expected_version`` is the version the user started from: if someone saved since,
    ``EntryConflict`` names them and nothing is stored. The workflow fields (status,
    review note, actors) are kept from the stored entry, whatever ``entry`` carries.
    """
    if entry.pk is None:
        raise ValueError("entry_update needs a stored entry")
    return entry_save(
        entry=entry, user=user, expected_version=expected_version, reason=reason, bulk=bulk
    )


@transaction.atomic
def entry_submit(
    *,
    entry: ProgressEntry,
    user,
    expected_version: int | None = None,
    reason: str | None = None,
    bulk: bool = False,
):
    """Send a draft or returned entry to review (history reason ``reason``, default
    "Gửi duyệt"). Returns the stored entry."""
    current = _lock(entry, expected_version)
    _require(user, current, roles.SUBMIT)
    _full_clean(current, bulk=bulk)
    current.status = ProgressEntry.Status.SUBMITTED
    current.submitted_at = timezone.now()
    return _store(
        current, user=user, reason=reason or _("Gửi duyệt"), claimed_version=current.version
    )


@transaction.atomic
def entry_approve(
    *, entry: ProgressEntry, user, note: str = "", expected_version: int | None = None
):
    """Approve a submitted entry: from now on it counts, and it is locked."""
    current = _lock(entry, expected_version)
    _require(user, current, roles.APPROVE)
    note = (note or "").strip()[:REASON_MAX_LENGTH]
    current.status = ProgressEntry.Status.APPROVED
    current.approved_by = user
    current.approved_at = timezone.now()
    current.review_note = note
    reason = _("Duyệt") + (f": {note}" if note else "")
    return _store(current, user=user, reason=reason, claimed_version=current.version)


@transaction.atomic
def entry_return(*, entry: ProgressEntry, user, reason: str, expected_version: int | None = None):
    """Return a submitted entry to its reporter; ``reason`` is required and becomes the
    review note the reporter reads."""
    current = _lock(entry, expected_version)
    _require(user, current, roles.RETURN)
    reason = _reason(reason)
    current.status = ProgressEntry.Status.RETURNED
    current.review_note = reason
    current.returned_by = user
    current.returned_at = timezone.now()
    return _store(
        current, user=user, reason=_("Trả lại: %s") % reason, claimed_version=current.version
    )


@transaction.atomic
def entry_reopen(*, entry: ProgressEntry, user, reason: str, expected_version: int | None = None):
    """Reopen an approved entry for correction; ``reason`` is required. The entry goes
    back to its reporter as returned and stops counting until approved again."""
    current = _lock(entry, expected_version)
    _require(user, current, roles.REOPEN)
    reason = _reason(reason)
    current.status = ProgressEntry.Status.RETURNED
    current.review_note = reason
    current.approved_by = None
    current.approved_at = None
    current.returned_by = user
    current.returned_at = timezone.now()
    return _store(
        current, user=user, reason=_("Mở lại: %s") % reason, claimed_version=current.version
    )


@transaction.atomic
def entries_approve(*, entries, user) -> tuple[int, int]:
    """Approve every submitted entry of ``entries`` that ``user`` may approve; skip the
    rest (other statuses, out of scope). One history row per approved entry.

    Returns (approved, skipped).
    """
    approved = skipped = 0
    for pk in list(entries.values_list("pk", flat=True)):
        try:
            entry_approve(entry=ProgressEntry(pk=pk), user=user)
        except (PermissionDenied, ValidationError, ProgressEntry.DoesNotExist):
            skipped += 1
        else:
            approved += 1
    return approved, skipped


@transaction.atomic
def entries_save_sheet(*, rows, user, submit: bool = False) -> dict:
    """Save the rows of a period sheet (``targets.entry.sheet``) all or none.

    ``rows``: ``(key, entry, expected_version, changed)`` tuples: a new entry (built,
    not saved; ``expected_version`` None) or a stored one carrying the edited figures,
    and whether its figures changed. New entries are checked one by one
    (``entry_check_new``: a draft, or submitted with ``submit``) and stored together
    (``entries_create``: one history row each); a changed stored entry goes through
    ``entry_update`` with the version the user started from, and with ``submit`` every
    stored row is sent to review (``entry_submit``). Related objects were read by the
    sheet, so the per-row checks run in their bulk form; the database checks the
    constraints on the saves, in this transaction.

    Returns the refusals by ``key`` (``ValidationError`` or ``PermissionDenied``; key
    None for a refusal of the new entries together): when there is any, nothing is
    stored.
    """
    errors = {}
    reason = _("Bảng nhập theo kỳ")
    new = []
    for key, entry, expected_version, changed in rows:
        try:
            if entry.pk is None:
                new.append(entry_check_new(entry=entry, user=user, submit=submit))
                continue
            if changed:
                entry = entry_update(
                    entry=entry,
                    user=user,
                    expected_version=expected_version,
                    reason=reason,
                    bulk=True,
                )
            if submit:
                version = entry.version if changed else expected_version
                entry_submit(entry=entry, user=user, expected_version=version, bulk=True)
        except (ValidationError, PermissionDenied) as error:
            errors[key] = error
    if new and not errors:
        try:
            entries_create(entries=new, user=user, reason=reason)
        except ValidationError as error:
            errors[None] = error
    if errors:
        transaction.set_rollback(True)
    return errors
