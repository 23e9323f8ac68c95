"""The status report as a Word document (python-docx), for an office to edit the
wording before signing: the same document as the PDF (``targets.reports.document``),
the same layout (A4, margins 20/20/30/15 mm, Times New Roman 12–14 pt, the issuing body
and the motto side by side with their rules, "Nơi nhận:" and the signature block side
by side, page numbers from page 2 centred at the top) and real Word tables.

Word has no reportlab drawing, so the progress chart becomes a table of the same bars
(each target's figure and its share of the target, coloured by status).
"""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from targets.domain.status import Status
from targets.reports.data import STATUS_FILLS, ReportData
from targets.reports.document import build_document, quick_letterhead
from targets.reports.fonts import FONT_BOLD, WORD_FONT, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = 210, 297  # mm
LEFT, RIGHT, TOP, BOTTOM = 30, 15, 20, 20  # mm, as the PDF
FRAME_WIDTH = PAGE_WIDTH - LEFT - RIGHT
TEXT_SIZE = 13
CELL_SIZE = 10.5
ALIGNMENTS = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}


# Word reads a property element only in its schema position: these are the elements that
# follow the ones added here (ECMA-376 part 1, CT_PPr, CT_TblPr, CT_TcPr).
AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip
AFTER_TBLBORDERS = (
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    "w:tblPrChange",
)  # fmt: skip
AFTER_SHD = (
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)  # fmt: skip


def export_report_docx(report: ReportData) -> bytes:
    """The quick report of ``report`` as a Word file (a draft)."""
    return export_document_docx(build_document(report, quick_letterhead(report)))


def export_document_docx(document: dict) -> bytes:
    """The Word file of ``document`` (see :mod:`targets.reports.document`), as bytes."""
    word = Document()
    _page_setup(word)
    meta = document["meta"]
    word.core_properties.title = meta["title"]
    word.core_properties.author = meta["author"]
    word.core_properties.subject = meta["subject"]
    _heading(word, document["heading"])
    _blocks(word, document["body"])
    _closing(word, document["closing"])
    for annex in document["annexes"]:
        _text(word, annex["label"], bold=True, align="center", page_break=True)
        _text(word, annex["heading"], bold=True, align="center")
        _text(word, annex["attached"], italic=True, size=12, align="center", after=6)
        _blocks(word, annex["blocks"])
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _page_setup(word):
    style = word.styles["Normal"]
    style.font.name = WORD_FONT
    style.font.size = Pt(TEXT_SIZE)
    # Word picks the font per script: name it for every one, not only Latin.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), WORD_FONT)
    style.paragraph_format.space_after = Pt(0)
    # The annex tables' text size comes from their table style, not from each run:
    # formatting every run of a long table costs seconds.
    table_style = word.styles.add_style("Report table", WD_STYLE_TYPE.TABLE)
    table_style.base_style = word.styles["Table Grid"]
    table_style.font.size = Pt(CELL_SIZE)
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    section.header_distance = Mm(10)
    # No number on the first page; from page 2 centred in the top margin.
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _field(run, "PAGE")
    run.font.size = Pt(TEXT_SIZE)


def _field(run, instruction):
    """A Word field (``PAGE``) in ``run``: begin, instruction, end."""
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, end):
        run._r.append(element)


def _text(
    container,
    text,
    *,
    bold=False,
    italic=False,
    size=TEXT_SIZE,
    align="left",
    indent=False,
    before=0,
    after=0,
    page_break=False,
):
    paragraph = container.add_paragraph()
    if page_break:
        paragraph.paragraph_format.page_break_before = True
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if align == "justify" else ALIGNMENTS[align]
    format_ = paragraph.paragraph_format
    format_.space_before, format_.space_after = Pt(before), Pt(after)
    if indent:
        format_.first_line_indent = Mm(10)
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    return paragraph


