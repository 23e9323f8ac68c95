"""The status report as a PDF laid out per Nghị định 30/2020/NĐ-CP, Phụ lục I.

A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm; Liberation Serif
(Times New Roman's metrics) embedded. Top of the first page: the issuing body (capitals,
a rule a third of its length under it) and "Số: …" on the left; the national motto and
"Độc lập - Tự do - Hạnh phúc" (a rule as long as it) and the italic place and date on the
right. Then the document kind and its title (trích yếu) with a rule, the body, "Nơi nhận:"
bottom left and the signature block bottom right; the annexes (phụ lục) on pages of their
own. Page numbers from page 2, centred in the top margin. Sizes 12–14 pt (tables 10.5 pt).

The writer lays out a document from ``targets.reports.document`` (the quick report's, a
draft's, or an issued report's snapshot) and reads nothing else, so an issued report's
file is the same whatever happens to the entries. Drawn with reportlab in invariant mode:
the same document gives the same bytes.
"""

import io

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from targets.domain.status import STATUS_ORDER
from targets.reports.chart import progress_chart
from targets.reports.data import STATUS_COLOURS, ReportData
from targets.reports.document import build_document, quick_letterhead
from targets.reports.fonts import FONT, FONT_BOLD, FONT_BOLD_ITALIC, FONT_ITALIC, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
# Margins of an administrative document (Phụ lục I, I.3): top and bottom 20–25 mm, left
# 30–35 mm, right 15–20 mm.
LEFT, RIGHT, TOP, BOTTOM = 30 * mm, 15 * mm, 20 * mm, 20 * mm
FRAME_WIDTH = PAGE_WIDTH - LEFT - RIGHT
# Sizes in points (Phụ lục I, II and IV): motto 12–13, its second line 13–14, issuing
# body 12–13, number 13, place and date 13–14, kind and title 13–14, body 13–14,
# "Nơi nhận:" 12 and the list 11, signer 13–14, page numbers 13–14.
ISSUER_SIZE = 12.5
MOTTO_SIZE = 12.5
MOTTO_LINE_SIZE = 13.5
TEXT_SIZE = 13
TITLE_SIZE = 14
CELL_SIZE = 10.5
BORDER = colors.HexColor("#555555")


def _styles():
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=TEXT_SIZE,
        leading=TEXT_SIZE * 1.25,
        alignment=TA_JUSTIFY,
        firstLineIndent=10 * mm,  # 1–1.27 cm
        spaceBefore=4,
    )
    centred = ParagraphStyle("centred", body, alignment=TA_CENTER, firstLineIndent=0, spaceBefore=0)
    return {
        "body": body,
        "small": ParagraphStyle("small", body, fontSize=12, leading=15),
        "note": ParagraphStyle("note", body, fontName=FONT_ITALIC, fontSize=12, leading=15),
        "issuer": ParagraphStyle(
            "issuer", centred, fontName=FONT_BOLD, fontSize=ISSUER_SIZE, leading=15
        ),
        "issuer_regular": ParagraphStyle(
            "issuer_regular", centred, fontSize=ISSUER_SIZE, leading=15
        ),
        "motto": ParagraphStyle(
            "motto", centred, fontName=FONT_BOLD, fontSize=MOTTO_SIZE, leading=15
        ),
        "motto_line": ParagraphStyle(
            "motto_line", centred, fontName=FONT_BOLD, fontSize=MOTTO_LINE_SIZE, leading=16
        ),
        "number": ParagraphStyle("number", centred, fontSize=TEXT_SIZE, leading=16),
        "date": ParagraphStyle("date", centred, fontName=FONT_ITALIC, fontSize=13.5, leading=16),
        "draft": ParagraphStyle(
            "draft", centred, fontName=FONT_BOLD, fontSize=12, alignment=TA_RIGHT
        ),
        "kind": ParagraphStyle(
            "kind", centred, fontName=FONT_BOLD, fontSize=TITLE_SIZE, leading=18, spaceBefore=18
        ),
        "title": ParagraphStyle("title", centred, fontName=FONT_BOLD, fontSize=13.5, leading=17),
        "subtitle": ParagraphStyle(
            "subtitle", centred, fontName=FONT_ITALIC, fontSize=12, leading=15, spaceAfter=8
        ),
        "heading1": ParagraphStyle(
            "heading1",
            body,
            fontName=FONT_BOLD,
            alignment=TA_LEFT,
            spaceBefore=10,
            spaceAfter=2,
            keepWithNext=1,
        ),
        "heading2": ParagraphStyle(
            "heading2",
            body,
            fontName=FONT_BOLD,
            alignment=TA_LEFT,
            spaceBefore=8,
            spaceAfter=2,
            keepWithNext=1,
        ),
        "cell": ParagraphStyle(
            "cell",
            fontName=FONT,
            fontSize=CELL_SIZE,
            leading=CELL_SIZE * 1.2,
            alignment=TA_LEFT,
        ),
        "cell_head": ParagraphStyle(
            "cell_head",
            fontName=FONT_BOLD,
            fontSize=CELL_SIZE,
            leading=CELL_SIZE * 1.2,
            alignment=TA_CENTER,
        ),
        "recipients_label": ParagraphStyle(
            "recipients_label", fontName=FONT_BOLD_ITALIC, fontSize=12, leading=14
        ),
        "recipient": ParagraphStyle("recipient", fontName=FONT, fontSize=11, leading=13),
        "authority": ParagraphStyle(
            "authority", centred, fontName=FONT_BOLD, fontSize=TEXT_SIZE, leading=16
        ),
        "signer": ParagraphStyle("signer", centred, fontName=FONT_BOLD, fontSize=TEXT_SIZE),
        "annex_label": ParagraphStyle(
            "annex_label", centred, fontName=FONT_BOLD, fontSize=TEXT_SIZE, leading=16
        ),
        "annex_heading": ParagraphStyle(
            "annex_heading", centred, fontName=FONT_BOLD, fontSize=TEXT_SIZE, leading=16
        ),
        "annex_attached": ParagraphStyle(
            "annex_attached", centred, fontName=FONT_ITALIC, fontSize=12, leading=15, spaceAfter=8
        ),
    }


