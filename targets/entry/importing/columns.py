"""The columns of the import file: the headers the template writes and the importer
reads, and which model field each one fills.

The headers are a file format, the same in every language of the interface, so they
are plain Vietnamese strings rather than translations; the importer also accepts the
English field names (``target``, ``unit``, ``period_end``, …) for files made by programs.
"""

import unicodedata

PLAN = "Mã kế hoạch"
TARGET = "Mã chỉ tiêu"
TARGET_NAME = "Tên chỉ tiêu"
MEASURE = "Loại số liệu"
UNIT = "Mã đơn vị"
UNIT_NAME = "Tên đơn vị"
PERIOD = "Kỳ báo cáo (ngày cuối kỳ)"
NUMERATOR = "Tử số"
DENOMINATOR = "Mẫu số"
VALUE = "Giá trị"
NOTE = "Ghi chú"
STATUS = "Trạng thái hiện tại"

# In the template's order. Names and the measure are there to help the reporter; the
# importer ignores them (codes, never names, identify targets and units).
TEMPLATE = (
    PLAN,
    TARGET,
    TARGET_NAME,
    MEASURE,
    UNIT,
    UNIT_NAME,
    PERIOD,
    NUMERATOR,
    DENOMINATOR,
    VALUE,
    NOTE,
    STATUS,
)
REQUIRED = (PLAN, TARGET, UNIT, PERIOD)
FIGURES = (NUMERATOR, DENOMINATOR, VALUE)
# What the importer reads, in the template's order: the smallest file it accepts.
IMPORTED = (*REQUIRED, *FIGURES, NOTE)

# Model field → column, to report a model error against the cell it came from.
FOR_FIELD = {
    "target": TARGET,
    "unit": UNIT,
    "period_end": PERIOD,
    "numerator": NUMERATOR,
    "denominator": DENOMINATOR,
    "value": VALUE,
    "note": NOTE,
    "status": STATUS,
}

ALIASES = {
    "plan": PLAN,
    "target": TARGET,
    "target_code": TARGET,
    "unit": UNIT,
    "unit_code": UNIT,
    "period_end": PERIOD,
    "kỳ báo cáo": PERIOD,
    "numerator": NUMERATOR,
    "denominator": DENOMINATOR,
    "value": VALUE,
    "note": NOTE,
}


def _folded(text) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).split()).casefold()


_KNOWN = {_folded(name): name for name in TEMPLATE} | {
    _folded(alias): name for alias, name in ALIASES.items()
}


def canonical(header) -> str:
    """The template's header for ``header`` as found in a file (any case, spacing or
    Unicode normalisation; English field names too); the header itself if unknown."""
    return _KNOWN.get(_folded(header), str(header or "").strip())
