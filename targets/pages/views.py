"""Manager pages: dashboard, target table, target detail, unit scorecard, completeness.

Every page reads a plan and a date (``targets.pages.forms.read_period``) and the manager's
scope (``targets.domain.scope.read_scope``), calls ``targets.domain.progress`` for the figures (which
calls ``targets.domain.rollup``) and renders.
Table pages are django-tables2 + django-filter class views that export their rows.
"""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from targets.domain import deadlines
from targets.domain.completeness import (
    EntryState,
    report_figures,
    state_counts_by_district,
)
from targets.domain.formatting import format_target, format_value, number
from targets.domain.freshness import (
    Freshness,
    attach,
    previous_overview,
    previous_plan_figures,
    previous_unit_figures,
    unit_key,
)
from targets.domain.models import AdministrativeUnit, Plan, Target
from targets.domain.progress import (
    district_figures,
    figure_series,
    pillar_summaries,
    plan_overview,
    scoped,
    scoped_figures,
    unit_figures,
)
from targets.domain.scope import Scope, read_scope
from targets.domain.sources import attach_sources, entry_sources
from targets.pages import cache as page_cache
from targets.pages.charts import BAR_LEGEND, LOWER_IS_BETTER_LEGEND, line_charts, progress_bar
from targets.pages.exports import TableExportMixin
from targets.pages.filters import (
    CompletenessFilter,
    ScorecardFilter,
    TargetFilter,
    UnitFilter,
    UnitsFilterBase,
)
from targets.pages.forms import read_period
from targets.pages.landing import landing_period
from targets.pages.marks import marks_html
from targets.pages.scorecard import commune_scorecard, district_scorecard, previous_commune_figures
from targets.pages.scorecard_tables import ScorecardGridTable
from targets.pages.source_columns import SourceColumn, source_html
from targets.pages.tables import (
    CompletenessTable,
    DistrictCountTable,
    DistrictRollupTable,
    ScorecardTable,
    SeriesTable,
    TargetTable,
    TargetUnitTable,
)
from targets.pages.trend import trend_target


def scoped_districts(scope: Scope, as_of):
    return scope.narrow(
        AdministrativeUnit.objects.active_on(as_of).filter(level=AdministrativeUnit.Level.DISTRICT)
    )


@login_required
def dashboard(request):
    page_cache.begin(request)
    scope = read_scope(request.user)
    period, landing = landing_period(request.GET, Plan.objects.all())
    context = {"period": period, "scope": scope, "landing": landing}
    context["content"] = page_cache.content(
        request,
        scope,
        lambda: render_to_string(
            "targets/target_dashboard_content.html",
            context | dashboard_context(request, period, scope),
            request,
        ),
    )
    return render(request, "targets/target_dashboard.html", context)


def dashboard_context(request, period, scope) -> dict:
    """The dashboard's figures: pillar summaries, a bar per target, the districts' grid."""
    if period.plan is None:
        return {}
    targets = Target.objects.filter(plan=period.plan)
    districts = scoped_districts(scope, period.as_of)
    figures, league = plan_overview(targets, period.as_of, districts, within=scope.within)
    figures = scoped(figures, scope)
    previous, previous_districts = previous_overview(
        figures, period.as_of, districts, within=scope.within
    )
    attach(figures, previous, key=lambda f: f.target.pk)
    scorecard = district_scorecard(league, previous_districts)
    table = ScorecardGridTable(scorecard, period_query=period.query, prefix="grid-")
    RequestConfig(request, paginate=False).configure(table)
    return {
        "summaries": [
            (summary, [progress_bar(f) for f in summary.figures])
            for summary in pillar_summaries(figures)
        ],
        "total": len(figures),
        "has_figures": any(f.value is not None for f in figures),
        "scorecard": scorecard,
        "scorecard_table": table,
        "bar_legend": BAR_LEGEND,
        "lower_is_better_legend": LOWER_IS_BETTER_LEGEND,
    }


