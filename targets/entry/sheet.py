"""The period sheet in the admin (``sheet/`` under the entries' admin URL), modelled on
DHIS2's data-entry app: one unit and one period end, a row per target the unit reports
then; or (``&target=``) one target and one period, a row per unit of the chosen unit's
scope (a district's communes). Every row shows the previous approved figure, the current
entry and its state; approved and submitted rows are read-only. The whole sheet is saved
all or none through ``services.entries_save_sheet``, with the version of each row.

Scope comes from ``targets.domain.roles`` and the querysets' scope methods
(``scope.reportable_units``, ``scope.reportable_targets``); the review queue is ``targets.entry.review``.
"""

import copy
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from targets.domain import deadlines, periods, plausibility, roles, scope, services
from targets.domain.formatting import DASH, ParseError, date, format_value, parse_date
from targets.domain.formatting import number as format_part
from targets.domain.models import AdministrativeUnit, Plan, ProgressEntry, Target
from targets.domain.models.entries import NOTE_MAX_LENGTH
from targets.domain.plans import default_plan


def number_field(label):
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=18,
        decimal_places=4,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def _plain(number):
    """A stored figure without the trailing zeros of its four decimal places, as the
    reporter typed it (35, not 35,0000)."""
    if number is None:
        return None
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


class SheetRowForm(forms.Form):
    """One row of the sheet: the figures of one (target, unit) for the period, and the
    version of the stored entry the reporter started from."""

    numerator = number_field(_("tử số"))
    denominator = number_field(_("mẫu số"))
    value = number_field(_("giá trị"))
    note = forms.CharField(
        label=_("ghi chú"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Ghi chú dài quá 5.000 ký tự.")},
    )
    evidence_url = forms.URLField(
        label=_("đường dẫn minh chứng"), required=False, max_length=500, assume_scheme="https"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    FIGURES = ("numerator", "denominator", "value")

    def __init__(self, *args, target, entry=None, **kwargs):
        if entry is not None:
            kwargs["initial"] = {
                "numerator": _plain(entry.numerator),
                "denominator": _plain(entry.denominator),
                "value": None if target.measure == Target.Measure.RATIO else _plain(entry.value),
                "note": entry.note,
                "evidence_url": entry.evidence_url,
                "version": entry.version,
            }
        super().__init__(*args, **kwargs)
        # A ratio takes a numerator and a denominator (its value is computed); the other
        # measures take a value.
        if target.measure == Target.Measure.RATIO:
            # Short labels: the sheet names the parts once (the kind of figure).
            del self.fields["value"]
        else:
            del self.fields["numerator"]
            del self.fields["denominator"]

    def is_blank(self) -> bool:
        return not any(
            self.cleaned_data.get(name) not in (None, "")
            for name in (*self.FIGURES, "note", "evidence_url")
        )


@dataclass
class SheetRow:
    """A (target, unit) of the sheet, with what the page shows beside its inputs."""

    target: Target
    unit: AdministrativeUnit
    entry: ProgressEntry | None
    previous: object | None
    editable: bool
    form: SheetRowForm | None = None
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"t{self.target.pk}-u{self.unit.pk}"

    @property
    def kind(self) -> str:
        target = self.target
        if target.measure == Target.Measure.RATIO:
            return f"{target.get_measure_display()}: {target.numerator_label} / {target.denominator_label}"
        return target.get_measure_display()

    @property
    def previous_text(self) -> str:
        if self.previous is None:
            return DASH
        return format_value(self.target, self.previous.value)

    @property
    def previous_period(self) -> str:
        return date(self.previous.period_end) if self.previous else ""

    @property
    def current_text(self) -> str:
        return format_value(self.target, self.entry.value) if self.entry else DASH

    @property
    def status(self) -> str:
        return self.entry.status if self.entry else ""

    @property
    def status_label(self) -> str:
        return self.entry.get_status_display() if self.entry else gettext("Chưa có")

    @property
    def late(self) -> bool:
        return self.entry is not None and deadlines.is_late(self.entry)

    @property
    def entry_url(self) -> str:
        if self.entry is None:
            return ""
        return reverse("admin:targets_progressentry_change", args=[self.entry.pk])

    @property
    def readonly_parts(self) -> str:
        entry = self.entry
        if entry is None or self.target.measure != Target.Measure.RATIO:
            return ""
        return f"{format_part(entry.numerator)} / {format_part(entry.denominator)}"


class SheetPicker(forms.Form):
    """Which sheet: a plan, a unit of the user's scope, a real period end of the plan,
    and optionally one target (one row per unit)."""

    plan = forms.ChoiceField(label=_("Kế hoạch"), required=False)
    unit = forms.ChoiceField(label=_("Đơn vị"), required=False)
    period_end = forms.ChoiceField(label=_("Kỳ báo cáo (ngày cuối kỳ)"), required=False)
    target = forms.ChoiceField(label=_("Chỉ tiêu"), required=False)

    def __init__(self, data, *, plans, units, targets_by_plan, today):
        super().__init__(data)
        self.plans = {plan.code: plan for plan in plans}
        self.units = {unit.code: unit for unit in units}
        self.targets_by_plan = targets_by_plan
        self.today = today
        self.fields["plan"].choices = [(p.code, p.display_name) for p in plans]
        self.fields["unit"].choices = [
            (u.code, f"{u.code} · {u.get_kind_display()} {u.display_name}") for u in units
        ]
        self.fields["period_end"].choices = []
        self.fields["target"].choices = []
        self.errors_shown: list[str] = []
        self.choose()

    def choose(self):
        """Read the request; anything missing or not offered falls back to a default
        (and says so), never an error page."""
        raw = self.data
        today = self.today
        plan = self.plans.get(raw.get("plan") or "")
        if raw.get("plan") and plan is None:
            self.errors_shown.append(gettext("Không có kế hoạch này; đang mở kế hoạch mặc định."))
        if plan is None:
            plan = default_plan(self.plans.values(), self._requested_day() or today)
        unit = self.units.get(raw.get("unit") or "")
        if raw.get("unit") and unit is None:
            self.errors_shown.append(
                gettext("Đơn vị “%(code)s” không thuộc phạm vi báo cáo của bạn.")
                % {"code": raw.get("unit")[:20]}
            )
        if unit is None and self.units:
            unit = next(iter(self.units.values()))
        targets = self.targets_by_plan.get(plan.pk, []) if plan else []
        target = None
        if raw.get("target"):
            target = next((t for t in targets if t.code == raw.get("target")), None)
            if target is None:
                self.errors_shown.append(
                    gettext("Kế hoạch này không có chỉ tiêu “%(code)s” trong phạm vi của bạn.")
                    % {"code": raw.get("target")[:20]}
                )
        reported = [target] if target else [t for t in targets if unit and self._reports(unit, t)]
        ends = sorted({day for t in reported for day in t.period_ends()})
        period_end = self._requested_day()
        if raw.get("period_end") and period_end not in ends:
            self.errors_shown.append(
                gettext(
                    "Ngày %(day)s không phải ngày cuối của một kỳ báo cáo; đang mở kỳ gần nhất."
                )
                % {"day": raw.get("period_end")[:20]}
            )
            period_end = None
        if period_end is None and ends:
            passed = [day for day in ends if day <= today]
            period_end = passed[-1] if passed else ends[0]
        self.plan, self.unit, self.target, self.period_end = plan, unit, target, period_end
        self.fields["period_end"].choices = [(day.isoformat(), date(day)) for day in reversed(ends)]
        self.fields["target"].choices = [("", gettext("— Mọi chỉ tiêu của đơn vị —"))] + [
            (t.code, f"{t.code} · {t.display_name}") for t in targets
        ]
        self.initial = {
            "plan": plan.code if plan else "",
            "unit": unit.code if unit else "",
            "period_end": period_end.isoformat() if period_end else "",
            "target": target.code if target else "",
        }
        # Shown with what was chosen, not what was typed.
        self.data = self.initial

    def _requested_day(self):
        try:
            return parse_date(self.data.get("period_end") or "")
        except ParseError:
            return None

    @staticmethod
    def _reports(unit, target) -> bool:
        """Whether ``unit`` or a unit below it reports ``target`` (a district's sheet
        lists its communes' targets too: their second layout is one click away)."""
        if unit.reports_at(target.reporting_units):
            return True
        below = {
            AdministrativeUnit.Level.CITY: ("districts", "communes", "agencies"),
            AdministrativeUnit.Level.DISTRICT: ("communes",),
        }
        return target.reporting_units in below.get(unit.level, ())

    def query(self) -> str:
        return urlencode({key: value for key, value in self.initial.items() if value})


def _sheet_units(user, picker) -> list[AdministrativeUnit]:
    """The units of the rows: the chosen unit (first layout), or every unit of its
    scope that reports the chosen target (second layout)."""
    unit, target, day = picker.unit, picker.target, picker.period_end
    if target is None:
        return [unit]
    units = (
        scope.reportable_units(user)
        .within(unit)
        .at_reporting_level(target.reporting_units)
        .active_on(day)
        .select_related("parent")
        .order_by("code")
    )
    return [u for u in units if scope.may_report(user, target, u)]


def build_sheet(user, picker, data=None) -> list[SheetRow]:
    """The rows of the chosen sheet, with their forms (bound to ``data`` on a POST).
    A fixed number of queries, whatever the number of rows."""
    day = picker.period_end
    if picker.unit is None or day is None:
        return []
    units = _sheet_units(user, picker)
    if picker.target is not None:
        pairs = [(picker.target, unit) for unit in units]
    else:
        unit = picker.unit
        pairs = [
            (target, unit)
            for target in picker.targets_by_plan.get(picker.plan.pk, [])
            if periods.is_period_end(day, target.frequency)
            and unit.reports_at(target.reporting_units)
            and unit.is_active_on(day)
            and scope.may_report(user, target, unit)
        ]
    if not pairs:
        return []
    target_ids = sorted({t.pk for t, _u in pairs})
    unit_ids = sorted({u.pk for _t, u in pairs})
    entries = {
        (e.target_id, e.unit_id): e
        for e in ProgressEntry.objects.filter(
            target__in=target_ids, unit__in=unit_ids, period_end=day
        ).select_related("updated_by")
    }
    previous = {
        (row["target"], row["unit"]): SimpleNamespace(**row)
        for row in ProgressEntry.objects.latest_approved(
            day - datetime.timedelta(days=1), targets=target_ids, units=unit_ids
        )
        .values("target", "unit", "numerator", "denominator", "value", "period_end")
        .order_by()
    }
    rows = []
    for target, unit in pairs:
        entry = entries.get((target.pk, unit.pk))
        if entry is not None:
            entry.target, entry.unit = target, unit
            editable = roles.CHANGE in scope.entry_permissions(user, entry)
        else:
            editable = True
        row = SheetRow(target, unit, entry, previous.get((target.pk, unit.pk)), editable)
        if editable:
            row.form = SheetRowForm(data, prefix=row.key, target=target, entry=entry)
        rows.append(row)
    return rows


def _row_entry(row: SheetRow) -> tuple[ProgressEntry, bool]:
    """The entry to save for ``row`` (a new one, or the stored one with the edited
    figures) and whether its figures changed."""
    data = row.form.cleaned_data
    if row.entry is not None:
        entry = copy.copy(row.entry)  # the row keeps showing what is stored
    else:
        entry = ProgressEntry(target=row.target, unit=row.unit, period_end=None)
    before = tuple(
        getattr(row.entry, name) if row.entry else None
        for name in ("numerator", "denominator", "value", "note", "evidence_url")
    )
    ratio = row.target.measure == Target.Measure.RATIO
    entry.numerator = data.get("numerator") if ratio else None
    entry.denominator = data.get("denominator") if ratio else None
    entry.value = None if ratio else data.get("value")
    entry.note = data.get("note", "")
    entry.evidence_url = data.get("evidence_url", "")
    after = (entry.numerator, entry.denominator, entry.value, entry.note, entry.evidence_url)
    if ratio and row.entry is not None:
        # A ratio's value is derived: compare the parts only.
        before, after = before[:2] + before[3:], after[:2] + after[3:]
    return entry, before != after


def _add_errors(form, error):
    """Put a service's refusal on the row: by field where the field is on the row."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or gettext("Bạn không có quyền lưu số liệu này."))
        return
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for message in errors:
                text = " ".join(message.messages)
                form.add_error(name if name in form.fields else None, text)
    else:
        form.add_error(None, error.messages)


def save_sheet(user, rows: list[SheetRow], day, *, submit: bool, messages: list) -> int | None:
    """Check and save the sheet's rows: None when a row was refused (its errors are on
    its form, or in ``messages`` when they concern no single row; nothing stored), else
    the number of rows saved."""
    to_save = []
    valid = True
    for row in rows:
        if row.form is None:
            continue
        if not row.form.is_valid():
            valid = False
            continue
        if row.entry is None and row.form.is_blank():
            continue
        entry, changed = _row_entry(row)
        entry.period_end = day
        if changed:
            row.warnings = plausibility.warnings(
                row.target,
                numerator=entry.numerator,
                denominator=entry.denominator,
                value=entry.value,
                previous=row.previous,
            )
            refusal = plausibility.confirmation_error(row.warnings, entry.note)
            if refusal:
                row.form.add_error("note", refusal)
                valid = False
                continue
        if changed or (submit and row.entry is not None):
            version = row.form.cleaned_data.get("version")
            to_save.append((row.key, entry, version, changed))
    if not valid:
        return None
    errors = services.entries_save_sheet(rows=to_save, user=user, submit=submit)
    if errors:
        by_key = {row.key: row for row in rows}
        for key, error in errors.items():
            if key is None:  # the new rows together: someone stored one meanwhile
                messages.append(
                    gettext(
                        "Trong lúc bạn nhập, một đơn vị của bảng đã có số liệu cho kỳ này "
                        "do người khác lưu. Hãy mở lại bảng để xem rồi nhập lại."
                    )
                )
            else:
                _add_errors(by_key[key].form, error)
        return None
    return len(to_save)


def _sheet_context(user, request_data, today):
    plans = list(Plan.objects.order_by("start_date", "code"))
    units = list(scope.reportable_units(user).select_related("parent").order_by("level", "code"))
    # The user's own units first (the district before its communes).
    own = set(scope.member_units(user).values_list("pk", flat=True))
    units.sort(key=lambda u: (u.pk not in own, {"city": 0, "district": 1}.get(u.level, 2), u.code))
    targets = scope.reportable_targets(user).order_by("pillar__order", "order", "code")
    targets_by_plan: dict[int, list[Target]] = {}
    plan_by_id = {plan.pk: plan for plan in plans}
    for target in targets.select_related(None):
        target.plan = plan_by_id[target.plan_id]
        targets_by_plan.setdefault(target.plan_id, []).append(target)
    return SheetPicker(
        request_data, plans=plans, units=units, targets_by_plan=targets_by_plan, today=today
    )


def _due_dates(rows, day) -> list[str]:
    """When the sheet's reports are due: one date per frequency among its rows."""
    found = {}
    for row in rows:
        target = row.target
        found.setdefault(target.frequency, (target.get_frequency_display(), target))
    return [
        f"{date(deadlines.due_date(target, day))} ({label.lower()})"
        for label, target in found.values()
    ]


def _targets_below(picker) -> list[tuple[Target, str]]:
    """In the first layout: the targets that units below the chosen one report for the
    period, each with the query of its own sheet (second layout)."""
    unit, day = picker.unit, picker.period_end
    if picker.target is not None or unit is None or day is None:
        return []
    found = []
    for target in picker.targets_by_plan.get(picker.plan.pk, []):
        if (
            periods.is_period_end(day, target.frequency)
            and not unit.reports_at(target.reporting_units)
            and picker._reports(unit, target)
        ):
            query = urlencode(
                {
                    "plan": picker.plan.code,
                    "unit": unit.code,
                    "period_end": day.isoformat(),
                    "target": target.code,
                }
            )
            found.append((target, query))
    return found


def sheet_view(model_admin, request):
    """The period sheet: GET shows it, POST saves every row or none."""
    user = request.user
    if not user.has_perm("targets.add_progressentry"):
        raise PermissionDenied
    picker = _sheet_context(user, request.GET, timezone.localdate())
    posted = request.method == "POST"
    rows = build_sheet(user, picker, request.POST if posted else None)
    if posted:
        submit = "_submit" in request.POST
        refusals = []
        saved = save_sheet(user, rows, picker.period_end, submit=submit, messages=refusals)
        if saved is not None:
            done = (
                gettext("Đã lưu và gửi duyệt %(count)d dòng.")
                if submit
                else gettext("Đã lưu nháp %(count)d dòng.")
            )
            messages.success(request, done % {"count": saved})
            return HttpResponseRedirect(f"{request.path}?{picker.query()}")
        messages.error(
            request,
            gettext("Chưa lưu gì: hãy sửa các dòng có lỗi (ghi ngay tại dòng) rồi lưu lại."),
        )
        for text in refusals:
            messages.error(request, text)
    for text in picker.errors_shown:
        messages.warning(request, text)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": gettext("Bảng nhập số liệu theo kỳ"),
        "picker": picker,
        "chosen": SimpleNamespace(
            plan=picker.plan, unit=picker.unit, target=picker.target, period_end=picker.period_end
        ),
        "rows": rows,
        "editable": any(row.form is not None for row in rows),
        "by_unit": picker.target is not None,
        "due_dates": _due_dates(rows, picker.period_end),
        "below": _targets_below(picker),
        "query": picker.query(),
    }
    return TemplateResponse(request, "admin/targets/progressentry/sheet.html", context)
