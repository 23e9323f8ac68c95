"""Manager pages: dashboard, target table, target detail, unit scorecard, completeness.

Every page reads a plan and a date (``targets.forms.read_period``) and the manager's
scope (:func:`read_scope`), calls ``targets.progress`` for the figures and renders.
Table pages are django-tables2 + django-filter class views that export their rows.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from targets import deadlines
from targets.charts import line_chart, progress_bar
from targets.exports_tables import TableExportMixin
from targets.filters import CompletenessFilter, ScorecardFilter, TargetFilter, UnitFilter
from targets.forms import read_period
from targets.models import AdministrativeUnit, Plan, Target, user_is_plan_administrator
from targets.progress import (
    district_figures,
    figure_series,
    pillar_summaries,
    plan_figures,
    plan_overview,
    report_counts_by_district,
    unit_figures,
)
from targets.tables import (
    CompletenessTable,
    DistrictCountTable,
    DistrictRollupTable,
    LeagueTable,
    ScorecardTable,
    SeriesTable,
    TargetTable,
    TargetUnitTable,
    format_part,
    format_target,
    format_value,
)


@dataclass
class Scope:
    """What a manager sees: ``unit`` (the city, or the top unit of their memberships)
    and ``units``, every unit they may open (``AdministrativeUnit.for_scope``)."""

    unit: AdministrativeUnit
    units: QuerySet

    @property
    def whole_city(self) -> bool:
        return self.unit.kind == AdministrativeUnit.Kind.CITY

    @property
    def within(self) -> AdministrativeUnit | None:
        """The ``within`` argument of ``targets.progress`` (None: the whole city)."""
        return None if self.whole_city else self.unit

    def narrow(self, units: QuerySet) -> QuerySet:
        return units if self.whole_city else units.filter(pk__in=self.units)


def read_scope(user) -> Scope:
    """The :class:`Scope` of ``user``. A manager with memberships on several units sees
    roll-ups of the first (city, then districts, then by code) and may open any of them.
    Raises PermissionDenied for a user with no unit at all."""
    units = AdministrativeUnit.objects.for_scope(user)
    if user.is_superuser or user_is_plan_administrator(user):
        city = AdministrativeUnit.objects.filter(kind=AdministrativeUnit.Kind.CITY).first()
        if city is None:
            raise Http404(_("Chưa có đơn vị hành chính nào."))
        return Scope(unit=city, units=units)
    roots = AdministrativeUnit.objects.of_member(user)[:1]
    if not roots:
        raise PermissionDenied(_("Bạn chưa được phân quyền xem đơn vị nào."))
    return Scope(unit=roots[0], units=units)


def scoped_figures(targets, as_of, scope: Scope):
    """``plan_figures`` for the scope; outside the whole city, only the targets that
    units inside the scope report. Each figure's ``unit`` is the scope's unit."""
    return scoped(plan_figures(targets, as_of, within=scope.within), scope)


def scoped(figures, scope: Scope):
    """``figures`` of the units inside the scope, each with the scope's unit as its
    ``unit``; outside the whole city, only those of targets the scope's units report."""
    for figure in figures:
        figure.unit = scope.unit
    if scope.whole_city:
        return figures
    return [figure for figure in figures if figure.expected]


def scoped_districts(scope: Scope, as_of):
    return scope.narrow(
        AdministrativeUnit.objects.active_on(as_of).filter(level=AdministrativeUnit.Level.DISTRICT)
    )


@login_required
def dashboard(request):
    scope = read_scope(request.user)
    period = read_period(request.GET, Plan.objects.all())
    context = {"period": period, "scope": scope}
    if period.plan is not None:
        targets = Target.objects.filter(plan=period.plan)
        figures, league = plan_overview(
            targets, period.as_of, scoped_districts(scope, period.as_of), within=scope.within
        )
        figures = scoped(figures, scope)
        context |= {
            "summaries": [
                (summary, [progress_bar(f) for f in summary.figures])
                for summary in pillar_summaries(figures)
            ],
            "total": len(figures),
            "league_table": LeagueTable(league, period_query=period.query),
        }
    return render(request, "targets/target_dashboard.html", context)


class ManagerPageMixin:
    """Reads the scope and the period before the page runs; computes the table rows
    once per request (the page and its export share them)."""

    table_pagination = {"per_page": 25}

    def dispatch(self, request, *args, **kwargs):
        self.scope = read_scope(request.user)
        plans = list(Plan.objects.all())
        url_plan = None
        if "plan" in kwargs:
            url_plan = next((p for p in plans if p.code == kwargs["plan"]), None)
            if url_plan is None:
                raise Http404(_("Không có kế hoạch này."))
        self.period = read_period(request.GET, plans, plan=url_plan)
        if self.period.plan is None:
            raise Http404(_("Chưa có kế hoạch nào."))
        return super().dispatch(request, *args, **kwargs)

    def get_table_data(self):
        if not hasattr(self, "_rows"):
            self._rows = self.get_rows()
        return list(self._rows)

    def get_context_data(self, **kwargs):
        return super().get_context_data(period=self.period, scope=self.scope, **kwargs)


