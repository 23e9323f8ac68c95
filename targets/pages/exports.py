"""Exports of the table pages: CSV and XLSX of exactly the rows on screen.

django-tables2's ``ExportMixin`` turns the page's table (all pages of it, after the
page's filters) into a tablib dataset, so the file and the screen cannot drift. Three
changes here: text a spreadsheet would run as a formula gets a leading quote
(``targets.domain.formatting.safe_cell``), CSV starts with a UTF-8 byte order mark so that
Excel reads Vietnamese correctly, and the filename carries the plan and the as-of date.
"""

from django_tables2.export import ExportMixin, TableExport

from targets.domain.formatting import safe_cell

BOM = "\ufeff"


class BomTableExport(TableExport):
    """``TableExport`` writing CSV in UTF-8 with a BOM. XLSX cells keep the numbers and
    dates the table's ``value`` methods return (openpyxl writes them as such); text
    cells are neutralised once, in the dataset, for both formats."""

    # The formats the pages offer. Any other ``?_export=`` (tablib's JSON, YAML, ODS,
    # LaTeX…, some needing packages not installed) is not a download: the page is shown.
    OFFERED = (TableExport.CSV, TableExport.XLSX)

    @classmethod
    def is_valid_format(cls, export_format):
        return export_format in cls.OFFERED

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        # tablib applies a formatter of column None to every cell of every format.
        dataset.add_formatter(None, safe_cell)
        return dataset

    def export(self):
        if self.format == self.CSV:
            return BOM + self.dataset.export(self.CSV)
        return super().export()


class TableExportMixin(ExportMixin):
    """``?_export=csv`` or ``?_export=xlsx`` on a table page downloads its table.

    The view sets ``export_name`` (the file name, the same in every language) and
    ``export_title`` (the sheet name), and has a ``period`` (``targets.pages.forms.Period``).
    """

    export_class = BomTableExport
    export_formats = BomTableExport.OFFERED
    export_name = "bang"
    export_title = None  # the XLSX sheet's name, in the active language (else export_name)

    def get_export_filename(self, export_format):
        period = self.period
        return f"{self.export_name}_{period.plan.code}_{period.as_of:%Y-%m-%d}.{export_format}"

    def get_dataset_kwargs(self):
        return {"title": str(self.export_title or self.export_name)[:31]}
