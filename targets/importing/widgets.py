"""Cell readers (django-import-export widgets) for the import file: numbers as
Vietnamese Excel writes them, dates as dd/mm/yyyy, and plan, target and unit codes.

A widget only turns a cell into a Python value; a cell it cannot read raises
``ValueError`` with a Vietnamese message, which the resource reports against the
column. Whether the value is acceptable is for ``ProgressEntry.clean()`` and the
database constraints to say, never for a widget.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from import_export import widgets

_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED = r"\d{1,3}(%s\d{3})+"
_THOUSAND = re.compile(r"[1-9]\d{0,2}\.\d{3}")


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def parse_number(value) -> Decimal | None:
    """A number typed the Vietnamese way (``1.234,5``, ``91,8``) or the English way
    (``91.8``, ``1,234.5``), or a number cell of the spreadsheet; None when empty.

    A comma alone is the decimal mark (``91,8``). A point alone is the decimal mark
    too (``91.8``, ``0.125``) unless it reads as a Vietnamese thousands separator: one
    to three digits, not starting with 0, then exactly three (``2.000`` is 2000).
    Several of the same kind, or both kinds, are thousands groups followed by the
    decimal mark. Spaces and a trailing ``%`` are ignored.
    Raises ``ValueError`` for anything else.
    """
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise ValueError(_("“%(value)s” không phải là một số.") % {"value": value})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr() gives the shortest text that reads back as the same float: 91.8, not
        # 91.7999999999999971578…
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = _SPACES.sub("", str(value)).removesuffix("%")
    if not text:
        return None
    sign = ""
    if text[0] in "+-":
        sign, text = text[0], text[1:]
    commas, points = text.count(","), text.count(".")
    if commas and points:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        whole, _mark, fraction = text.rpartition(decimal_mark)
        if not re.fullmatch(_GROUPED % re.escape(group_mark), whole):
            raise ValueError(_invalid_number(value))
        text = whole.replace(group_mark, "") + "." + fraction
    elif commas > 1 or points > 1:
        mark = "," if commas else "."
        if not re.fullmatch(_GROUPED % re.escape(mark), text):
            raise ValueError(_invalid_number(value))
        text = text.replace(mark, "")
    elif points and _THOUSAND.fullmatch(text):
        text = text.replace(".", "")
    else:
        text = text.replace(",", ".")
    if not _PLAIN.fullmatch(text):
        raise ValueError(_invalid_number(value))
    try:
        return Decimal(sign + text)
    except InvalidOperation:
        raise ValueError(_invalid_number(value)) from None


def _invalid_number(value) -> str:
    return _(
        "“%(value)s” không phải là một số. Hãy nhập số, dùng dấu phẩy cho phần thập phân "
        "(ví dụ 91,8 hoặc 1.234,5)."
    ) % {"value": _shown(value)}


class NumberWidget(widgets.DecimalWidget):
    """A decimal cell, read by :func:`parse_number`."""

    def clean(self, value, row=None, **kwargs):
        return parse_number(value)


DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(value) -> datetime.date | None:
    """A date cell, or a text date written dd/mm/yyyy (or yyyy-mm-dd); None when empty."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    if " " in text:  # "31/12/2022 00:00:00" from a date cell saved as text
        text = text.split(" ", 1)[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        _(
            "“%(value)s” không phải là một ngày. Hãy nhập ngày cuối kỳ dạng dd/mm/yyyy, ví dụ 31/12/2022."
        )
        % {"value": _shown(value)}
    )


class DateWidget(widgets.DateWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_date(value)

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if value else ""


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
            raise ValueError(self.missing_message % {"code": _shown(code_text(value))})
        return found

    def render(self, value, obj=None, **kwargs):
        return value.code if value is not None else ""
