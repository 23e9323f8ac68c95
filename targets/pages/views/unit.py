"""A unit's figure for every target that applies to it; for a district, then each of its
communes and their league. A unit outside the manager's scope is a 404."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from targets.domain.models import AdministrativeUnit, Target
from targets.pages.builders.unit import unit_page
from targets.pages.charts import line_charts
from targets.pages.filters import ScorecardFilter
from targets.pages.scorecard_tables import ScorecardGridTable
from targets.pages.source_columns import SourceColumn
from targets.pages.tables import ScorecardTable, SeriesTable
from targets.pages.views.common import ManagerPageMixin


class UnitScorecardView(LoginRequiredMixin, ManagerPageMixin, SingleTableMixin, FilterView):
    table_class = ScorecardTable
    filterset_class = ScorecardFilter
    template_name = "targets/administrativeunit_scorecard.html"

    def resolve(self, code, **kwargs):
        self.unit = get_object_or_404(self.scope.units.select_related("parent"), code=code)
        self.export_name = f"don-vi-{self.unit.code}"
        self.export_title = self.unit.display_name

    def get_queryset(self):
        return Target.objects.filter(plan=self.period.plan).with_relations()

    def get_table_kwargs(self):
        return {"extra_columns": [("source", SourceColumn())]}

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        if self.unit.level != AdministrativeUnit.Level.DISTRICT:
            # Every row is this unit's: its code and name, in the heading, are not
            # repeated on each row (the downloads keep them).
            table.columns.hide("unit_code")
            table.columns.hide("unit_name")
        return table

    def build(self):
        return unit_page(
            self.period.plan, self.period.as_of, self.scope, self.unit, params=self.request.GET
        )

    def rows(self):
        return self.built.rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(unit=self.unit, **kwargs)
        page, as_of = self.built, self.period.as_of
        if page.league is not None:
            table = ScorecardGridTable(page.league, period_query=self.period.query, prefix="grid-")
            RequestConfig(self.request, paginate=False).configure(table)
            context["scorecard"], context["scorecard_table"] = page.league, table
        if page.trend is not None:
            context |= {
                "trend": page.trend,
                "trend_targets": page.targets,
                "charts": line_charts(page.trend, page.series, as_of),
                "series_table": SeriesTable(page.series),
            }
        return context | {"report_query": f"{self.period.query}&unit={self.unit.code}"}
