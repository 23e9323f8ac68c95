"""The plan and the date every manager page is about (``?plan=<code>&as_of=<date>``),
and the form fields that read typed numbers and dates with ``targets.formatting``."""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from targets.formatting import ParseError, parse_date, parse_number


class NumberField(forms.DecimalField):
    """A decimal typed in a form, read by ``targets.formatting.parse_number``: the same
    grammar as the import (``1.234,5``; no exponent, underscore, NaN or Infinity)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(value)
        except ParseError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class DateInputField(forms.DateField):
    """A date typed in a form or a URL, read by ``targets.formatting.parse_date``
    (``31/12/2022`` or ``2022-12-31``, inside the sane range)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_date(value)
        except ParseError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class PageFormRenderer(DjangoTemplates):
    """The renderer of the manager pages' filter forms (the plan and date, the page's
    filters): Django's, with a field template that renders a field's errors only when
    it has some (Django's renders an empty error list through two templates)."""

    field_template_name = "targets/forms/field.html"


class PageForm(forms.Form):
    """Base of the forms on the manager pages (also the forms of their FilterSets)."""

    default_renderer = PageFormRenderer()


class Select(forms.Select):
    """Django's select, written by one template: Django's includes a template (and
    its attributes' template) for each option."""

    template_name = "targets/forms/select.html"


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


class PeriodForm(PageForm):
    plan = forms.ChoiceField(label=_("Kế hoạch"), required=False, widget=Select)
    as_of = DateInputField(
        label=_("Tính đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = {plan.code: plan for plan in plans}
        self.fields["plan"].choices = [(p.code, p.display_name) for p in plans]
        self.fields["plan"].error_messages["invalid_choice"] = _(
            "Không có kế hoạch mã “%(value)s”; đang hiển thị kế hoạch mặc định."
        )


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
