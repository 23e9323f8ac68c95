"""The entry admin's part of the reporting round (issue 16): the sheet and the queue
under the entries' admin URL, figures as people read them, the add form pre-filled from
the query string, period ends without the "today" shortcut, and the target and previous
figure above the review buttons. ``ProgressEntryAdmin`` takes ``ReportingRoundAdminMixin``.
"""

import re

from django import forms
from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from targets.domain.formatting import ParseError, format_value, parse_date, parse_id
from targets.domain.formatting import number as format_part
from targets.domain.models import AdministrativeUnit, ProgressEntry, Target
from targets.entry.review import PREVIOUS_FIELDS, QueueRow, review_view
from targets.entry.sheet import sheet_view

CODE = re.compile(r"[\w.-]{1,50}")


def _initial_from_codes(request) -> dict:
    """The add form's initial target, unit and period end from ``?target=<code or id>
    &unit=<code or id>&period_end=<date>`` (what the sheet and the completeness page
    link with); anything not found is left empty."""
    # Codes, ids and plan slugs only: anything else (a NUL byte, a long string) is ignored.
    get = {
        key: value
        for key in ("target", "unit", "period_end", "plan")
        if CODE.fullmatch(value := request.GET.get(key, ""))
    }
    initial = {}
    day = None
    try:
        day = parse_date(get.get("period_end", ""))
    except ParseError:
        day = None
    if day is not None:
        initial["period_end"] = day
    unit_raw = get.get("unit", "")
    if unit_raw:
        unit = AdministrativeUnit.objects.filter(code=unit_raw).first()
        if unit is None and parse_id(unit_raw) is not None:
            unit = AdministrativeUnit.objects.filter(pk=parse_id(unit_raw)).first()
        if unit is not None:
            initial["unit"] = unit.pk
    target_raw = get.get("target", "")
    if target_raw:
        found = Target.objects.filter(code=target_raw)
        if get.get("plan"):
            found = found.filter(plan__code=get.get("plan"))
        if day is not None:
            found = found.filter(plan__start_date__lte=day, plan__end_date__gte=day)
        target = found.order_by("plan__end_date").first()
        if target is None and parse_id(target_raw) is not None:
            target = Target.objects.filter(pk=parse_id(target_raw)).first()
        if target is not None:
            initial["target"] = target.pk
    return initial


class ReportingRoundAdminMixin:
    """The sheet and the queue under the entries' admin URL, and the entry pages' polish:
    figures as people read them, the add form pre-filled from the query string, period
    ends without the "today" shortcut, the target and previous figure above the review
    buttons."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("sheet/", wrap(self.sheet_view), name="targets_progressentry_sheet"),
            path("review/", wrap(self.review_view), name="targets_progressentry_review"),
            *super().get_urls(),
        ]

    def sheet_view(self, request):
        return sheet_view(self, request)

    def review_view(self, request):
        return review_view(self, request)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # Only what was found: never the raw text of the address.
        for name in ("target", "unit", "period_end"):
            initial.pop(name, None)
        initial.update(_initial_from_codes(request))
        return initial

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "period_end":
            # A period end is the last day of a period, never "today": a plain date box
            # without the admin's "Hôm nay" shortcut and calendar.
            kwargs["widget"] = forms.DateInput(
                attrs={"placeholder": "dd/mm/yyyy", "size": 10, "class": "period-end"}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("giá trị"), ordering="value")
    def value_display(self, obj):
        return format_value(obj.target, obj.value)

    @admin.display(description=_("tử số"), ordering="numerator")
    def numerator_display(self, obj):
        return format_part(obj.numerator)

    @admin.display(description=_("mẫu số"), ordering="denominator")
    def denominator_display(self, obj):
        return format_part(obj.denominator)

    # Read-only figures (an approved entry, a reviewer's view) as people read them.
    READABLE = {
        "numerator": "numerator_display",
        "denominator": "denominator_display",
        "value": "value_display",
    }

    def _read_only(self, request, obj) -> bool:
        return obj is not None and not self.has_change_permission(request, obj)

    def readable_fieldsets(self, request, obj, fieldsets):
        """``fieldsets`` with the figures as people read them when ``obj`` is read-only
        (``ProgressEntryAdmin.get_fieldsets`` ends with this)."""
        if not self._read_only(request, obj):
            return fieldsets
        return [
            (title, {**options, "fields": [self.READABLE.get(f, f) for f in options["fields"]]})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._read_only(request, obj):
            fields += list(self.READABLE.values())
        return fields

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_use_sheet": request.user.has_perm("targets.add_progressentry"),
            "may_review": request.user.has_perm("targets.review_progressentry"),
        }
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            previous = (
                ProgressEntry.objects.filter(pk=obj.pk)
                .with_previous_approved()
                .values(*(f"previous_{name}" for name in PREVIOUS_FIELDS))
                .first()
            ) or {}
            for name in PREVIOUS_FIELDS:
                setattr(obj, f"previous_{name}", previous.get(f"previous_{name}"))
            row = QueueRow(obj, frozenset())
            context["entry_summary"] = {
                "target": obj.target,
                "figure": row.figure,
                "parts": row.parts,
                "previous": row.previous_text,
                "previous_period": row.previous_period,
                "change": row.change,
                "warnings": row.warnings,
                "late": row.late,
                "due": row.due,
            }
        return super().render_change_form(request, context, add, change, form_url, obj)
