"""Cell readers (django-import-export widgets) for the import file: numbers as
Vietnamese Excel writes them, dates as dd/mm/yyyy, notes, and plan, target and unit
codes. Numbers and dates are read by ``targets.domain.formatting`` (the grammar the admin form
uses too).

A widget only turns a cell into a Python value; a cell it cannot read raises
``ValueError`` with a Vietnamese message, which the resource reports against the
column. Whether the value is acceptable is for ``ProgressEntry.clean()`` and the
database constraints to say, never for a widget.
"""

from django.utils.translation import gettext as _
from import_export import widgets

from targets.domain.formatting import parse_date, parse_number, shown, unquote_cell
from targets.domain.models.entries import NOTE_MAX_LENGTH, NOTE_TOO_LONG


class NumberWidget(widgets.DecimalWidget):
    """A decimal cell, read by ``targets.domain.formatting.parse_number``."""

    def clean(self, value, row=None, **kwargs):
        return parse_number(value)


class DateWidget(widgets.DateWidget):
    """A date cell, read by ``targets.domain.formatting.parse_date``."""

    def clean(self, value, row=None, **kwargs):
        return parse_date(value)

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if value else ""


class NoteWidget(widgets.CharWidget):
    """A note: text as typed (a quote the template put before a formula-like note comes
    off again), at most the admin form's ``NOTE_MAX_LENGTH`` characters."""

    def clean(self, value, row=None, **kwargs):
        text = unquote_cell(super().clean(value, row, **kwargs))
        if text and len(text) > NOTE_MAX_LENGTH:
            raise ValueError(str(NOTE_TOO_LONG))
        return text


def code_text(value) -> str:
    """A code cell as text: ``11329`` whether the cell holds text or the number 11329."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class CachedCodeWidget(widgets.ForeignKeyWidget):
    """A code → object widget reading from a dict the resource fills once per import
    (``lookup``), so 10,000 rows cost no query per row."""

    def __init__(self, model, *, column, lookup, missing_message, **kwargs):
        super().__init__(model, **kwargs)
        self.column = column
        self.lookup = lookup
        self.missing_message = missing_message

    def key(self, value, row):
        return code_text(value)

    def clean(self, value, row=None, **kwargs):
        key = self.key(value, row)
        if not key or (isinstance(key, tuple) and not all(key)):
            raise ValueError(_("Thiếu %(column)s.") % {"column": self.column.lower()})
        found = self.lookup().get(key)
        if found is None:
            raise ValueError(self.missing_message % {"code": shown(code_text(value))})
        return found

    def render(self, value, obj=None, **kwargs):
        return value.code if value is not None else ""
