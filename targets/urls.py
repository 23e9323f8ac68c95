from django.urls import path  # noqa: F401

from targets.urls_reports import urlpatterns as report_urlpatterns

app_name = "targets"

urlpatterns = []

urlpatterns += report_urlpatterns