class TargetListView(
    LoginRequiredMixin, ManagerPageMixin, TableExportMixin, SingleTableMixin, FilterView
):
    table_class = TargetTable
    filterset_class = TargetFilter
    template_name = "targets/target_list.html"
    export_name = "chi-tieu"
    export_title = gettext_lazy("Bảng chỉ tiêu")

    def get_queryset(self):
        return Target.objects.filter(plan=self.period.plan).with_relations()

    def get_rows(self):
        figures = scoped_figures(self.object_list, self.period.as_of, self.scope)
        return self.filterset.narrow(figures)


class TargetDetailView(
    LoginRequiredMixin, ManagerPageMixin, TableExportMixin, SingleTableMixin, FilterView
):
    """A target: the scope's figure over time, its units, and those not reporting."""

    table_class = TargetUnitTable
    filterset_class = UnitFilter
    template_name = "targets/target_detail.html"

    def get_queryset(self):
        return self.scope.narrow(
            AdministrativeUnit.objects.active_on(self.period.as_of).at_reporting_level(
                self.target.reporting_units
            )
        )

    def get(self, request, *args, **kwargs):
        targets = Target.objects.filter(plan=self.period.plan, code=kwargs["code"])
        figures = scoped_figures(targets, self.period.as_of, self.scope)
        if not figures:  # no such target, or none of its units is in the manager's scope
            raise Http404(_("Không có chỉ tiêu này trong phạm vi của bạn."))
        self.figure = figures[0]
        self.target = self.figure.target
        self.export_name = f"chi-tieu-{self.target.code}"
        self.export_title = self.target.code
        return super().get(request, *args, **kwargs)

    def get_rows(self):
        self.all_rows = unit_figures([self.target], self.period.as_of, self.get_queryset())
        shown = set(self.object_list.values_list("pk", flat=True))
        return self.filterset.narrow([f for f in self.all_rows if f.unit.pk in shown])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_of, target = self.period.as_of, self.target
        series = figure_series(target, as_of, within=self.scope.within)
        districts = []
        if target.reporting_units == Target.ReportingUnits.COMMUNES:
            for district, figure in district_figures(
                target, as_of, scoped_districts(self.scope, as_of)
            ):
                figure.unit = district
                districts.append(figure)
        return context | {
            "target": target,
            "figure": self.figure,
            "figure_text": format_value(target, self.figure.value),
            "parts_text": (
                f"{format_part(self.figure.numerator)}/{format_part(self.figure.denominator)}"
                if self.figure.numerator is not None
                else ""
            ),
            "target_text": format_target(target),
            "chart": line_chart(target, series, as_of),
            "series_table": SeriesTable(series),
            "district_table": DistrictRollupTable(districts) if districts else None,
            "missing": [f for f in self.all_rows if not f.reported],
        }


class UnitScorecardView(
    LoginRequiredMixin, ManagerPageMixin, TableExportMixin, SingleTableMixin, FilterView
):
    """A unit's figure for every target that applies to it; for a district, then each
    of its communes. A unit outside the manager's scope is a 404."""

    table_class = ScorecardTable
    filterset_class = ScorecardFilter
    template_name = "targets/administrativeunit_scorecard.html"

    def get(self, request, *args, **kwargs):
        self.unit = get_object_or_404(
            self.scope.units.select_related("parent"), code=kwargs["code"]
        )
        self.export_name = f"don-vi-{self.unit.code}"
        self.export_title = self.unit.display_name
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Target.objects.filter(plan=self.period.plan).with_relations()

    def get_rows(self):
        as_of, unit = self.period.as_of, self.unit
        scope = Scope(unit=unit, units=self.scope.units)
        rows = scoped_figures(self.object_list, as_of, scope)
        if unit.level == AdministrativeUnit.Level.DISTRICT:
            communes = AdministrativeUnit.objects.active_on(as_of).filter(
                parent=unit, level=AdministrativeUnit.Level.COMMUNE
            )
            commune_targets = [
                f.target for f in rows if f.target.reporting_units == Target.ReportingUnits.COMMUNES
            ]
            rows += unit_figures(commune_targets, as_of, communes)
        return self.filterset.narrow(rows)

    def get_context_data(self, **kwargs):
        return super().get_context_data(unit=self.unit, **kwargs)


class CompletenessView(
    LoginRequiredMixin, ManagerPageMixin, TableExportMixin, SingleTableMixin, FilterView
):
    """For the latest period of each target before the date: who has not reported."""

    table_class = CompletenessTable
    filterset_class = CompletenessFilter
    template_name = "targets/progressentry_completeness.html"
    export_name = "chua-bao-cao"
    export_title = gettext_lazy("Đơn vị chưa báo cáo")

    def get_queryset(self):
        return self.scope.narrow(AdministrativeUnit.objects.active_on(self.period.as_of))

    def get_rows(self):
        targets = Target.objects.filter(plan=self.period.plan).with_relations()
        figures = unit_figures(targets, self.period.as_of, self.object_list)
        figures = self.filterset.narrow([f for f in figures if f.is_due])
        self.counts = report_counts_by_district(figures, _("Cấp thành phố"))
        self.object_list_rows = [f for f in figures if not f.reported]
        return self.object_list_rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        overdue = deadlines.overdue_figures(self.object_list_rows, self.period.as_of)
        return context | {"count_table": DistrictCountTable(self.counts), "overdue": overdue}
