"""The status report of a plan and the raw-data export, in every format.

``data.gather_report`` reads the report once; ``xlsx``, ``pdf`` and ``csv`` lay it out.
Views (``targets.views_reports``) and the ``export_report`` command call the same
functions, so the web and the command write the same data.
"""

from targets.reports.csv import export_entries_csv, export_status_csv
from targets.reports.data import StatusReport, gather_report
from targets.reports.pdf import export_report_pdf
from targets.reports.xlsx import export_report_xlsx

__all__ = [
    "StatusReport",
    "export_entries_csv",
    "export_report_pdf",
    "export_report_xlsx",
    "export_status_csv",
    "gather_report",
]
