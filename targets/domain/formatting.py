"""How numbers and dates are written and read: one module for every page, export,
import, form, command and report.

Writing (for people, in the active language): a percentage always with
:data:`PLACES` decimals (``29,48%``), other figures grouped by thousands with decimals
only when they have some (``1.234``; ``1.234,50``), a milestone as ``Đạt`` /
``Chưa đạt``, a target with its comparator (``≥ 30,00%``). Every figure is rounded
half up first (:func:`rounded`): Django's ``number_format`` cuts extra decimals off.

Writing (for files: CSV, XLSX): :func:`export_number` rounds a figure to the same
:data:`PLACES` as the screen, so the same figure reads the same on the page, in the
XLSX, the PDF and the CSV; :func:`export_part` keeps a numerator or denominator as
stored. :func:`decimal_text` and :func:`machine_text` write them for CSV (decimal
point, ISO dates).

Reading: :func:`parse_number` is the one grammar of a typed number (the admin form and
the import): Vietnamese decimal comma and dot thousands (``1.234,5``; ``2.000`` is two
thousand), a lone decimal point that cannot be a thousands separator (``91.8``), or
the English way (``1,234.5``); never an exponent, an underscore, NaN or Infinity.
:func:`parse_date` reads ``31/12/2022`` and ``2022-12-31`` (pages, report URLs, the
command line, the import) inside a sane range; :func:`parse_as_of` adds "empty is
today". Errors are :class:`ParseError` with a message in the active language.
"""

import datetime
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, numberformat, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

DASH = "—"
# Decimals of every percentage shown or exported (29,48%): one figure reads the same on
# the page, in the XLSX, the PDF and the CSV.
PLACES = 2
# Decimals a numerator or denominator is stored with (ProgressEntry's DecimalFields).
STORED_PLACES = 4
COMPARATOR_SIGNS = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<", "eq": "="}

# Dates: ISO first (what <input type="date"> sends), then the Vietnamese way, then the
# forms a spreadsheet saved as text may hold.
DATE_INPUT_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
# Dates outside this range are surely typing mistakes (and would send period arithmetic
# before year 1: ``as_of=0001-01-01`` was a server error).
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)


class ParseError(ValueError):
    """A typed number or date that cannot be read; ``str()`` is the message."""


# --- Numbers for people ---------------------------------------------------------------


