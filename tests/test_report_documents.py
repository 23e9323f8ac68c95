"""The issued status report read back: the PDF (pypdf) and the Word file (python-docx)
carry the parts Nghị định 30/2020/NĐ-CP, Phụ lục I requires, in its layout."""

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.ttfonts import TTFont

from targets.reports.fonts import FONT_DIR
from targets.reports.records import report_document, report_issue
from tests.report_builders import (
    DTI_SOURCE,
    DTI_URL,
    SIGNER,
    add_entries,
    docx_document,
    docx_of,
    docx_text,
    make_report,
    pdf_of,
    pdf_pages,
    pdf_text,
)

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)
LEFT, RIGHT, TOP, BOTTOM = 30 * mm, 15 * mm, 20 * mm, 20 * mm


@pytest.fixture
def issued(target, unit, make_entry, admin_user):
    """The city's report no. 125/BC-UBND of 05/01/2023, issued; its document and files."""
    add_entries(target, unit, make_entry)
    report = report_issue(report=make_report(), user=admin_user)
    document = report_document(report)
    return document, pdf_of(document), docx_of(document)


FIRST_PAGE = [
    "ỦY BAN NHÂN DÂN",
    "THÀNH PHỐ HẢI PHÒNG",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: 125/BC-UBND",
    "Hải Phòng, ngày 05 tháng 01 năm 2023",
    "BÁO CÁO",
    "Tình hình thực hiện Kế hoạch chuyển đổi số năm 2022",
]
CLOSING = [
    "Nơi nhận:",
    "- Bộ Thông tin và Truyền thông;",
    "- Lưu: VT.",
    "TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    SIGNER,
]
HEADINGS = [
    "I. KẾT QUẢ THỰC HIỆN",
    "1. Phát triển Chính phủ số",
    "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
    "III. NHIỆM VỤ, GIẢI PHÁP TRONG THỜI GIAN TỚI",
    "IV. KIẾN NGHỊ, ĐỀ XUẤT",
    "Phụ lục I",
    "SỐ LIỆU CỦA CÁC ĐƠN VỊ",
    "TỔNG HỢP THEO QUẬN, HUYỆN",
    "ĐƠN VỊ CHƯA BÁO CÁO KỲ GẦN NHẤT",
    "NGUỒN SỐ LIỆU VÀ CÁCH TÍNH TRẠNG THÁI",
]


def test_pdf_first_page_has_issuer_motto_number_date_kind_and_title(issued):
    _document, pdf, _word = issued
    first = pdf_pages(pdf)[0]
    for expected in FIRST_PAGE:
        assert expected in first, expected
    assert "DỰ THẢO" not in first


def test_pdf_has_narrative_sections_recipients_and_signer(issued):
    _document, pdf, _word = issued
    text = pdf_text(pdf)
    for expected in HEADINGS + CLOSING:
        assert expected in text, expected
    assert "Đề nghị Bộ hỗ trợ nền tảng dùng chung." in text
    assert "(Kèm theo Báo cáo số 125/BC-UBND ngày 05/01/2023)" in text


def test_pdf_annex_lists_the_source_of_a_published_figure(issued):
    _document, pdf, _word = issued
    sources = pdf_pages(pdf)[-1]
    assert "DTI-01" in sources and "hạng 14" in sources
    assert DTI_SOURCE in sources and DTI_URL in sources


def test_pdf_embeds_the_shipped_liberation_serif(issued):
    _document, pdf, _word = issued
    shipped = {
        TTFont(name, str(FONT_DIR / f"LiberationSerif-{name}.ttf")).face.name.decode()
        for name in ("Regular", "Bold", "Italic", "BoldItalic")
    }
    used = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/FontDescriptor"]
            assert "/FontFile2" in descriptor  # an embedded TrueType subset
            used.add(str(font["/BaseFont"]).split("+", 1)[-1])
    assert used == shipped


def test_pdf_is_a4_with_text_inside_the_decree_margins(issued):
    _document, pdf, _word = issued
    reader = PdfReader(io.BytesIO(pdf))
    pages = list(enumerate(reader.pages, start=1))
    # The first pages (heading, body, signature) and the last (an annex).
    for number, page in pages[:3] + pages[-1:]:
        width, height = (float(n) for n in page.mediabox[2:])
        assert (round(width, 2), round(height, 2)) == A4
        body, top_margin = [], []

        def visit(text, cm, tm, _font, _size, body=body, top_margin=top_margin):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            (top_margin if y > A4[1] - TOP else body).append((x, y, text.strip()))

        page.extract_text(visitor_text=visit)
        assert body
        assert min(x for x, _y, _t in body) >= LEFT - 0.5
        assert max(x for x, _y, _t in body) <= A4[0] - RIGHT
        assert min(y for _x, y, _t in body) >= BOTTOM - 0.5
        # Page numbers from page 2, centred in the top margin.
        if number == 1:
            assert top_margin == []
        else:
            ((x, _y, text),) = top_margin
            assert text == str(number)
            assert abs(x - (LEFT + (A4[0] - LEFT - RIGHT) / 2)) < 8


def test_docx_has_the_same_headings_signer_and_layout(issued):
    document, pdf, word = issued
    text = docx_text(word)
    for expected in FIRST_PAGE + HEADINGS + CLOSING:
        assert expected in text, expected
    pdf_content = pdf_text(pdf)
    for block in document["body"]:
        if block["type"] == "heading":
            assert block["text"] in text and block["text"] in pdf_content
    section = docx_document(word).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml


def test_docx_tables_are_word_tables_with_numbers_in_cells(issued):
    _document, _pdf, word = issued
    tables = docx_document(word).tables
    government = next(t for t in tables if t.cell(0, 0).text == "Mã")
    assert [c.text for c in government.rows[0].cells][:3] == ["Mã", "Chỉ tiêu", "Số liệu"]
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in government.rows[1:]}
    assert rows["CQS-03c"][2] == "40,00%"  # (30 + 10) / (60 + 40), decimal comma
    assert rows["CQS-03c"][4] == "2/217"
    units = [t for t in tables if t.cell(0, 1).text == "Đơn vị"]
    may_chai = next(r for t in units for r in t.rows if r.cells[1].text == "Phường Máy Chai")
    assert [c.text for c in may_chai.cells][2:5] == ["50,00%", "30", "60"]


def test_markup_and_control_characters_staff_type_are_written_as_text(issued):
    _document, pdf, word = issued
    for text in (pdf_text(pdf), docx_text(word)):
        assert "Năm 2022, <b>các cơ quan</b> & đơn vị đã triển khai đồng bộ." in text
