"""The plan and the date every manager page is about (``?plan=<code>&as_of=<date>``),
and the forms of the manager pages."""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from targets.domain.fields import DateInputField
from targets.domain.formatting import date as date_text
from targets.domain.plans import default_plan


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
    notices: list[str] = field(default_factory=list)

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
    notices = []
    switched = data.get("shown_plan") and plan is not None and data.get("shown_plan") != plan.code
    if switched and not (plan.start_date <= as_of <= plan.end_date):
        # Another plan was chosen with the old plan's date: the date moves into the new
        # plan's time (its end, or its start), and the page says so.
        as_of = min(max(as_of, plan.start_date), plan.end_date)
        notices.append(
            _("Ngày đang xem được đưa về trong thời gian của kế hoạch đã chọn: %(day)s.")
            % {"day": date_text(as_of)}
        )
    shown = PeriodForm({"plan": plan.code if plan else "", "as_of": as_of.isoformat()}, plans=plans)
    shown.is_valid()
    return Period(plan=plan, as_of=as_of, form=shown, errors=errors, notices=notices)