def rounded(value, places: int = PLACES) -> Decimal:
    """``value`` rounded half up to ``places`` decimals (29.4664 → 29.47)."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _has_decimals(value) -> bool:
    return Decimal(value) != Decimal(value).to_integral_value()


class NumberWriter:
    """:func:`number` and :func:`percent` with the active language's separators read
    once, for pages that write thousands of figures (a scorecard grid): the functions
    below use it for a single figure, so both paths write the same text."""

    def __init__(self):
        # What ``formats.number_format`` reads on every call.
        language = get_language()
        self._decimal = formats.get_format("DECIMAL_SEPARATOR", language, use_l10n=True)
        self._grouping = formats.get_format("NUMBER_GROUPING", language, use_l10n=True)
        self._thousand = formats.get_format("THOUSAND_SEPARATOR", language, use_l10n=True)

    def _format(self, value, places: int, force_grouping: bool = False) -> str:
        return numberformat.format(
            value,
            self._decimal,
            places,
            self._grouping,
            self._thousand,
            force_grouping=force_grouping,
            use_l10n=True,
        )

    def number(self, value) -> str:
        """:func:`number`."""
        if value is None:
            return DASH
        places = PLACES if _has_decimals(value) else 0
        return self._format(rounded(value, places), places, force_grouping=True)

    def percent(self, value) -> str:
        """:func:`percent`."""
        if value is None:
            return DASH
        return f"{self._format(rounded(value), PLACES)}%"

    def value_writer(self, target) -> Callable[[object], str]:
        """:func:`format_value` for the figures of ``target``, what depends on the target
        (its measure, the milestone's words) resolved once."""
        if target.measure == target.Measure.MILESTONE:
            done, not_done = _("Đạt"), _("Chưa đạt")
            return lambda value: DASH if value is None else (done if value >= 1 else not_done)
        write = self.percent if target.is_percentage else self.number
        return write


def number(value) -> str:
    """A number in the active language: thousands grouped, :data:`PLACES` decimals when
    it has some (``1.234``, ``1.234,50``); ``—`` for None."""
    if value is None:
        return DASH
    return NumberWriter().number(value)


def percent(value) -> str:
    """A share or percentage, :data:`PLACES` decimals, in the active language: ``29,48%``."""
    if value is None:
        return DASH
    return NumberWriter().percent(value)


def format_value(target, value) -> str:
    """A figure of ``target`` as a manager reads it: ``40,00%`` for a percentage, ``14``
    for a rank or count, ``Đạt`` / ``Chưa đạt`` for a milestone, ``—`` for none."""
    if value is None:
        return DASH
    return NumberWriter().value_writer(target)(value)


def format_target(target) -> str:
    """The target with its comparator: ``≥ 60,00%``, ``≤ 10``; ``Đạt`` for a milestone."""
    if target.measure == target.Measure.MILESTONE:
        return format_value(target, target.target_value)
    return f"{COMPARATOR_SIGNS[target.comparator]} {format_value(target, target.target_value)}"


def status_text(figure) -> str:
    """A figure's status as people read it: "Đã đạt", or for a roll-up from fewer
    reports than expected "Đã đạt (tạm tính, 4/20)" (``figure.provisional``); the same
    words on the pages, in the files and in the documents."""
    label = str(figure.status.label)
    if getattr(figure, "provisional", False):
        return _("%(status)s (tạm tính, %(reported)s/%(expected)s)") % {
            "status": label,
            "reported": figure.reported,
            "expected": figure.expected,
        }
    return label


def no_report_text() -> str:
    """What a roll-up without any report for its period says instead of a figure."""
    return _("chưa báo cáo kỳ này")


def plain_number(value: Decimal) -> str:
    """A stored decimal without trailing zeros, in the active language (120; 1,5), for
    messages that quote what was typed."""
    return formats.number_format(Decimal(decimal_text(value)))


def date(value) -> str:
    """A date as people read it in the active language (31/12/2022); ``—`` for None."""
    return DASH if value is None else formats.date_format(value, "SHORT_DATE_FORMAT")


def place_and_date(place: str, day: datetime.date | None) -> str:
    """ "Hải Phòng, ngày 31 tháng 12 năm 2022" (day and months 1–2 padded, as in
    Nghị định 30/2020/NĐ-CP); "Hai Phong, 31 December 2022" in English. Without a day
    (a draft not yet issued) the day, month and year are left as "…" to fill in."""
    # Translators: the place and date under the national motto. Besides place, day,
    # month (padded as Vietnamese reports want) and year, "date" is available: the
    # date written out in the active language (31 December 2022).
    # xgettext:no-python-format
    text = _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s")
    if day is None:
        blank = "…"
        return text % {"place": place, "day": blank, "month": blank, "year": blank, "date": blank}
    return text % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month < 3 else str(day.month),
        "year": day.year,
        "date": formats.date_format(day, "j F Y"),
    }


# --- Numbers for files ----------------------------------------------------------------


def export_number(value):
    """A figure for CSV/XLSX: rounded to :data:`PLACES` as on screen, whole numbers as
    int (so 40 is ``40``, not ``40.00``); None stays None."""
    if value is None:
        return None
    value = Decimal(value)
    if not _has_decimals(value):
        return int(value)
    return rounded(value)


def export_part(value):
    """A numerator or denominator for CSV/XLSX: whole numbers as int, else as stored."""
    if value is None:
        return None
    value = Decimal(value)
    if not _has_decimals(value):
        return int(value)
    return value.quantize(Decimal(1).scaleb(-STORED_PLACES)).normalize()


