"""Exports of the table pages: CSV and XLSX of exactly the rows on screen.

django-tables2's ``ExportMixin`` turns the page's table (all pages of it, after the
page's filters) into a tablib dataset, so the file and the screen cannot drift. Two
changes here: CSV starts with a UTF-8 byte order mark so that Excel reads Vietnamese
correctly, and the filename carries the plan and the as-of date.
"""

from django_tables2.export import ExportMixin, TableExport

BOM = "\ufeff"


class BomTableExport(TableExport):
    """``TableExport`` writing CSV in UTF-8 with a BOM. XLSX cells keep the numbers and
    dates the table's ``value`` methods return (openpyxl writes them as such)."""

    def export(self):
        if self.format == self.CSV:
            return BOM + self.dataset.export(self.CSV)
        if self.format == self.XLSX:
            # escape: a cell starting with "=" is text, never a formula.
            return self.dataset.export(self.XLSX, escape=True)
        return super().export()


class TableExportMixin(ExportMixin):
    """``?_export=csv`` or ``?_export=xlsx`` on a table page downloads its table.

    The view sets ``export_name`` (the file name, the same in every language) and
    ``export_title`` (the sheet name), and has a ``period`` (``targets.forms.Period``).
    """

    export_class = BomTableExport
    export_formats = (TableExport.CSV, TableExport.XLSX)
    export_name = "bang"
    export_title = None  # the XLSX sheet's name, in the active language (else export_name)

    def get_export_filename(self, export_format):
        period = self.period
        return f"{self.export_name}_{period.plan.code}_{period.as_of:%Y-%m-%d}.{export_format}"

    def get_dataset_kwargs(self):
        return {"title": str(self.export_title or self.export_name)[:31]}
