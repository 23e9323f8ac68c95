"""Report downloads (``targets:report-xlsx`` ...); ``targets.urls`` appends them."""

from django.urls import path

from targets.reports import views as views_reports

urlpatterns = [
    path("bao-cao/tinh-hinh.xlsx", views_reports.report_xlsx, name="report-xlsx"),
    path("bao-cao/tinh-hinh.pdf", views_reports.report_pdf, name="report-pdf"),
    path("bao-cao/tinh-hinh.docx", views_reports.report_docx, name="report-docx"),
    path("bao-cao/tinh-hinh.csv", views_reports.report_csv, name="report-csv"),
    path("bao-cao/so-lieu.csv", views_reports.entries_csv, name="entries-csv"),
]