def _page_number(canvas, document):
    """From page 2: the page number, centred in the top margin (Phụ lục I, I.7)."""
    canvas.saveState()
    canvas.setFont(FONT, TEXT_SIZE)
    canvas.drawCentredString(LEFT + FRAME_WIDTH / 2, PAGE_HEIGHT - TOP / 2 - 4, str(document.page))
    canvas.restoreState()


def export_report_pdf(report: ReportData) -> bytes:
    """The quick report of ``report`` (a draft: unnumbered, undated, unsigned)."""
    return export_document_pdf(build_document(report, quick_letterhead(report)))


def export_document_pdf(document: dict) -> bytes:
    """The PDF of ``document`` (see :mod:`targets.reports.document`), as bytes."""
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    meta = document["meta"]
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=meta["title"],
        author=meta["author"],
        subject=meta["subject"],
        creator=_("Hệ thống theo dõi chỉ tiêu chuyển đổi số Hải Phòng"),
        lang=get_language() or "vi",
        invariant=1,
        initialFontName=FONT,  # else the canvas references an unembedded Helvetica
    )
    story = _heading(document["heading"], styles)
    story += _blocks(document["body"], styles)
    story.append(_closing(document["closing"], styles))
    for annex in document["annexes"]:
        story.append(PageBreak())
        story += [
            Paragraph(_escape(annex["label"]), styles["annex_label"]),
            Paragraph(_escape(annex["heading"]), styles["annex_heading"]),
            Paragraph(_escape(annex["attached"]), styles["annex_attached"]),
        ]
        story += _blocks(annex["blocks"], styles)
    template.build(story, onLaterPages=_page_number)
    return buffer.getvalue()


def _escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rule(width):
    return HRFlowable(
        width=width, thickness=0.6, color=colors.black, spaceBefore=5, hAlign="CENTER"
    )


def _heading(heading: dict, styles):
    issuer = [
        Paragraph(_escape(line), styles["issuer" if bold else "issuer_regular"])
        for line, bold in heading["issuer"]
    ]
    # Under the issuing body a rule a third to a half of its longest line.
    longest = max(
        pdfmetrics.stringWidth(line, FONT_BOLD, ISSUER_SIZE) for line, _b in heading["issuer"]
    )
    issuer.append(_rule(longest * 0.4))
    motto, motto_line = heading["motto"]
    motto_width = pdfmetrics.stringWidth(motto, FONT_BOLD, MOTTO_SIZE)
    line_width = pdfmetrics.stringWidth(motto_line, FONT_BOLD, MOTTO_LINE_SIZE)
    right = [
        Paragraph(_escape(motto), styles["motto"]),
        Paragraph(_escape(motto_line), styles["motto_line"]),
        _rule(line_width),  # as long as the line above it
    ]
    right_width = min(max(motto_width, line_width) + 6 * mm, FRAME_WIDTH - 55 * mm)
    header = Table(
        [
            [issuer, right],
            [
                Paragraph(_escape(heading["number"]), styles["number"]),
                Paragraph(_escape(heading["place_and_date"]), styles["date"]),
            ],
        ],
        colWidths=[FRAME_WIDTH - right_width, right_width],
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT),  # else Table sets Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),  # centres the rules under the names
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 6),
            ]
        ),
    )
    story = []
    if heading["draft_mark"]:
        story.append(Paragraph(_escape(heading["draft_mark"]), styles["draft"]))
    story += [
        header,
        Paragraph(_escape(heading["kind"]), styles["kind"]),
        Paragraph(_escape(heading["title"]), styles["title"]),
        _rule("25%"),
        Spacer(1, 2),
        Paragraph(_escape(heading["subtitle"]), styles["subtitle"]),
    ]
    return story


