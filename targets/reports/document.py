"""The status report as a document: every text, figure, status and table it shows, as
plain JSON-able data, laid out as Nghị định 30/2020/NĐ-CP (Phụ lục I) wants a report.

:func:`build_document` turns a gathered :class:`~targets.reports.data.ReportData` and a
:class:`Letterhead` (number, date, signer, recipients, narrative) into that data; the PDF
(``pdf.py``) and Word (``docx.py``) writers only lay it out, so both show the same
content. An issued report stores the document as its snapshot (``StatusReport.snapshot``):
its later downloads are written from the snapshot and never read the entries again.

The body is a list of blocks: ``{"type": "heading", "text", "level"}``,
``{"type": "paragraph", "text", "style"}`` (style ``body``, ``small`` or ``note``),
``{"type": "table", "columns": [{"title", "width" (mm), "align"}], "rows": [...]}`` (a row
is ``{"cells": [...], "fills": {column: "RRGGBB"}}`` or a group row ``{"group": text,
"level": 1 | 2}`` spanning every column), ``{"type": "chart", "bars": [...]}`` (see
``chart.chart_bars``).
"""

import datetime
import re
from collections import OrderedDict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from targets.domain.formatting import (
    date,
    format_target,
    format_value,
    place_and_date,
    plain_number,
    status_text,
)
from targets.domain.models import AdministrativeUnit, Target
from targets.domain.status import STATUS_ORDER, Status
from targets.pages.legends import BAR_LEGEND
from targets.reports.chart import chart_bars
from targets.reports.data import STATUS_FILLS, ReportData, published_figures, roman, unit_label

DOCUMENT_FORMAT = 1
BEHIND = (Status.MISSED, Status.OFF_TRACK, Status.AT_RISK)
# Control characters (but tab and line feed) cannot be written to a Word file.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class Letterhead:
    """What an office adds around the figures: the number and symbol ("Số: 12/BC-UBND";
    an empty number is written "…"), the issue date (None: "ngày … tháng … năm …"), the
    title (trích yếu; empty: the plan's), the signature lines above the name (authority,
    capacity, position), the signer's name, the recipients and the narrative sections.
    ``narrative`` False (the quick report) leaves out sections III and IV."""

    number: str = ""
    symbol: str = ""
    place: str = ""
    issue_date: datetime.date | None = None
    title: str = ""
    authority: list[str] = field(default_factory=list)
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)
    results: str = ""
    shortcomings: str = ""
    tasks: str = ""
    recommendations: str = ""
    draft: bool = True
    narrative: bool = True


def default_symbol(within: AdministrativeUnit | None) -> str:
    """ "BC-UBND" for a people's committee (the city, a district), "BC-STTTT" for an
    agency (its code)."""
    if within is not None and within.kind == AdministrativeUnit.Kind.AGENCY:
        return f"BC-{within.code.upper()}"
    return "BC-UBND"


def default_authority(within: AdministrativeUnit | None) -> list[str]:
    """The signature lines of the head of the issuing body: the chairman on behalf of a
    people's committee, the director of an agency."""
    if within is not None and within.kind == AdministrativeUnit.Kind.AGENCY:
        return [_("GIÁM ĐỐC")]
    return [_("TM. ỦY BAN NHÂN DÂN"), _("CHỦ TỊCH")]


def quick_letterhead(data: ReportData) -> Letterhead:
    """The quick report of a day: a draft, unnumbered, undated, with no signer's name."""
    return Letterhead(
        symbol=default_symbol(data.within),
        authority=default_authority(data.within),
        recipients=[_("Lưu: VT.")],
        narrative=False,
    )


def clean_text(text: str) -> str:
    """``text`` without the control characters no PDF or Word file may hold."""
    return _CONTROL.sub("", str(text or "")).strip()


def paragraphs(text: str) -> list[str]:
    """The paragraphs staff typed: one per non-empty line."""
    return [line.strip() for line in clean_text(text).splitlines() if line.strip()]


