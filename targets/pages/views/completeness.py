"""For the current period of each target: who has not reported, and where each report
stands. Never kept: it shows drafts, submissions and returns."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from targets.domain import deadlines
from targets.domain.models import Target
from targets.pages.builders.completeness import completeness, completeness_filter
from targets.pages.filters import CompletenessFilter
from targets.pages.tables import CompletenessTable, DistrictCountTable
from targets.pages.views.common import ManagerPageMixin


class CompletenessView(LoginRequiredMixin, ManagerPageMixin, SingleTableMixin, FilterView):
    table_class = CompletenessTable
    filterset_class = CompletenessFilter
    template_name = "targets/progressentry_completeness.html"
    export_name = "chua-bao-cao"
    export_title = gettext_lazy("Đơn vị chưa báo cáo")

    def get_filterset(self, filterset_class):
        return completeness_filter(
            self.period.plan, self.period.as_of, self.scope, self.request.GET
        )

    def build(self):
        return completeness(
            self.period.plan, self.period.as_of, self.scope, params=self.request.GET
        )

    def rows(self):
        return self.built.not_approved

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {
            "count_table": DistrictCountTable(self.built.counts),
            "overdue": self.built.overdue,
            **{
                f"due_{frequency}": deadlines.due_days(self.period.plan, frequency)
                for frequency in Target.Frequency.values
            },
        }
