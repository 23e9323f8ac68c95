"""A target: the scope's figure over time, its units, and those not reporting."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from targets.domain.formatting import format_target, format_value, number
from targets.domain.models import Target
from targets.domain.progress import applies
from targets.pages.builders.detail import target_detail, unit_filter
from targets.pages.charts import line_charts
from targets.pages.filters import UnitFilter
from targets.pages.marks import marks_html
from targets.pages.source_columns import SourceColumn, source_html
from targets.pages.tables import DistrictRollupTable, SeriesTable, TargetUnitTable
from targets.pages.views.common import ManagerPageMixin


class TargetDetailView(LoginRequiredMixin, ManagerPageMixin, SingleTableMixin, FilterView):
    table_class = TargetUnitTable
    filterset_class = UnitFilter
    template_name = "targets/target_detail.html"

    def resolve(self, code, **kwargs):
        """The target, if a unit of the manager's scope reports it; else 404."""
        self.target = (
            Target.objects.filter(plan=self.period.plan, code=code).with_relations().first()
        )
        if self.target is None or not applies(self.target, self.period.as_of, self.scope):
            raise Http404(_("Không có chỉ tiêu này trong phạm vi của bạn."))
        self.export_name = f"chi-tieu-{self.target.code}"
        self.export_title = self.target.code

    def get_filterset(self, filterset_class):
        return unit_filter(self.target, self.period.as_of, self.scope, self.request.GET)

    def get_table_kwargs(self):
        return {"extra_columns": [("source", SourceColumn())]}

    def build(self):
        return target_detail(
            self.period.plan, self.period.as_of, self.scope, self.target, params=self.request.GET
        )

    def rows(self):
        return self.built.rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        detail, target, as_of = self.built, self.target, self.period.as_of
        figure = detail.figure
        return context | {
            "target": target,
            "figure": figure,
            "figure_marks": marks_html(figure.freshness),
            "figure_source": source_html(detail.source),
            "charts": line_charts(target, detail.series, as_of),
            "report_query": self.period.query,
            "figure_text": format_value(target, figure.value),
            "parts_text": (
                f"{number(figure.numerator)}/{number(figure.denominator)}"
                if figure.numerator is not None
                else ""
            ),
            "target_text": format_target(target),
            "series_table": SeriesTable(detail.series),
            "district_table": DistrictRollupTable(detail.branches) if detail.branches else None,
            "districts_not_applicable": [unit.display_name for unit in detail.not_applicable],
            "missing": detail.missing,
        }