def _blocks(blocks, styles):
    story = []
    for block in blocks:
        kind = block["type"]
        if kind == "heading":
            story.append(Paragraph(_escape(block["text"]), styles[f"heading{block['level']}"]))
        elif kind == "paragraph":
            story.append(Paragraph(_escape(block["text"]), styles[block["style"]]))
        elif kind == "table":
            story += [Spacer(1, 4), _table(block, styles), Spacer(1, 4)]
        elif kind == "chart":
            story.append(
                KeepTogether(
                    [
                        Spacer(1, 4),
                        progress_chart(block["bars"], FRAME_WIDTH),
                        Spacer(1, 4),
                        _legend(styles),
                    ]
                )
            )
    return story


def _table(block, styles):
    """A table with a header row repeated on every page. Text columns wrap (a Paragraph
    per cell); figures, dates and statuses are short and are drawn as plain strings,
    which is much faster for the long annex tables."""
    columns = block["columns"]
    scale = FRAME_WIDTH / sum(column["width"] for column in columns)
    widths = [column["width"] * scale for column in columns]
    wraps = [column["align"] == "left" for column in columns]
    cell_style = styles["cell"]
    rows = [[Paragraph(_escape(column["title"]), styles["cell_head"]) for column in columns]]
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.4, BORDER),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE3EA")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for index, column in enumerate(columns):
        align = column["align"].upper()
        if align != "LEFT":
            commands.append(("ALIGN", (index, 1), (index, -1), align))
    for index, row in enumerate(block["rows"], start=1):
        if "group" in row:
            text = _escape(row["group"])
            text = f"<b>{text}</b>" if row["level"] == 1 else f"<b><i>{text}</i></b>"
            rows.append([Paragraph(text, cell_style)] + [""] * (len(columns) - 1))
            shade = "#EEEEEE" if row["level"] == 1 else "#F7F7F7"
            commands += [
                ("SPAN", (0, index), (-1, index)),
                ("BACKGROUND", (0, index), (-1, index), colors.HexColor(shade)),
            ]
            continue
        rows.append(
            [
                Paragraph(_escape(cell), cell_style) if wrap else cell
                for cell, wrap in zip(row["cells"], wraps, strict=True)
            ]
        )
        for column, fill in row.get("fills", {}).items():
            column = int(column)
            commands.append(
                ("BACKGROUND", (column, index), (column, index), colors.HexColor("#" + fill))
            )
    return Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(commands))


def _legend(styles) -> Paragraph:
    """The status colours, as coloured squares before each label."""
    items = [
        f'<font color="#{STATUS_COLOURS[status]}">■</font>&nbsp;'
        + _escape(status.label).replace(" ", "&nbsp;")
        for status in STATUS_ORDER
    ]
    return Paragraph("&nbsp;&nbsp;&nbsp;".join(items), ParagraphStyle("legend", styles["cell"]))


def _closing(closing: dict, styles):
    """ "Nơi nhận:" bottom left, the signature block bottom right (Phụ lục I, IV)."""
    left = [Paragraph(_escape(closing["recipients_label"]), styles["recipients_label"])]
    left += [Paragraph(_escape(line), styles["recipient"]) for line in closing["recipients"]]
    right = [Paragraph(_escape(line), styles["authority"]) for line in closing["authority"]]
    right.append(Spacer(1, 62))  # room for the signature and the seal
    if closing["signer_name"]:
        right.append(Paragraph(_escape(closing["signer_name"]), styles["signer"]))
    table = Table(
        [[left, right]],
        colWidths=[FRAME_WIDTH * 0.48, FRAME_WIDTH * 0.52],
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    return KeepTogether([Spacer(1, 12), table])