def build_document(data: ReportData, letterhead: Letterhead) -> dict:
    """The whole report as JSON-able data: heading, body, closing, annexes, and each
    target's figure (``figures``: value as a decimal string, its text and status)."""
    symbol = clean_text(letterhead.symbol) or default_symbol(data.within)
    number = clean_text(letterhead.number)
    number_text = _("Số: %(number)s/%(symbol)s") % {"number": number or "…", "symbol": symbol}
    title = clean_text(letterhead.title) or (
        _("Tình hình thực hiện %(plan)s") % {"plan": data.plan.display_name}
    )
    issued_on = letterhead.issue_date
    if issued_on is not None and number:
        attached = _("(Kèm theo Báo cáo số %(number)s ngày %(date)s)") % {
            "number": f"{number}/{symbol}",
            "date": date(issued_on),
        }
    else:
        attached = _("(Kèm theo Báo cáo số %(number)s)") % {"number": f"…/{symbol}"}
    return {
        "format": DOCUMENT_FORMAT,
        "draft": letterhead.draft,
        "meta": {
            "title": (
                _("Báo cáo: %(title)s") % {"title": title}
                if clean_text(letterhead.title)
                else data.title
            ),
            "author": " ".join(line for line, _bold in data.issuer),
            "subject": data.subtitle,
        },
        "heading": {
            "draft_mark": _("DỰ THẢO") if letterhead.draft else "",
            "issuer": [[line, bold] for line, bold in data.issuer],
            "motto": [_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), _("Độc lập - Tự do - Hạnh phúc")],
            "number": number_text,
            "place_and_date": place_and_date(clean_text(letterhead.place) or data.place, issued_on),
            "kind": _("BÁO CÁO"),
            "title": title,
            "subtitle": f"({data.subtitle})",
        },
        "body": _body(data, letterhead),
        "closing": {
            "recipients_label": _("Nơi nhận:"),
            "recipients": [_recipient(line) for line in letterhead.recipients if clean_text(line)],
            "authority": [clean_text(line).upper() for line in letterhead.authority if line],
            "signer_name": clean_text(letterhead.signer_name),
        },
        "annexes": _annexes(data, attached),
        "figures": {
            figure.target.code: {
                "value": None if figure.value is None else str(figure.value),
                "text": format_value(figure.target, figure.value),
                "status": figure.status.value,
                "reported": figure.reported,
                "expected": figure.expected,
            }
            for figure in data.figures
        },
    }


def _recipient(line: str) -> str:
    """ "- Như trên;": each recipient on its own line after a dash."""
    line = clean_text(line)
    return line if line.startswith(("-", "–", "+")) else f"- {line}"


def _heading(text, level=1):
    return {"type": "heading", "text": text, "level": level}


def _paragraph(text, style="body"):
    return {"type": "paragraph", "text": text, "style": style}


def _column(title, width, align="left"):
    return {"title": title, "width": width, "align": align}


def _counts_sentence(counts, total) -> str:
    parts = [
        f"{str(status.label).lower()} {counts[status]}" for status in STATUS_ORDER if counts[status]
    ]
    return _("%(total)s chỉ tiêu: %(parts)s.") % {"total": total, "parts": "; ".join(parts)}


def _introduction(data: ReportData) -> str:
    plan = data.plan
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for section in data.sections:
        for status, count in section.counts.items():
            counts[status] += count
    city = data.within is None or data.within.kind == AdministrativeUnit.Kind.CITY
    return _(
        "Thực hiện %(reference)s của %(issued_by)s, trên cơ sở số liệu đã được duyệt trên "
        "hệ thống theo dõi chỉ tiêu chuyển đổi số đến ngày %(date)s, tình hình thực hiện "
        "các chỉ tiêu (phạm vi: %(scope)s) như sau. Tổng số %(counts)s"
    ) % {
        "reference": plan.reference,
        "issued_by": plan.issued_by,
        "date": date(data.as_of),
        "scope": data.scope_label.lower() if city else data.scope_label,
        "counts": _counts_sentence(counts, len(data.figures)),
    }


