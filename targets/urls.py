"""The URLs of the manager pages, the report downloads and the evidence download."""

from django.urls import path

from targets.pages import evidence
from targets.pages.views.completeness import CompletenessView
from targets.pages.views.dashboard import dashboard
from targets.pages.views.target_detail import TargetDetailView
from targets.pages.views.target_list import TargetListView
from targets.pages.views.unit import UnitScorecardView
from targets.reports.urls import urlpatterns as report_urlpatterns

app_name = "targets"

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("chi-tieu/", TargetListView.as_view(), name="target-list"),
    path("tinh-hinh-bao-cao/", CompletenessView.as_view(), name="completeness"),
    path("don-vi/<str:code>/", UnitScorecardView.as_view(), name="unit-detail"),
    *report_urlpatterns,
    path("minh-chung/<path:name>", evidence.download, name="evidence"),
    # Last: any two path segments not matched above name a plan and a target.
    path("<slug:plan>/<str:code>/", TargetDetailView.as_view(), name="target-detail"),
]
