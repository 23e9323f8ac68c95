"""The status report as a PDF in the layout of a Vietnamese administrative report.

Issuing body top left and the national motto top right, place and date, the title,
numbered sections per pillar each with a table of targets, a chart of the targets'
progress, the units that have not reported, and how status is computed; A4 with
"Trang x/y" page numbers (layout after Nghị định 30/2020/NĐ-CP).

Drawn with reportlab (a pure-Python wheel: no system library to install). Vietnamese
diacritics need a Unicode font, so the DejaVu Serif TTFs shipped in
``targets/static/targets/fonts`` are registered and embedded (subset) in every file.
The output is byte-for-byte reproducible (``invariant``): the same data give the same file.
"""

import io
from collections import OrderedDict

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from targets.charts import BAR_LEGEND
from targets.models import AdministrativeUnit
from targets.reports.chart import progress_chart
from targets.reports.data import (
    STATUS_COLOURS,
    STATUS_FILLS,
    StatusReport,
    format_target,
    format_value,
    roman,
    unit_label,
)
from targets.reports.fonts import FONT, FONT_BOLD, FONT_ITALIC, register_fonts
from targets.status import STATUS_ORDER

PAGE_WIDTH, PAGE_HEIGHT = A4
# Margins of an administrative document: left 30 mm, right 15 mm, top and bottom 20 mm.
LEFT, RIGHT, TOP, BOTTOM = 30 * mm, 15 * mm, 20 * mm, 20 * mm
FRAME_WIDTH = PAGE_WIDTH - LEFT - RIGHT


def _styles():
    base = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=15, alignment=TA_JUSTIFY)
    return {
        "body": base,
        "head": ParagraphStyle(
            "head", base, fontName=FONT_BOLD, fontSize=10.5, leading=13, alignment=TA_CENTER
        ),
        "head_regular": ParagraphStyle(
            "head_regular", base, fontSize=10.5, leading=13, alignment=TA_CENTER
        ),
        "date": ParagraphStyle(
            "date", base, fontName=FONT_ITALIC, fontSize=11, alignment=TA_CENTER
        ),
        "kind": ParagraphStyle(
            "kind",
            base,
            fontName=FONT_BOLD,
            fontSize=14,
            leading=18,
            alignment=TA_CENTER,
            spaceBefore=14,
        ),
        "title": ParagraphStyle(
            "title", base, fontName=FONT_BOLD, fontSize=12, leading=16, alignment=TA_CENTER
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            base,
            fontName=FONT_ITALIC,
            fontSize=10.5,
            alignment=TA_CENTER,
            spaceAfter=10,
        ),
        "section": ParagraphStyle(
            "section",
            base,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            alignment=TA_LEFT,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5, alignment=TA_LEFT),
        "cell_head": ParagraphStyle(
            "cell_head", base, fontName=FONT_BOLD, fontSize=8.5, leading=10.5, alignment=TA_CENTER
        ),
        "small": ParagraphStyle("small", base, fontSize=9.5, leading=12.5),
        "note": ParagraphStyle(
            "note", base, fontName=FONT_ITALIC, fontSize=9, leading=12, spaceBefore=12
        ),
    }