def _body(data: ReportData, letterhead: Letterhead) -> list[dict]:
    blank = _paragraph("…", "body")
    body = [_paragraph(_introduction(data))]
    body.append(_heading(_("I. KẾT QUẢ THỰC HIỆN")))
    body += [_paragraph(text) for text in paragraphs(letterhead.results)]
    for index, section in enumerate(data.sections, start=1):
        body.append(_heading(f"{index}. {section.pillar.display_name}", 2))
        body.append(_paragraph(_counts_sentence(section.counts, len(section.figures)), "small"))
        body.append(_figures_table(section.figures))
    body.append(_heading(f"{len(data.sections) + 1}. {_('Biểu đồ tiến độ các chỉ tiêu')}", 2))
    body.append(
        _paragraph(
            _(
                "Mỗi thanh là số liệu so với mục tiêu (100% là đạt mục tiêu; chỉ tiêu “càng "
                "nhỏ càng tốt” tính bằng mục tiêu / số liệu)."
            )
            + " "
            + str(BAR_LEGEND),
            "small",
        )
    )
    body.append({"type": "chart", "bars": chart_bars(data)})

    body.append(_heading(_("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN")))
    written = paragraphs(letterhead.shortcomings)
    body += [_paragraph(text) for text in written]
    behind = [f for f in data.figures if f.status in BEHIND]
    if behind:
        listed = "; ".join(
            f"{f.target.code} {f.target.display_name} ({str(f.status.label).lower()})"
            for f in behind
        )
        body.append(
            _paragraph(
                _("Các chỉ tiêu chưa đạt, chậm tiến độ hoặc có nguy cơ: %(targets)s.")
                % {"targets": listed}
            )
        )
    elif not written:
        body.append(_paragraph(_("Không có chỉ tiêu chậm tiến độ hoặc không đạt.")))
    if data.missing:
        body.append(
            _paragraph(
                _(
                    "%(count)s lượt đơn vị chưa có số liệu được duyệt cho kỳ báo cáo gần nhất "
                    "(chi tiết tại phụ lục “Đơn vị chưa báo cáo kỳ gần nhất”)."
                )
                % {"count": len(data.missing)}
            )
        )
    if letterhead.narrative:
        body.append(_heading(_("III. NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI")))
        body += [_paragraph(text) for text in paragraphs(letterhead.tasks)] or [blank]
        body.append(_heading(_("IV. KIẾN NGHỊ, ĐỀ XUẤT")))
        body += [_paragraph(text) for text in paragraphs(letterhead.recommendations)] or [blank]
    return body


def _status_cell(status: Status, column: int) -> dict:
    return {str(column): STATUS_FILLS[status]}


def _figures_table(figures) -> dict:
    rows = []
    for figure in figures:
        target = figure.target
        rows.append(
            {
                "cells": [
                    target.code,
                    target.display_name,
                    format_value(target, figure.value),
                    format_target(target),
                    f"{figure.reported}/{figure.expected}",
                    status_text(figure),
                ],
                "fills": _status_cell(figure.status, 5),
            }
        )
    return {
        "type": "table",
        "columns": [
            _column(_("Mã"), 17),
            _column(_("Chỉ tiêu"), 60),
            _column(_("Số liệu"), 21, "right"),
            _column(_("Mục tiêu"), 20, "right"),
            _column(_("Đơn vị đã báo cáo"), 20, "center"),
            _column(_("Trạng thái"), 27),
        ],
        "rows": rows,
    }


def _annexes(data: ReportData, attached: str) -> list[dict]:
    annexes = [_units_annex(data)]
    districts = _district_summary(data)
    if districts is not None:
        annexes.append(districts)
    annexes.append(_missing_annex(data))
    annexes.append(_sources_annex(data))
    for index, annex in enumerate(annexes, start=1):
        annex["label"] = _("Phụ lục %(number)s") % {"number": roman(index)}
        annex["attached"] = attached
    return annexes


def _unit_columns():
    return [
        _column(_("STT"), 11, "center"),
        _column(_("Đơn vị"), 50),
        _column(_("Số liệu"), 22, "right"),
        _column(_("Tử số"), 19, "right"),
        _column(_("Mẫu số"), 19, "right"),
        _column(_("Kỳ báo cáo"), 20, "center"),
        _column(_("Trạng thái"), 24),
    ]


def _number(value) -> str:
    return "" if value is None else plain_number(value)


