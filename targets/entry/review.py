"""The review queue in the admin (``review/`` under the entries' admin URL): the
submitted entries of the reviewer's scope, grouped by unit and period, with the previous
approved figure, the change, plausibility warnings, lateness and evidence; approve or
return per row or for the selection, each through ``targets.domain.services`` with the version
shown on the page. Overdue units of the current plan are listed below.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from targets.domain import deadlines, plausibility, roles, scope, services
from targets.domain.formatting import DASH, date, format_value, parse_id
from targets.domain.formatting import number as format_part
from targets.domain.models import AdministrativeUnit, Plan, ProgressEntry, Target
from targets.domain.plans import default_plan

# The queue shows this many entries at most (oldest periods first); the rest come up as
# these are approved or returned, and the page says how many wait in all. Fifty is a
# sitting's work, and keeps the page within its budget under load at city scale
# (issue 19: the rows are most of the page's cost; 100 rows took twice as long).
QUEUE_LIMIT = 50
PREVIOUS_FIELDS = ("numerator", "denominator", "value", "period_end")


@dataclass
class QueueRow:
    """One entry of the queue. Each figure is worked out once, when the template first
    asks for it."""

    entry: ProgressEntry
    allowed: frozenset

    @property
    def target(self):
        return self.entry.target

    @cached_property
    def figure(self) -> str:
        return format_value(self.target, self.entry.value)

    @cached_property
    def parts(self) -> str:
        if self.target.measure != Target.Measure.RATIO:
            return ""
        return f"{format_part(self.entry.numerator)} / {format_part(self.entry.denominator)}"

    @cached_property
    def previous(self):
        entry = self.entry
        if entry.previous_period_end is None:
            return None
        return SimpleNamespace(
            numerator=entry.previous_numerator,
            denominator=entry.previous_denominator,
            value=entry.previous_value,
            period_end=entry.previous_period_end,
        )

    @cached_property
    def previous_text(self) -> str:
        previous = self.previous
        return format_value(self.target, previous.value) if previous else DASH

    @cached_property
    def previous_period(self) -> str:
        previous = self.previous
        return date(previous.period_end) if previous else ""

    @cached_property
    def change(self) -> str:
        previous = self.previous
        value = self.entry.value
        if previous is None or previous.value is None or value is None:
            return DASH
        if self.target.measure == Target.Measure.MILESTONE:
            return DASH
        delta = value - previous.value
        sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
        text = format_part(abs(delta))
        if self.target.is_percentage:
            return gettext("%(sign)s%(delta)s điểm %%") % {"sign": sign, "delta": text}
        return f"{sign}{text}"

    @cached_property
    def warnings(self) -> list[str]:
        entry = self.entry
        return plausibility.warnings(
            self.target,
            numerator=entry.numerator,
            denominator=entry.denominator,
            value=entry.value,
            previous=self.previous,
        )

    @cached_property
    def late(self) -> bool:
        return deadlines.is_late(self.entry)

    @cached_property
    def due(self) -> str:
        return date(deadlines.due_date(self.target, self.entry.period_end))

    @cached_property
    def url(self) -> str:
        return reverse("admin:targets_progressentry_change", args=[self.entry.pk])

    @property
    def may_approve(self) -> bool:
        return roles.APPROVE in self.allowed

    @cached_property
    def cells(self) -> dict:
        """What the queue's page prints of this row, ready to print. A dict: the template
        engine reads a dict's keys several times faster than attributes through objects,
        and the page has up to ``QUEUE_LIMIT`` rows of twenty-odd values each."""
        entry = self.entry
        author = entry.updated_by
        return {
            "pk": str(entry.pk),
            "version": str(entry.version),
            "code": self.target.code,
            "name": self.target.display_name,
            "url": self.url,
            # As the template's |date would write it: the local day, blank when unsent.
            "sent": date(timezone.localdate(entry.submitted_at)) if entry.submitted_at else "",
            "author": (author.get_full_name() or author.get_username()) if author else "",
            "late": self.late,
            "due": self.due if self.late else "",
            "figure": self.figure,
            "parts": self.parts,
            "previous": self.previous_text,
            "previous_period": self.previous_period,
            "change": self.change,
            "warnings": self.warnings,
            "note": entry.note,
            "evidence_url": entry.evidence_url,
            "evidence_file": bool(entry.evidence_file),
            "may_approve": self.may_approve,
        }

    @property
    def may_return(self) -> bool:
        return roles.RETURN in self.allowed


@dataclass
class QueueGroup:
    unit: AdministrativeUnit
    period_end: datetime.date
    rows: list

    @cached_property
    def heading(self) -> str:
        """``304 · Ngô Quyền · kỳ kết thúc 31/12/2022`` (a page may have a group per row)."""
        unit, ends = self.unit, gettext("kỳ kết thúc")
        return f"{unit.code} · {unit.display_name} · {ends} {date(self.period_end)}"


def review_queue(user) -> tuple[list[QueueGroup], int]:
    """The submitted entries ``user`` reviews, grouped by unit and period (oldest
    period first), and how many there are in all. A fixed number of queries."""
    queue = scope.visible_entries(user, roles=[scope.REVIEWER]).filter(
        status=ProgressEntry.Status.SUBMITTED
    )
    total = queue.count()
    # The page is chosen among the narrow rows of the index of submitted entries
    # (targets_entry_submitted), then only its entries are read with their target,
    # units, author and previous figures: sorting every submitted entry of the city
    # with all of these cost more than the rest of the page.
    # Two plans may share a target code: the id keeps the order (and the page) fixed.
    order = ("period_end", "unit__code", "target__code", "pk")
    page = queue.order_by(*order).values("pk")[:QUEUE_LIMIT]
    entries = (
        ProgressEntry.objects.filter(pk__in=page)
        .with_previous_approved()
        .select_related("target__plan", "unit__parent", "updated_by")
        .order_by(*order)
    )
    groups = []
    for (_unit, day), members in groupby(entries, key=lambda e: (e.unit_id, e.period_end)):
        rows = [QueueRow(e, scope.entry_permissions(user, e)) for e in members]
        groups.append(QueueGroup(rows[0].entry.unit, day, rows))
    return groups, total


def queue_overdue(user, today):
    """The current plan's overdue units in ``user``'s reviewer scope (targets.domain.deadlines)."""
    plan = default_plan(Plan.objects.all(), today)
    if plan is None:
        return None, []
    targets = list(Target.objects.filter(plan=plan).order_by("pillar__order", "order", "code"))
    units = scope.visible_units(user, [scope.REVIEWER]).active_on(min(today, plan.end_date))
    return plan, deadlines.overdue_units(targets, units, today)


def _entry_ids(values) -> list[int]:
    return [pk for pk in map(parse_id, values) if pk is not None]


def review_post(request):
    """Approve or return one row or the selected rows, each through the services with
    the version shown on the page. Returns how many were done."""
    post = request.POST
    user = request.user
    if "row_approve" in post or "row_return" in post:
        action = roles.APPROVE if "row_approve" in post else roles.RETURN
        ids = _entry_ids([post.get("row_approve") or post.get("row_return")])
        reasons = {pk: post.get(f"reason-{pk}", "") for pk in ids}
    else:
        action = roles.APPROVE if "bulk_approve" in post else roles.RETURN
        ids = _entry_ids(post.getlist("selected"))
        reasons = dict.fromkeys(ids, post.get("reason", ""))
        if not ids:
            messages.warning(request, gettext("Chưa chọn dòng nào."))
            return 0
    done = 0
    for pk in ids:
        versions = _entry_ids([post.get(f"version-{pk}")])
        kwargs = {
            "entry": ProgressEntry(pk=pk),
            "user": user,
            "expected_version": versions[0] if versions else None,
        }
        try:
            if action == roles.APPROVE:
                services.entry_approve(note=reasons[pk], **kwargs)
            else:
                services.entry_return(reason=reasons[pk], **kwargs)
        except ProgressEntry.DoesNotExist:
            messages.error(request, gettext("Không tìm thấy số liệu này trong phạm vi của bạn."))
        except PermissionDenied as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done += 1
    if done:
        text = (
            gettext("Đã duyệt %(count)d số liệu.")
            if action == roles.APPROVE
            else gettext("Đã trả lại %(count)d số liệu cho người báo cáo.")
        )
        messages.success(request, text % {"count": done})
    return done


def review_view(model_admin, request):
    """The review queue: GET lists it, POST approves or returns (then shows it again)."""
    user = request.user
    if not user.has_perm("targets.review_progressentry"):
        raise PermissionDenied
    if request.method == "POST":
        review_post(request)
        return HttpResponseRedirect(request.path)
    groups, total = review_queue(user)
    today = timezone.localdate()
    plan, overdue = queue_overdue(user, today)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": gettext("Hàng chờ duyệt"),
        "groups": groups,
        "total": total,
        "shown": sum(len(g.rows) for g in groups),
        "plan": plan,
        "overdue": overdue,
        "today": today,
    }
    return TemplateResponse(request, "admin/targets/progressentry/review.html", context)
