"""The target table: one row per target of the plan, the figure of the manager's scope."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from targets.domain.models import Target
from targets.pages.builders.targets import target_rows
from targets.pages.filters import TargetFilter
from targets.pages.tables import TargetTable
from targets.pages.views.common import ManagerPageMixin


class TargetListView(LoginRequiredMixin, ManagerPageMixin, SingleTableMixin, FilterView):
    table_class = TargetTable
    filterset_class = TargetFilter
    template_name = "targets/target_list.html"
    export_name = "chi-tieu"
    export_title = gettext_lazy("Bảng chỉ tiêu")

    def get_queryset(self):
        return Target.objects.filter(plan=self.period.plan).with_relations()

    def build(self):
        return target_rows(self.period.plan, self.period.as_of, self.scope, params=self.request.GET)
