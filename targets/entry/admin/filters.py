"""The entry list's sidebar filters, limited to what the user may see and to the
current plan unless another plan is chosen (issue 16).

The plan is the one chosen in the plan filter (``target__plan__id__exact``), else the
plan running today (``targets.pages.forms.default_plan``). The plans are read once per request.
"""

from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from targets.domain import periods, scope
from targets.domain.formatting import ParseError, date, parse_date, parse_id
from targets.domain.models import AdministrativeUnit, Plan, Target
from targets.domain.plans import default_plan

PLAN_PARAMETER = "target__plan__id__exact"


def all_plans(request) -> list[Plan]:
    """Every plan, newest first (read once per request)."""
    if not hasattr(request, "_entry_filter_plans"):
        request._entry_filter_plans = list(Plan.objects.all())
    return request._entry_filter_plans


def chosen_plan(request):
    """The plan the entry list's filters are about (cached on the request)."""
    if not hasattr(request, "_entry_filter_plan"):
        plans = all_plans(request)
        raw = request.GET.get(PLAN_PARAMETER, "")
        chosen = next((p for p in plans if str(p.pk) == raw), None)
        request._entry_filter_plan = chosen or default_plan(plans, timezone.localdate())
    return request._entry_filter_plan


class PlanFilter(admin.RelatedFieldListFilter):
    """Django's filter on the target's plan, its choices from the plans the other
    filters read (one query fewer)."""

    def field_choices(self, field, request, model_admin):
        return [(plan.pk, str(plan)) for plan in all_plans(request)]


class ScopedTargetFilter(admin.SimpleListFilter):
    """Targets of the plan that the user reports or reviews."""

    title = _("chỉ tiêu")
    parameter_name = "target__id__exact"

    def lookups(self, request, model_admin):
        plan = chosen_plan(request)
        if plan is None:
            return []
        # The units of the reporter and reviewer scopes, as the entry list read them.
        user = request.user
        units = None
        if not scope.sees_everything(user):
            units = [u for u in scope.admin_scope_units(user) if u.as_reporter or u.as_reviewer]
        roles = [scope.REPORTER, scope.REVIEWER]
        targets = scope.visible_targets(user, roles, units=units).filter(plan=plan)
        ordered = targets.order_by("pillar__order", "order", "code")
        return [(t.pk, f"{t.code} · {t.display_name}") for t in ordered]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        target_id = parse_id(self.value())
        return queryset.none() if target_id is None else queryset.filter(target=target_id)


class ScopedDistrictFilter(admin.SimpleListFilter):
    """Districts of the user's scope (a commune's district when its scope is a commune)."""

    title = _("quận, huyện")
    parameter_name = "district"

    def lookups(self, request, model_admin):
        user = request.user
        districts = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.DISTRICT)
        if not scope.sees_everything(user):
            units = scope.visible_units(user)
            districts = districts.filter(
                models.Q(pk__in=units.values("pk")) | models.Q(children__in=units)
            ).distinct()
        return [(unit.code, unit.display_name) for unit in districts.order_by("code")]

    def queryset(self, request, queryset):
        if self.value():
            # The district and its communes as ids: the entries are then read through
            # their unit index (matching the joined codes read every entry; issue 19).
            units = AdministrativeUnit.objects.filter(
                models.Q(code=self.value()) | models.Q(parent__code=self.value())
            )
            return queryset.filter(unit__in=list(units.values_list("pk", flat=True)))
        return queryset


class PlanPeriodFilter(admin.SimpleListFilter):
    """Month ends of the chosen (or current) plan, newest first."""

    title = _("kỳ báo cáo (ngày cuối kỳ)")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        plan = chosen_plan(request)
        if plan is None:
            return []
        days = periods.period_ends(Target.Frequency.MONTHLY, plan.start_date, plan.end_date)
        return [(day.isoformat(), date(day)) for day in reversed(days)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            day = parse_date(self.value())
        except ParseError as error:  # ?period=garbage or 2022-02-30: say so, list nothing
            messages.warning(request, str(error))
            return queryset.none()
        return queryset.filter(period_end=day)