def _unit_row(number: int, row) -> dict:
    return {
        "cells": [
            str(number),
            unit_label(row.unit),
            format_value(row.target, row.value),
            _number(row.numerator),
            _number(row.denominator),
            date(row.last_period) if row.last_period else "—",
            str(row.status.label),
        ],
        "fills": _status_cell(row.status, 6),
    }


def _target_group(target: Target) -> dict:
    return {
        "group": f"{target.code} — {target.display_name} ({format_target(target)})",
        "level": 1,
    }


def _units_annex(data: ReportData) -> dict:
    """Every unit's latest approved figure, a table per reporting level below the city;
    communes grouped by district."""
    blocks = []
    number = 0
    for sheet in data.levels:
        if sheet.level == Target.ReportingUnits.CITY or not sheet.rows:
            continue
        number += 1
        blocks.append(_heading(f"{number}. {sheet.label}", 2))
        rows = []
        by_target = OrderedDict()
        for row in sheet.rows:
            by_target.setdefault(row.target.pk, []).append(row)
        for target_rows in by_target.values():
            rows.append(_target_group(target_rows[0].target))
            if sheet.level == Target.ReportingUnits.COMMUNES:
                by_district = OrderedDict()
                for row in target_rows:
                    by_district.setdefault(row.unit.parent_id, []).append(row)
                for district_rows in by_district.values():
                    parent = district_rows[0].unit.parent
                    label = unit_label(parent) if parent else "—"
                    rows.append({"group": label, "level": 2})
                    rows += [_unit_row(i, r) for i, r in enumerate(district_rows, start=1)]
            else:
                rows += [_unit_row(i, r) for i, r in enumerate(target_rows, start=1)]
        blocks.append({"type": "table", "columns": _unit_columns(), "rows": rows})
    if not blocks:
        blocks.append(_paragraph(_("Không có chỉ tiêu do các đơn vị báo cáo."), "small"))
    return {"heading": _("SỐ LIỆU CỦA CÁC ĐƠN VỊ"), "blocks": blocks}


def _district_summary(data: ReportData) -> dict | None:
    """Per district: its own figures and its communes', how many are achieved or on
    track, and how many units have not reported the latest period. None without
    districts in the report."""
    rows_of = OrderedDict()
    for sheet in data.levels:
        for row in sheet.rows:
            district = row.unit.district
            if district is not None:
                rows_of.setdefault(district.pk, (district, []))[1].append(row)
    if not rows_of:
        return None
    missing = {}
    for row in data.missing:
        district = row.unit.district
        if district is not None:
            missing[district.pk] = missing.get(district.pk, 0) + 1
    good = (Status.ACHIEVED, Status.ON_TRACK)
    table_rows = []
    for index, (district, rows) in enumerate(
        sorted(rows_of.values(), key=lambda item: item[0].code), start=1
    ):
        communes = {r.unit.pk for r in rows if r.unit.level == AdministrativeUnit.Level.COMMUNE}
        own = [r for r in rows if r.unit.pk == district.pk]
        commune_rows = [r for r in rows if r.unit.pk != district.pk]
        table_rows.append(
            {
                "cells": [
                    str(index),
                    unit_label(district),
                    str(len(communes)),
                    f"{sum(r.value is not None for r in own)}/{len(own)}",
                    f"{sum(r.value is not None for r in commune_rows)}/{len(commune_rows)}",
                    f"{sum(r.status in good for r in rows)}/{len(rows)}",
                    str(missing.get(district.pk, 0)),
                ]
            }
        )
    explanation = _(
        "Số liệu đã duyệt / số liệu phải có của quận, huyện và của các xã, phường, thị trấn "
        "thuộc quận, huyện (mỗi chỉ tiêu, mỗi đơn vị là một số liệu); số số liệu đã đạt hoặc "
        "đúng tiến độ; số lượt đơn vị chưa có số liệu được duyệt cho kỳ gần nhất."
    )
    return {
        "heading": _("TỔNG HỢP THEO QUẬN, HUYỆN"),
        "blocks": [
            _paragraph(explanation, "small"),
            {
                "type": "table",
                "columns": [
                    _column(_("STT"), 11, "center"),
                    _column(_("Quận, huyện"), 40),
                    _column(_("Số xã, phường, thị trấn"), 20, "right"),
                    _column(_("Số liệu cấp huyện đã duyệt"), 24, "right"),
                    _column(_("Số liệu cấp xã đã duyệt"), 24, "right"),
                    _column(_("Đạt hoặc đúng tiến độ"), 24, "right"),
                    _column(_("Chưa báo cáo kỳ gần nhất"), 22, "right"),
                ],
                "rows": table_rows,
            },
        ],
    }