class PageSizePaginator(Paginator):
    """django-tables2 passes ``?per_page=`` on as it comes: a page size below 1 (``-1``)
    made the paginator fail (a server error), a huge one would render every row. Kept
    within 1 – :data:`MAX_PER_PAGE`."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, min(max(int(per_page), 1), MAX_PER_PAGE), *args, **kwargs)


MAX_PER_PAGE = 200


class ManagerPageMixin:
    """Reads the scope and the period before the page runs; computes the table rows
    once per request (the page and its export share them).

    The page is ``template_name`` (the frame, with the person's name and forms) around
    ``content_template_name`` (the figures), which ``targets.pages.cache`` keeps for
    everyone asking the same question of the same data, and so are its downloads."""

    table_pagination = {"per_page": 25, "paginator_class": PageSizePaginator}
    content_template_name = None
    # Whether the content may be kept: only when everything it shows changes the data
    # version (approved figures, plans, targets, units, memberships).
    keep_content = True

    def get(self, request, *args, **kwargs):
        def render():  # the content, or the download: django-tables2's and django-filter's
            return super(ManagerPageMixin, self).get(request, *args, **kwargs)

        if self.export_class.is_valid_format(request.GET.get(self.export_trigger_param)):
            if not self.keep_content:
                return render()

            def download():
                response = render()
                return response.content, response["Content-Type"], response["Content-Disposition"]

            body, content_type, disposition = page_cache.kept(request, self.scope, download)
            return HttpResponse(
                body, content_type=content_type, headers={"Content-Disposition": disposition}
            )

        # The page (an unknown ``_export`` format too, as django-tables2 does).
        def render_content():
            return render().rendered_content

        content = (
            page_cache.content(request, self.scope, render_content)
            if self.keep_content
            else render_content()
        )
        return TemplateResponse(
            request, self.template_name, self.get_frame_data() | {"content": content}
        )

    def get_template_names(self):
        return [self.content_template_name]

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if issubclass(filterset_class, UnitsFilterBase):
            kwargs["units"] = self.scope.units  # the scope the page is kept under
        return kwargs

    def get_frame_data(self) -> dict:
        """The frame's context (the content's is :meth:`get_context_data`)."""
        return {"period": self.period, "scope": self.scope}

    def dispatch(self, request, *args, **kwargs):
        if self.keep_content:
            page_cache.begin(request)
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
    content_template_name = "targets/target_list_content.html"
    export_name = "chi-tieu"
    export_title = gettext_lazy("Bảng chỉ tiêu")

    def get_queryset(self):
        return Target.objects.filter(plan=self.period.plan).with_relations()

    def get_rows(self):
        figures = scoped_figures(self.object_list, self.period.as_of, self.scope)
        previous = previous_plan_figures(
            [f.target for f in figures], self.period.as_of, within=self.scope.within
        )
        attach(figures, previous, key=lambda f: f.target.pk)
        return self.filterset.narrow(figures)


class TargetDetailView(
    LoginRequiredMixin, ManagerPageMixin, TableExportMixin, SingleTableMixin, FilterView
):
    """A target: the scope's figure over time, its units, and those not reporting."""

    table_class = TargetUnitTable
    filterset_class = UnitFilter
    template_name = "targets/target_detail.html"
    content_template_name = "targets/target_detail_content.html"

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

    def get_table_kwargs(self):
        return {"extra_columns": [("source", SourceColumn())]}

    def get_frame_data(self):
        return super().get_frame_data() | {"target": self.target}

    def get_rows(self):
        as_of, units = self.period.as_of, self.get_queryset()
        self.all_rows = unit_figures([self.target], as_of, units)
        shown = set(self.object_list.values_list("pk", flat=True))
        rows = [f for f in self.all_rows if f.unit.pk in shown]
        attach_sources(rows, entry_sources([self.target], units, as_of))
        attach(rows, previous_unit_figures([self.target], as_of, units), key=unit_key)
        return self.filterset.narrow(rows)

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
        # A district without communes has no commune figure: not applicable, not shown.
        not_applicable = [f.unit.display_name for f in districts if not f.expected]
        districts = [f for f in districts if f.expected]
        self.figure.freshness = Freshness(self.figure, series[-2] if len(series) > 1 else None)
        # The source of a figure one unit reports (the city's published results).
        city_rows = [f for f in self.all_rows if f.unit.level == AdministrativeUnit.Level.CITY]
        return context | {
            "target": target,
            "figure": self.figure,
            "figure_marks": marks_html(self.figure.freshness),
            "figure_source": source_html(getattr(city_rows[0], "source", None))
            if len(city_rows) == 1
            else "",
            "charts": line_charts(target, series, as_of),
            "report_query": self.period.query,
            "figure_text": format_value(target, self.figure.value),
            "parts_text": (
                f"{number(self.figure.numerator)}/{number(self.figure.denominator)}"
                if self.figure.numerator is not None
                else ""
            ),
            "target_text": format_target(target),
            "series_table": SeriesTable(series),
            "district_table": DistrictRollupTable(districts) if districts else None,
            "districts_not_applicable": not_applicable,
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
    content_template_name = "targets/administrativeunit_scorecard_content.html"

    def get(self, request, *args, **kwargs):
        self.unit = get_object_or_404(
            self.scope.units.select_related("parent"), code=kwargs["code"]
        )
        self.export_name = f"don-vi-{self.unit.code}"
        self.export_title = self.unit.display_name
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Target.objects.filter(plan=self.period.plan).with_relations()

    def get_table_kwargs(self):
        return {"extra_columns": [("source", SourceColumn())]}

    def get_frame_data(self):
        return super().get_frame_data() | {"unit": self.unit}

    def get_rows(self):
        as_of, unit = self.period.as_of, self.unit
        scope = Scope(unit=unit, units=self.scope.units)
        rows = scoped_figures(self.object_list, as_of, scope)
        self.own_targets = [f.target for f in rows]
        previous = previous_plan_figures(self.own_targets, as_of, within=scope.within)
        attach(rows, previous, key=lambda f: f.target.pk)
        self.communes = self.commune_rows = None
        units = [unit]
        if unit.level == AdministrativeUnit.Level.DISTRICT:
            self.communes = AdministrativeUnit.objects.active_on(as_of).filter(
                parent=unit, level=AdministrativeUnit.Level.COMMUNE
            )
            commune_targets = [
                f.target for f in rows if f.target.reporting_units == Target.ReportingUnits.COMMUNES
            ]
            self.commune_rows = unit_figures(commune_targets, as_of, self.communes)
            previous = previous_commune_figures(commune_targets, as_of, self.communes)
            attach(self.commune_rows, previous, key=unit_key)
            rows += self.commune_rows
            units += list(self.communes)
        # The unit's own entries and its communes' (a roll-up has no single source).
        attach_sources(rows, entry_sources(self.own_targets, units, as_of))
        return self.filterset.narrow(rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(unit=self.unit, **kwargs)
        as_of = self.period.as_of
        if self.commune_rows is not None:
            previous = {(f.target.pk, f.unit.pk): f.freshness.previous for f in self.commune_rows}
            grid = commune_scorecard(self.commune_rows, previous, list(self.communes))
            table = ScorecardGridTable(grid, period_query=self.period.query, prefix="grid-")
            RequestConfig(self.request, paginate=False).configure(table)
            context["scorecard"], context["scorecard_table"] = grid, table
        trend = trend_target(self.own_targets, self.request.GET.get("trend"))
        if trend is not None:
            series = figure_series(trend, as_of, within=self.unit)
            context |= {
                "trend": trend,
                "trend_targets": self.own_targets,
                "charts": line_charts(trend, series, as_of),
                "series_table": SeriesTable(series),
            }
        return context | {"report_query": f"{self.period.query}&unit={self.unit.code}"}


class CompletenessView(
    LoginRequiredMixin, ManagerPageMixin, TableExportMixin, SingleTableMixin, FilterView
):
    """For the latest period of each target before the date: who has not reported.

    Never kept (``keep_content``): it shows drafts, submissions and returns, which leave
    the data version alone."""

    keep_content = False
    table_class = CompletenessTable
    filterset_class = CompletenessFilter
    template_name = "targets/progressentry_completeness.html"
    content_template_name = "targets/progressentry_completeness_content.html"
    export_name = "chua-bao-cao"
    export_title = gettext_lazy("Đơn vị chưa báo cáo")

    def get_queryset(self):
        return self.scope.narrow(AdministrativeUnit.objects.active_on(self.period.as_of))

    def get_rows(self):
        as_of = self.period.as_of
        targets = list(Target.objects.filter(plan=self.period.plan).with_relations())
        figures = report_figures(targets, as_of, self.object_list)
        figures = self.filterset.narrow(figures)
        self.counts = state_counts_by_district(figures, _("Cấp thành phố"))
        self.not_approved = [f for f in figures if f.state != EntryState.APPROVED]
        return self.not_approved

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {
            "count_table": DistrictCountTable(self.counts),
            "overdue": deadlines.overdue_figures(self.not_approved, self.period.as_of),
            **{
                f"due_{frequency}": deadlines.due_days(self.period.plan, frequency)
                for frequency in Target.Frequency.values
            },
        }
