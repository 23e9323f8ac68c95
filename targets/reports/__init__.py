"""The status report of a plan and the raw-data export, in every format.

``data.gather_report`` reads the report once; ``xlsx``, ``pdf``, ``word`` (DOCX) and
``csv`` lay it out. ``document.build_document`` turns it into the document of an
administrative report (Nghị định 30/2020/NĐ-CP) that the PDF and DOCX writers share and
an issued report keeps as its snapshot.
Views (``targets.reports.views``) and the ``export_report`` command call the same
functions, so the web and the command write the same data.
"""

from targets.reports.csv import export_entries_csv, export_status_csv
from targets.reports.data import ReportData, gather_report
from targets.reports.pdf import export_document_pdf, export_report_pdf
from targets.reports.word import export_document_docx, export_report_docx
from targets.reports.xlsx import export_report_xlsx

__all__ = [
    "ReportData",
    "export_document_docx",
    "export_document_pdf",
    "export_entries_csv",
    "export_report_docx",
    "export_report_pdf",
    "export_report_xlsx",
    "export_status_csv",
    "gather_report",
]