class NumberedCanvas(pdfcanvas.Canvas):
    """Draws "Trang x/y" at the foot of every page once the page count is known."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 9)
            self.drawCentredString(
                PAGE_WIDTH / 2,
                BOTTOM / 2,
                _("Trang %(page)s/%(pages)s") % {"page": self._pageNumber, "pages": total},
            )
            super().showPage()
        super().save()


def export_report_pdf(report: StatusReport) -> bytes:
    """The PDF of ``report`` (see :func:`targets.reports.data.gather_report`), as bytes."""
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=report.title,
        author=" ".join(line for line, _bold in report.issuer),
        subject=report.subtitle,
        creator=_("Hệ thống theo dõi chỉ tiêu chuyển đổi số Hải Phòng"),
        lang=get_language() or "vi",
        invariant=1,
        initialFontName=FONT,  # else the canvas references an unembedded Helvetica
    )
    story = _heading(report, styles)
    story += _introduction(report, styles)
    number = 0
    for section in report.sections:
        number += 1
        story += _pillar_section(section, styles)
    story += _chart_section(report, styles, roman(number + 1))
    story += _missing_section(report, styles, roman(number + 2))
    story += _method_section(report, styles, roman(number + 3))
    document.build(story, canvasmaker=NumberedCanvas)
    return buffer.getvalue()


def _escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _heading(report: StatusReport, styles):
    issuer = []
    for line, bold in report.issuer:
        issuer.append(Paragraph(_escape(line), styles["head" if bold else "head_regular"]))
    # The rule under the issuer is a third of its name; the one under the motto as long as it.
    longest = max(pdfmetrics.stringWidth(line, FONT_BOLD, 10.5) for line, _b in report.issuer)
    issuer.append(
        HRFlowable(
            width=min(longest, 60 * mm) / 3,
            thickness=0.6,
            color=colors.black,
            spaceBefore=2,
            hAlign="CENTER",
        )
    )
    motto_line = _("Độc lập - Tự do - Hạnh phúc")
    motto = [
        Paragraph(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), styles["head"]),
        Paragraph(motto_line, styles["head"]),
        HRFlowable(
            width=pdfmetrics.stringWidth(motto_line, FONT_BOLD, 10.5),
            thickness=0.6,
            color=colors.black,
            spaceBefore=2,
            hAlign="CENTER",
        ),
    ]
    left_width = 62 * mm
    header = Table(
        [[issuer, motto], ["", Paragraph(_escape(report.place_and_date), styles["date"])]],
        colWidths=[left_width, FRAME_WIDTH - left_width],
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT),  # else Table sets Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),  # centres the rules under the names
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 8),
            ]
        ),
    )
    plan_title = _("Tình hình thực hiện %(plan)s") % {"plan": report.plan.display_name}
    return [
        header,
        Paragraph(_("BÁO CÁO"), styles["kind"]),
        Paragraph(_escape(plan_title), styles["title"]),
        HRFlowable(
            width="25%",
            thickness=0.6,
            color=colors.black,
            spaceBefore=3,
            spaceAfter=3,
            hAlign="CENTER",
        ),
        Paragraph(_escape(f"({report.subtitle})"), styles["subtitle"]),
    ]


def _counts_sentence(counts, total) -> str:
    parts = [
        f"{str(status.label).lower()} {counts[status]}" for status in STATUS_ORDER if counts[status]
    ]
    return _("%(total)s chỉ tiêu: %(parts)s.") % {"total": total, "parts": "; ".join(parts)}


def _introduction(report: StatusReport, styles):
    plan = report.plan
    counts = {status: 0 for status in STATUS_ORDER}
    for section in report.sections:
        for status, count in section.counts.items():
            counts[status] += count
    text = _(
        "Thực hiện %(reference)s của %(issued_by)s, trên cơ sở số liệu đã được duyệt trên "
        "hệ thống theo dõi chỉ tiêu chuyển đổi số đến ngày %(date)s, tình hình thực hiện "
        "các chỉ tiêu (phạm vi: %(scope)s) như sau. Tổng số %(counts)s"
    ) % {
        "reference": plan.reference,
        "issued_by": plan.issued_by,
        "date": date_format(report.as_of, "SHORT_DATE_FORMAT"),
        "scope": report.scope_label.lower()
        if report.within is None or report.within.kind == AdministrativeUnit.Kind.CITY
        else report.scope_label,
        "counts": _counts_sentence(counts, len(report.figures)),
    }
    return [Paragraph(_escape(text), styles["body"])]


TABLE_WIDTHS = [18 * mm, 61 * mm, 20 * mm, 19 * mm, 18 * mm, 0]
TABLE_WIDTHS[-1] = FRAME_WIDTH - sum(TABLE_WIDTHS)


def _pillar_section(section, styles):
    cell, head = styles["cell"], styles["cell_head"]
    rows = [
        [
            Paragraph(_("Mã"), head),
            Paragraph(_("Chỉ tiêu"), head),
            Paragraph(_("Số liệu"), head),
            Paragraph(_("Mục tiêu"), head),
            Paragraph(_("Đơn vị đã báo cáo"), head),
            Paragraph(_("Trạng thái"), head),
        ]
    ]
    table_style = [
        ("FONT", (0, 0), (-1, -1), FONT),  # else Table sets Helvetica
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#555555")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE3EA")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for index, figure in enumerate(section.figures, start=1):
        target = figure.target
        rows.append(
            [
                Paragraph(_escape(target.code), cell),
                Paragraph(_escape(target.display_name), cell),
                Paragraph(_escape(format_value(target, figure.value)), cell),
                Paragraph(_escape(format_target(target)), cell),
                Paragraph(f"{figure.reported}/{figure.expected}", cell),
                Paragraph(_escape(figure.status.label), cell),
            ]
        )
        table_style.append(
            (
                "BACKGROUND",
                (5, index),
                (5, index),
                colors.HexColor("#" + STATUS_FILLS[figure.status]),
            )
        )
    heading = Paragraph(
        _escape(f"{section.number}. {section.pillar.display_name.upper()}"), styles["section"]
    )
    summary = Paragraph(
        _escape(_counts_sentence(section.counts, len(section.figures))), styles["small"]
    )
    table = Table(rows, colWidths=TABLE_WIDTHS, repeatRows=1, style=TableStyle(table_style))
    return [KeepTogether([heading, summary, Spacer(1, 4), table])]


def _legend(styles) -> Paragraph:
    """The status colours, as coloured squares before each label."""
    items = [
        f'<font color="#{STATUS_COLOURS[status]}">■</font>&nbsp;'
        + _escape(status.label).replace(" ", "&nbsp;")
        for status in STATUS_ORDER
    ]
    return Paragraph("&nbsp;&nbsp;&nbsp;".join(items), styles["small"])


def _chart_section(report: StatusReport, styles, number: str):
    explanation = (
        _(
            "Mỗi thanh là số liệu so với mục tiêu (100% là đạt mục tiêu; chỉ tiêu “càng nhỏ "
            "càng tốt” tính bằng mục tiêu / số liệu)."
        )
        + " "
        + str(BAR_LEGEND)
    )
    heading = _("BIỂU ĐỒ TIẾN ĐỘ CÁC CHỈ TIÊU")
    return [
        KeepTogether(
            [
                Paragraph(_escape(f"{number}. {heading}"), styles["section"]),
                Paragraph(_escape(explanation), styles["small"]),
                Spacer(1, 6),
                progress_chart(report, FRAME_WIDTH),
                Spacer(1, 4),
                _legend(styles),
            ]
        )
    ]


def _missing_section(report: StatusReport, styles, number: str):
    heading = _("ĐƠN VỊ CHƯA BÁO CÁO")
    story = [Paragraph(_escape(f"{number}. {heading}"), styles["section"])]
    by_target = OrderedDict()
    for row in report.missing:
        by_target.setdefault(row.target.pk, []).append(row)
    if not by_target:
        story.append(
            Paragraph(_("Tất cả đơn vị đã có số liệu được duyệt cho kỳ gần nhất."), styles["small"])
        )
    figures = {figure.target.pk: figure for figure in report.figures}
    for target_id, rows in by_target.items():
        figure = figures[target_id]
        target = figure.target
        groups = OrderedDict()
        for row in rows:
            unit = row.unit
            parent = unit.parent if unit.level == AdministrativeUnit.Level.COMMUNE else None
            groups.setdefault(parent, []).append(row)
        names = []
        for parent, group in groups.items():
            listed = ", ".join(
                unit_label(r.unit)
                + ("" if r.entry_status is None else f" ({r.entry_status_label.lower()})")
                for r in group
            )
            names.append(f"{unit_label(parent)}: {listed}" if parent else listed)
        text = _("%(code)s — %(name)s (kỳ %(period)s): %(missing)s/%(expected)s đơn vị") % {
            "code": target.code,
            "name": target.display_name,
            "period": date_format(rows[0].period_end, "SHORT_DATE_FORMAT"),
            "missing": len(rows),
            "expected": figure.expected,
        }
        story.append(
            Paragraph(f"<b>{_escape(text)}</b>: {_escape('; '.join(names))}.", styles["small"])
        )
        story.append(Spacer(1, 3))
    return story


def _method_section(report: StatusReport, styles, number: str):
    heading = _("CÁCH TÍNH TRẠNG THÁI")
    story = [Paragraph(_escape(f"{number}. {heading}"), styles["section"])]
    for line in report.status_rule:
        story.append(Paragraph(_escape(line), styles["small"]))
    story.append(
        Paragraph(
            _escape(
                _(
                    "Báo cáo được lập tự động từ hệ thống theo dõi chỉ tiêu chuyển đổi số; "
                    "chỉ tính số liệu đã được duyệt đến ngày %(date)s."
                )
                % {"date": date_format(report.as_of, "SHORT_DATE_FORMAT")}
            ),
            styles["note"],
        )
    )
    return story
