from django.urls import path

from targets.pages import evidence as views_evidence
from targets.pages import views
from targets.reports.urls import urlpatterns as report_urlpatterns

app_name = "targets"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("chi-tieu/", views.TargetListView.as_view(), name="target-list"),
    path("tinh-hinh-bao-cao/", views.CompletenessView.as_view(), name="completeness"),
    path("don-vi/<str:code>/", views.UnitScorecardView.as_view(), name="unit-detail"),
    *report_urlpatterns,
    path("minh-chung/<path:name>", views_evidence.download, name="evidence"),
    # Last: any two path segments not matched above name a plan and a target.
    path("<slug:plan>/<str:code>/", views.TargetDetailView.as_view(), name="target-detail"),
]