# A text cell starting with one of these is run as a formula by spreadsheets (OWASP
# "CSV injection"). ``targets.domain.sqltext.FORMULA_STARTS_SQL`` is the same list in SQL.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell for a CSV or XLSX file: text a spreadsheet would run as a formula gets a
    leading single quote (``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``); numbers, dates and
    other text stay as they are (a negative number stays a number)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unquote_cell(value):
    """The inverse of :func:`safe_cell` for a cell read back from a file the app wrote
    (the import template): ``'=x`` → ``=x``; anything else as it is."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def decimal_text(value: Decimal) -> str:
    """A decimal as machines read it: decimal point, no trailing zeros, no exponent."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def machine_text(value) -> str:
    """One value as CSV text: decimals by :func:`decimal_text`, dates ISO 8601,
    datetimes in the current time zone with their offset (to the second), None empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime.datetime):
        zone = timezone.get_current_timezone()
        return value.astimezone(zone).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# --- Reading numbers ------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_PLAIN = re.compile(r"\d+(\.\d*)?|\.\d+")
_GROUPED = r"\d{1,3}(%s\d{3})+"
_THOUSAND = re.compile(r"[1-9]\d{0,2}\.\d{3}")


def shown(value) -> str:
    """``value`` quoted in a message, cut to 40 characters."""
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _not_a_number(value) -> ParseError:
    return ParseError(
        _(
            "“%(value)s” không phải là một số. Hãy nhập số, dùng dấu phẩy cho phần thập "
            "phân (ví dụ 91,8 hoặc 1.234,5)."
        )
        % {"value": shown(value)}
    )


def parse_number(value) -> Decimal | None:
    """A number typed the Vietnamese way (``1.234,5``, ``91,8``) or the English way
    (``91.8``, ``1,234.5``), or a number cell of a spreadsheet; None when empty.

    A comma alone is the decimal mark (``91,8``). A point alone is the decimal mark too
    (``91.8``, ``0.125``) unless it reads as a Vietnamese thousands separator: one to
    three digits, not starting with 0, then exactly three (``2.000`` is 2000). Several
    of the same kind, or both kinds, are thousands groups followed by the decimal mark.
    Spaces and a trailing ``%`` are ignored; a sign may lead. Nothing else: no exponent
    (``12e2``), underscore (``1_000``), NaN or Infinity. Raises :class:`ParseError`.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise _not_a_number(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float | Decimal):
        # repr() gives the shortest text that reads back as the same float: 91.8, not
        # 91.7999999999999971578…
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if not number.is_finite():
            raise _not_a_number(value)
        return number
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
            raise _not_a_number(value)
        text = whole.replace(group_mark, "") + "." + fraction
    elif commas > 1 or points > 1:
        mark = "," if commas else "."
        if not re.fullmatch(_GROUPED % re.escape(mark), text):
            raise _not_a_number(value)
        text = text.replace(mark, "")
    elif points and _THOUSAND.fullmatch(text):
        text = text.replace(".", "")
    else:
        text = text.replace(",", ".")
    if not _PLAIN.fullmatch(text):
        raise _not_a_number(value)
    try:
        return Decimal(sign + text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise _not_a_number(value) from None


def parse_id(value) -> int | None:
    """A database id written in a URL or a form (``"42"``): a whole number from 1 to
    2⁶³ − 1, else None (``"abc"``, ``"-1"``, ``"99999999999999999999"``)."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= 2**63 - 1 else None


# --- Reading dates --------------------------------------------------------------------


def check_date_range(day: datetime.date) -> datetime.date:
    """``day`` if it lies between :data:`EARLIEST` and :data:`LATEST`, else ParseError."""
    if not (EARLIEST <= day <= LATEST):
        raise ParseError(
            _("Ngày phải nằm trong khoảng %(start)s – %(end)s.")
            % {"start": date(EARLIEST), "end": date(LATEST)}
        )
    return day


def parse_date(value) -> datetime.date | None:
    """A date typed as ``31/12/2022`` or ``2022-12-31`` (or ``31-12-2022``,
    ``31.12.2022``; a trailing time is ignored), or a date cell; None when empty.
    Raises :class:`ParseError` for anything else and for a date outside
    :data:`EARLIEST` – :data:`LATEST`."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return check_date_range(value.date())
    if isinstance(value, datetime.date):
        return check_date_range(value)
    text = str(value).strip()
    if not text:
        return None
    if " " in text:  # "31/12/2022 00:00:00" from a date cell saved as text
        text = text.split(" ", 1)[0]
    for fmt in DATE_INPUT_FORMATS:
        try:
            day = datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return check_date_range(day)
    raise ParseError(
        _(
            "Ngày “%(value)s” không hợp lệ: hãy nhập theo dạng dd/mm/yyyy (ví dụ "
            "31/12/2022) hoặc yyyy-mm-dd (2022-12-31)."
        )
        % {"value": shown(value)}
    )


def parse_as_of(value) -> datetime.date:
    """The date a page or report is about: :func:`parse_date`, empty meaning today (in
    the project's time zone). Raises :class:`ParseError`."""
    return parse_date(value) or timezone.localdate()