def _rule(container, width_mm, container_mm):
    """A centred rule ``width_mm`` long: an empty paragraph with a bottom border,
    indented on both sides."""
    paragraph = container.add_paragraph()
    side = max((container_mm - width_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = Mm(side)
    paragraph.paragraph_format.right_indent = Mm(side)
    run = paragraph.add_run()
    run.font.size = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *AFTER_PBDR)
    return paragraph


def _cell_text(cell, text, **kwargs):
    """The first paragraph of ``cell`` (python-docx gives each cell one) takes ``text``."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = ALIGNMENTS[kwargs.pop("align", "left")]
    run = paragraph.add_run(text)
    run.bold = kwargs.get("bold", False)
    run.italic = kwargs.get("italic", False)
    run.font.size = Pt(kwargs.get("size", CELL_SIZE))
    return paragraph


def _no_borders(table):
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *AFTER_TBLBORDERS)


def _widths(table, widths_mm):
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _heading(word, heading):
    if heading["draft_mark"]:
        _text(word, heading["draft_mark"], bold=True, size=12, align="right")
    issuer_width = 68
    motto_width = FRAME_WIDTH - issuer_width
    table = word.add_table(rows=2, cols=2)
    _no_borders(table)
    _widths(table, [issuer_width, motto_width])
    left, right = table.rows[0].cells
    for index, (line, bold) in enumerate(heading["issuer"]):
        paragraph = left.paragraphs[0] if index == 0 else left.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.bold = bold
        run.font.size = Pt(12.5)
    # The rules as the PDF draws them: Liberation Serif has Times New Roman's widths.
    register_fonts()
    longest = max(pdfmetrics.stringWidth(line, FONT_BOLD, 12.5) for line, _b in heading["issuer"])
    _rule(left, longest * 0.4 / mm, issuer_width)
    motto, motto_line = heading["motto"]
    _cell_text(right, motto, bold=True, size=12.5, align="center")
    paragraph = right.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(motto_line)
    run.bold = True
    run.font.size = Pt(13.5)
    _rule(right, pdfmetrics.stringWidth(motto_line, FONT_BOLD, 13.5) / mm, motto_width)
    number_cell, date_cell = table.rows[1].cells
    _cell_text(number_cell, heading["number"], size=TEXT_SIZE, align="center")
    _cell_text(date_cell, heading["place_and_date"], italic=True, size=13.5, align="center")
    for cell in table.rows[1].cells:
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)
    _text(word, heading["kind"], bold=True, size=14, align="center", before=18)
    _text(word, heading["title"], bold=True, size=13.5, align="center")
    _rule(word, 40, FRAME_WIDTH)
    _text(word, heading["subtitle"], italic=True, size=12, align="center", before=2, after=8)


def _blocks(word, blocks):
    for block in blocks:
        kind = block["type"]
        if kind == "heading":
            before = 10 if block["level"] == 1 else 8
            paragraph = _text(word, block["text"], bold=True, before=before, after=2, indent=True)
            paragraph.paragraph_format.keep_with_next = True
        elif kind == "paragraph":
            size = TEXT_SIZE if block["style"] == "body" else 12
            italic = block["style"] == "note"
            _text(
                word,
                block["text"],
                size=size,
                italic=italic,
                align="justify",
                indent=True,
                before=4,
            )
        elif kind == "table":
            _table(word, block)
        elif kind == "chart":
            _table(word, _chart_table(block["bars"]))


def _chart_table(bars) -> dict:
    fills = {status.value: fill for status, fill in STATUS_FILLS.items()}
    return {
        "columns": [
            {"title": _("Mã"), "width": 30, "align": "left"},
            {"title": _("Số liệu (so với mục tiêu)"), "width": 135, "align": "left"},
        ],
        "rows": [
            {
                "cells": [bar["code"], bar["label"]],
                "fills": {"1": fills.get(bar.get("status"), STATUS_FILLS[Status.NO_DATA])},
            }
            for bar in bars
        ],
    }


def _shade(cell, fill):
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().insert_element_before(shading, *AFTER_SHD)


def _table(word, block):
    columns = block["columns"]
    scale = FRAME_WIDTH / sum(column["width"] for column in columns)
    table = word.add_table(rows=1 + len(block["rows"]), cols=len(columns))
    table.style = word.styles["Report table"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Fixed layout; Word reads each cell's own width, LibreOffice the grid's: set both.
    table.autofit = False
    widths = [Mm(column["width"] * scale) for column in columns]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    aligns = [ALIGNMENTS[column["align"]] for column in columns]
    rows = table.rows
    # The header row repeats on every page the table runs onto.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    rows[0]._tr.get_or_add_trPr().append(repeat)
    for row in rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    for cell, column in zip(rows[0].cells, columns, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(column["title"]).bold = True
        _shade(cell, "DDE3EA")
    for row, data in zip(rows[1:], block["rows"], strict=True):
        cells = row.cells
        if "group" in data:
            merged = cells[0].merge(cells[-1])
            run = merged.paragraphs[0].add_run(data["group"])
            run.bold, run.italic = True, data["level"] == 2
            _shade(merged, "EEEEEE" if data["level"] == 1 else "F7F7F7")
            continue
        for cell, text, align in zip(cells, data["cells"], aligns, strict=True):
            paragraph = cell.paragraphs[0]
            if align != WD_ALIGN_PARAGRAPH.LEFT:
                paragraph.alignment = align
            paragraph.add_run(text)
        for column, fill in data.get("fills", {}).items():
            _shade(cells[int(column)], fill)
    word.add_paragraph().paragraph_format.space_after = Pt(2)


def _closing(word, closing):
    table = word.add_table(rows=1, cols=2)
    _no_borders(table)
    left_width = FRAME_WIDTH * 0.48
    _widths(table, [left_width, FRAME_WIDTH - left_width])
    left, right = table.rows[0].cells
    left.paragraphs[0].paragraph_format.space_before = Pt(12)
    _cell_text(left, closing["recipients_label"], bold=True, italic=True, size=12)
    for line in closing["recipients"]:
        paragraph = left.add_paragraph()
        paragraph.add_run(line).font.size = Pt(11)
    for index, line in enumerate(closing["authority"]):
        paragraph = right.paragraphs[0] if index == 0 else right.add_paragraph()
        if index == 0:
            paragraph.paragraph_format.space_before = Pt(12)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.bold = True
        run.font.size = Pt(TEXT_SIZE)
    # Room for the signature and the seal, then the name.
    spacer = right.add_paragraph()
    spacer.add_run().add_break(WD_BREAK.LINE)
    spacer.paragraph_format.space_after = Pt(40)
    if closing["signer_name"]:
        paragraph = right.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(closing["signer_name"])
        run.bold = True
        run.font.size = Pt(TEXT_SIZE)