def _missing_annex(data: ReportData) -> dict:
    """Units with no approved figure for the latest period, per target and district."""
    rows = []
    groups = OrderedDict()
    for row in data.missing:
        district = row.unit.district if row.unit.level == AdministrativeUnit.Level.COMMUNE else None
        groups.setdefault((row.target.pk, district.pk if district else None), []).append(row)
    number = 0
    current_target = None
    for group in groups.values():
        first = group[0]
        if first.target.pk != current_target:
            current_target = first.target.pk
            rows.append(_target_group(first.target))
        number += 1
        district = (
            first.unit.district if first.unit.level == AdministrativeUnit.Level.COMMUNE else None
        )
        names = ", ".join(
            unit_label(r.unit)
            + ("" if r.entry_status is None else f" ({r.entry_status_label.lower()})")
            for r in group
        )
        rows.append(
            {
                "cells": [
                    str(number),
                    date(first.period_end),
                    unit_label(district) if district else "—",
                    str(len(group)),
                    names,
                ]
            }
        )
    blocks = []
    if rows:
        blocks.append(
            {
                "type": "table",
                "columns": [
                    _column(_("STT"), 11, "center"),
                    _column(_("Kỳ báo cáo"), 20, "center"),
                    _column(_("Quận, huyện"), 30),
                    _column(_("Số đơn vị"), 18, "right"),
                    _column(_("Đơn vị chưa có số liệu được duyệt"), 86),
                ],
                "rows": rows,
            }
        )
    else:
        blocks.append(
            _paragraph(_("Tất cả đơn vị đã có số liệu được duyệt cho kỳ gần nhất."), "small")
        )
    return {"heading": _("ĐƠN VỊ CHƯA BÁO CÁO KỲ GẦN NHẤT"), "blocks": blocks}


def _sources_annex(data: ReportData) -> dict:
    """Where the figures come from: the note and evidence of each figure the city
    reports itself (the published results), then how the others and status are made."""
    rows = []
    for row in published_figures(data):
        source = " ".join(part for part in (clean_text(row.note), row.evidence_url) if part)
        rows.append(
            {
                "cells": [
                    row.target.code,
                    format_value(row.target, row.value),
                    date(row.last_period),
                    source or _("Không ghi nguồn"),
                ]
            }
        )
    blocks = [_heading(f"1. {_('Nguồn số liệu các chỉ tiêu cấp thành phố')}", 2)]
    if rows:
        blocks.append(
            {
                "type": "table",
                "columns": [
                    _column(_("Mã"), 17),
                    _column(_("Số liệu"), 21, "right"),
                    _column(_("Kỳ báo cáo"), 20, "center"),
                    _column(_("Nguồn (ghi chú và minh chứng của số liệu đã duyệt)"), 107),
                ],
                "rows": rows,
            }
        )
    else:
        blocks.append(_paragraph(_("Chưa có số liệu cấp thành phố được duyệt."), "small"))
    blocks.append(
        _paragraph(
            _(
                "Số liệu các chỉ tiêu còn lại được tổng hợp từ số liệu đã duyệt của các đơn vị "
                "trên hệ thống theo dõi chỉ tiêu chuyển đổi số (Phụ lục I)."
            ),
            "small",
        )
    )
    blocks.append(_heading(f"2. {_('Cách tính trạng thái')}", 2))
    blocks += [_paragraph(line, "small") for line in data.status_rule]
    return {"heading": _("NGUỒN SỐ LIỆU VÀ CÁCH TÍNH TRẠNG THÁI"), "blocks": blocks}
