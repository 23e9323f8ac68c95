"""Builders shared by the status report record tests: a few entries, an issued-ready
city report, and readers of the PDF and DOCX files."""

import datetime
import io
import json

import docx
from pypdf import PdfReader

from targets.domain.models import AdministrativeUnit, Plan, ProgressEntry, StatusReport
from targets.reports import export_document_docx, export_document_pdf

DEC = datetime.date(2022, 12, 31)
ISSUED_ON = datetime.date(2023, 1, 5)
SIGNER = "Nguyễn Văn Tùng"
DTI_SOURCE = "Kết quả công bố: Hải Phòng xếp hạng 14/63 về DTI năm 2022."
DTI_URL = "https://dti.gov.vn/xep-hang-2022"


def add_entries(target, unit, make_entry):
    """CQS-03c: Máy Chai (11329) 30/60 and 11332 10/40, both in Ngô Quyền, so the city's
    and the district's figure is 40%; CQS-03b Ngô Quyền 45/50; DTI-01 the city's rank 14
    with its published source. Returns the 11332 entry."""
    cqs03c = target("CQS-03c")
    make_entry(cqs03c, unit("11329"), numerator=30, denominator=60)
    second = make_entry(cqs03c, unit("11332"), numerator=10, denominator=40)
    make_entry(target("CQS-03b"), unit("304"), numerator=45, denominator=50)
    dti = make_entry(target("DTI-01"), unit("31"), value=14)
    ProgressEntry.objects.filter(pk=dti.pk).update(note=DTI_SOURCE, evidence_url=DTI_URL)
    return second


def make_report(unit_code="31", **fields) -> StatusReport:
    defaults = {
        "plan": Plan.objects.get(code="kh74-2022"),
        "as_of": DEC,
        "unit": AdministrativeUnit.objects.get(code=unit_code),
        "number": "125",
        "symbol": "BC-UBND",
        "place": "Hải Phòng",
        "issue_date": ISSUED_ON,
        "title": "Tình hình thực hiện Kế hoạch chuyển đổi số năm 2022",
        "signer_name": SIGNER,
        "recipients": "Bộ Thông tin và Truyền thông;\nThường trực Thành ủy;\nLưu: VT.",
        # Markup and control characters staff may paste: written as text, never read.
        "results": "Năm 2022, <b>các cơ quan</b> & đơn vị\x07\x1b đã triển khai đồng bộ.",
        "shortcomings": "Một số xã chưa báo cáo đúng hạn.",
        "tasks": "Đôn đốc các đơn vị báo cáo đầy đủ.",
        "recommendations": "Đề nghị Bộ hỗ trợ nền tảng dùng chung.",
    }
    defaults.update(fields)
    return StatusReport.objects.create(**defaults)


_PAGES = {}


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page, spaces collapsed (read once per file: pypdf takes about a
    second for the fifteen pages of a city report)."""
    if content not in _PAGES:
        reader = PdfReader(io.BytesIO(content))
        _PAGES[content] = [" ".join(page.extract_text().split()) for page in reader.pages]
    return _PAGES[content]


def pdf_text(content: bytes) -> str:
    return " ".join(pdf_pages(content))


def docx_document(content: bytes):
    return docx.Document(io.BytesIO(content))


def docx_text(content: bytes) -> str:
    """Every paragraph and table cell of the Word file, in order, one space apart."""
    document = docx_document(content)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return " ".join(" ".join(parts).split())


_FILES = {}


def written(document: dict, writer) -> bytes:
    """``writer(document)``, written once per test process for equal documents: the
    tests below build the same document many times, and a 15-page PDF takes a second."""
    key = (writer.__name__, json.dumps(document, sort_keys=True))
    if key not in _FILES:
        _FILES[key] = writer(document)
    return _FILES[key]


def pdf_of(document: dict) -> bytes:
    return written(document, export_document_pdf)


def docx_of(document: dict) -> bytes:
    return written(document, export_document_docx)
