"""The plan and the date every manager page is about (``?plan=<code>&as_of=<date>``)."""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# ISO first (what <input type="date"> sends), then the Vietnamese way of writing a date.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# Dates outside this range are surely typing mistakes (and would send period
# arithmetic before year 1).
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)


def default_plan(plans, as_of: datetime.date):
    """The plan a date is about: among the plans running on ``as_of``, the one ending
    first (the 2022 plan for a day in 2022, not the 2022–2025 one); else the plan that
    ended last before ``as_of``; else the first plan to start. None when there is none."""
    plans = list(plans)
    running = [p for p in plans if p.start_date <= as_of <= p.end_date]
    if running:
        return min(running, key=lambda p: (p.end_date, p.code))
    ended = [p for p in plans if p.end_date < as_of]
    if ended:
        return max(ended, key=lambda p: (p.end_date, p.start_date, p.code))
    return min(plans, key=lambda p: (p.start_date, p.code), default=None)


class PeriodForm(forms.Form):
    plan = forms.ChoiceField(label=_("Kế hoạch"), required=False)
    as_of = forms.DateField(
        label=_("Tính đến ngày"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": _("Ngày không hợp lệ: hãy nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2022.")
        },
    )

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = {plan.code: plan for plan in plans}
        self.fields["plan"].choices = [(p.code, p.display_name) for p in plans]
        self.fields["plan"].error_messages["invalid_choice"] = _(
            "Không có kế hoạch mã “%(value)s”; đang hiển thị kế hoạch mặc định."
        )

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of is not None and not (EARLIEST <= as_of <= LATEST):
            raise forms.ValidationError(
                _("Ngày phải nằm trong khoảng %(start)s – %(end)s."),
                params={
                    "start": date_format(EARLIEST, "SHORT_DATE_FORMAT"),
                    "end": date_format(LATEST, "SHORT_DATE_FORMAT"),
                },
            )
        return as_of


@dataclass
class Period:
    """The plan and date a page shows, the form that chose them, and what was wrong
    with the request (shown on the page; the defaults are used instead)."""

    plan: object
    as_of: datetime.date
    form: PeriodForm
    errors: list[str] = field(default_factory=list)

    @property
    def query(self) -> str:
        """``plan=…&as_of=…`` to carry the period from page to page."""
        return f"plan={self.plan.code}&as_of={self.as_of.isoformat()}" if self.plan else ""


def read_period(data, plans, *, plan=None) -> Period:
    """The :class:`Period` asked for by ``data`` (request.GET). Missing or invalid values
    fall back to today (in Asia/Ho_Chi_Minh) and the plan that date is about; ``plan``,
    when given (a plan in the URL), wins over ``?plan=``."""
    plans = list(plans)
    asked = PeriodForm(data, plans=plans)
    asked.is_valid()
    errors = [str(error) for errors in asked.errors.values() for error in errors]
    as_of = asked.cleaned_data.get("as_of") or timezone.localdate()
    if plan is None:
        plan = asked.plans.get(asked.cleaned_data.get("plan")) or default_plan(plans, as_of)
    shown = PeriodForm({"plan": plan.code if plan else "", "as_of": as_of.isoformat()}, plans=plans)
    shown.is_valid()
    return Period(plan=plan, as_of=as_of, form=shown, errors=errors)
