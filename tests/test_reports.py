"""The status report (XLSX, PDF, CSV) read back: the figures are those of the pages."""

import csv
import datetime
import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from targets.domain.models import AdministrativeUnit, Plan, Target
from targets.domain.progress import plan_figures
from targets.domain.status import Status
from targets.reports import (
    export_report_docx,
    export_report_pdf,
    export_report_xlsx,
    export_status_csv,
    gather_report,
)
from targets.reports.document import build_document, quick_letterhead
from targets.reports.xlsx import HEADER_ROW
from tests.report_builders import pdf_of, pdf_text

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)
NOV = datetime.date(2022, 11, 30)
NGO_QUYEN_COMMUNES = 12


@pytest.fixture
def entries(target, unit, make_entry):
    """A few figures whose roll-ups are easy to compute by hand."""
    cqs03c = target("CQS-03c")
    make_entry(cqs03c, unit("11329"), numerator=30, denominator=60)  # Máy Chai, Ngô Quyền
    make_entry(cqs03c, unit("11332"), numerator=10, denominator=40)  # Ngô Quyền
    make_entry(cqs03c, unit("11296"), numerator=5, denominator=100, status="draft")  # Hồng Bàng
    make_entry(target("CQS-03b"), unit("304"), numerator=45, denominator=50)
    make_entry(target("CQS-01"), unit("31"), NOV, numerator=80, denominator=100)
    make_entry(target("DTI-01"), unit("31"), value=14)
    make_entry(target("XHS-02"), unit("31"), value=1)
    return cqs03c


def report(within=None, as_of=DEC):
    return gather_report(Plan.objects.get(code="kh74-2022"), as_of=as_of, within=within)


def workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def sheet_rows(sheet, first=HEADER_ROW + 1):
    return [row for row in sheet.iter_rows(min_row=first, values_only=True) if any(row)]


def quick_pdf(data) -> bytes:
    """``export_report_pdf(data)``, written once for equal data (see ``pdf_of``)."""
    return pdf_of(build_document(data, quick_letterhead(data)))


# --- data ------------------------------------------------------------------------------


def test_report_figures_equal_plan_figures_and_the_hand_computed_roll_up(entries):
    data = report()
    plan = Plan.objects.get(code="kh74-2022")
    expected = {f.target.code: f for f in plan_figures(plan.targets.all(), DEC)}
    assert [f.target.code for f in data.figures] == list(expected)
    for figure in data.figures:
        assert (figure.value, figure.status) == (
            expected[figure.target.code].value,
            expected[figure.target.code].status,
        )
    by_code = {f.target.code: f for f in data.figures}
    # (30 + 10) / (60 + 40): the draft of Hồng Bàng does not count.
    assert by_code["CQS-03c"].value == Decimal(40)
    assert by_code["CQS-03c"].status == Status.ACHIEVED
    assert by_code["CQS-01"].value == Decimal(80) and by_code["CQS-01"].reported == 0


def test_gather_report_query_count_does_not_grow_with_entries(
    entries, target, unit, make_entry, django_assert_num_queries
):
    plan = Plan.objects.get(code="kh74-2022")
    # the report's tree (units); the target table's builder: targets, units, roll-up, the
    # city's own figures, and those two as of the previous period; each expected unit's
    # latest approved figure; the entries of the periods due (the reporting state); the
    # latest approved entries of the pairs not approved
    with django_assert_num_queries(10):
        gather_report(plan, as_of=DEC)
    communes = AdministrativeUnit.objects.filter(level="commune").exclude(
        code__in=["11329", "11332", "11296"]
    )
    for commune in communes[:100]:
        make_entry(entries, commune, numerator=3, denominator=9)
    with django_assert_num_queries(10):
        gather_report(plan, as_of=DEC)


def test_units_not_reporting_are_those_without_an_approved_current_figure(entries):
    data = report()
    missing = [row for row in data.missing if row.target.code == "CQS-03c"]
    assert len(missing) == 217 - 2
    states = {row.unit.code: row.entry_status_label for row in missing}
    assert states["11296"] == "Nháp"
    assert states["11335"] == "Chưa nhập"
    # CQS-01 was approved for November only: the city is missing for December's quarter.
    assert [row.unit.code for row in data.missing if row.target.code == "CQS-01"] == ["31"]
    figures = {f.target.code: f for f in data.figures}
    for code in ("CQS-03a", "CQS-03b", "CQS-03c"):
        assert sum(1 for row in data.missing if row.target.code == code) == figures[code].missing


def test_title_issuer_place_and_filename_come_from_the_plan_and_scope(entries, unit):
    data = report()
    assert data.title == (
        "Báo cáo tình hình thực hiện Kế hoạch Chuyển đổi số thành phố Hải Phòng năm 2022"
    )
    assert data.issuer == [("ỦY BAN NHÂN DÂN", True), ("THÀNH PHỐ HẢI PHÒNG", True)]
    assert data.place_and_date == "Hải Phòng, ngày 31 tháng 12 năm 2022"
    assert data.filename("xlsx") == "bao-cao-kh74-2022-2022-12-31.xlsx"
    district = report(within=unit("304"), as_of=datetime.date(2022, 2, 5))
    assert district.issuer == [("ỦY BAN NHÂN DÂN", True), ("QUẬN NGÔ QUYỀN", True)]
    assert district.place_and_date == "Ngô Quyền, ngày 05 tháng 02 năm 2022"
    assert district.filename("pdf") == "bao-cao-kh74-2022-304-2022-02-05.pdf"


# --- XLSX ------------------------------------------------------------------------------


def summary_rows(book):
    """Target rows of the summary sheet, keyed by code, with the header row number."""
    sheet = book["Tổng hợp"]
    header = next(cell.row for cell in sheet["B"] if cell.value == "Mã" and cell.row > HEADER_ROW)
    return (
        sheet,
        header,
        {row[1].value: row for row in sheet.iter_rows(min_row=header + 1) if row[1].value},
    )


def test_xlsx_summary_holds_numbers_equal_to_the_figures(entries):
    data = report()
    book = workbook(export_report_xlsx(data))
    sheet, header, rows = summary_rows(book)
    assert len(rows) == len(data.figures) == 16
    for figure in data.figures:
        row = rows[figure.target.code]
        value_cell, status_cell = row[5], row[10]
        if figure.value is None:
            assert value_cell.value is None
        elif figure.target.is_percentage:
            assert value_cell.value * 100 == pytest.approx(float(figure.value))
            assert "%" in value_cell.number_format
        else:
            assert value_cell.value == pytest.approx(float(figure.value))
        assert status_cell.value == figure.status_label  # "(tạm tính, 1/15)" when provisional
        assert status_cell.fill.fgColor.rgb.endswith(("C8E6C9", "EF9A9A", "E0E0E0", "FFCC80"))
    cqs = rows["CQS-03c"]
    assert cqs[2].value == "Hồ sơ công việc cấp xã được xử lý trên môi trường mạng"
    assert cqs[5].value == pytest.approx(0.40)
    assert (cqs[8].value, cqs[9].value) == (40, 100)
    assert cqs[11].value == 2 and cqs[12].value == 217
    assert cqs[13].number_format.endswith("%")
    assert sheet.freeze_panes == f"C{header + 1}"
    # Counts per pillar and status: the government pillar row, then the total.
    counts = {row[0].value: row for row in sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=8)}
    total = counts["Tổng cộng"]
    assert total[1].value == 16
    assert sum(cell.value for cell in total[2:9]) == 16
    assert total[2].value == sum(1 for f in data.figures if f.status == Status.ACHIEVED)


def test_xlsx_has_a_sheet_per_level_with_every_unit(entries):
    book = workbook(export_report_xlsx(report()))
    assert book.sheetnames == [
        "Tổng hợp",
        "Cấp thành phố",
        "Sở, ban, ngành",
        "Quận, huyện",
        "Xã, phường, thị trấn",
        "Chưa báo cáo",
        "Nguồn số liệu",
        "Cách tính trạng thái",
    ]
    plan_targets = Target.objects.filter(plan__code="kh74-2022")
    sizes = {"Cấp thành phố": 1, "Sở, ban, ngành": 20, "Quận, huyện": 15}
    sizes["Xã, phường, thị trấn"] = 217
    levels = {
        "Cấp thành phố": "city",
        "Sở, ban, ngành": "agencies",
        "Quận, huyện": "districts",
        "Xã, phường, thị trấn": "communes",
    }
    for name, level in levels.items():
        sheet = book[name]
        expected = plan_targets.filter(reporting_units=level).count() * sizes[name]
        assert len(sheet_rows(sheet)) == expected, name
        assert sheet.freeze_panes == f"E{HEADER_ROW + 1}"
        assert sheet.cell(row=HEADER_ROW, column=4).value == "Đơn vị"
    communes = {row[2]: row for row in sheet_rows(book["Xã, phường, thị trấn"])}
    may_chai = communes["11329"]
    assert may_chai[3] == "Phường Máy Chai" and may_chai[4] == "Quận Ngô Quyền"
    assert may_chai[5] == pytest.approx(0.5)
    assert (may_chai[6], may_chai[7]) == (30, 60)
    assert may_chai[9] == "Đã đạt" and may_chai[10] == datetime.datetime(2022, 12, 31)
    assert communes["11296"][5] is None and communes["11296"][9] == "Chưa có số liệu"
    value_cell = book["Xã, phường, thị trấn"].cell(row=HEADER_ROW + 1, column=6)
    assert value_cell.number_format == "0.00%"
    city = {row[0]: row for row in sheet_rows(book["Cấp thành phố"])}
    assert city["DTI-01"][5] == 14 and city["XHS-02"][5] == 1
    assert len(sheet_rows(book["Chưa báo cáo"])) == len(report().missing)
    assert book["Chưa báo cáo"].freeze_panes == f"A{HEADER_ROW + 1}"


def test_xlsx_sources_sheet_names_where_the_citys_figures_come_from(entries):
    from targets.domain.models import ProgressEntry

    ProgressEntry.objects.filter(target__code="DTI-01").update(
        note="=Bộ TT&TT công bố DTI 2022: hạng 14/63", evidence_url="https://example.vn/dti"
    )
    sheet = workbook(export_report_xlsx(report()))["Nguồn số liệu"]
    rows = {row[0]: row for row in sheet_rows(sheet)}
    code, _name, value, period, note, evidence = rows["DTI-01"]
    assert (value, period.date(), evidence) == (14, DEC, "https://example.vn/dti")
    assert note == "'=Bộ TT&TT công bố DTI 2022: hạng 14/63"  # formula-safe
    assert rows["XHS-02"][4] == "Không ghi nguồn"
    assert "CQS-03c" not in rows  # rolled up from the communes: no single source


def test_xlsx_method_sheet_states_the_rule_cut_offs_and_date(entries, settings):
    settings.TARGETS_STATUS_ON_TRACK = 0.9
    sheet = workbook(export_report_xlsx(report()))["Cách tính trạng thái"]
    facts = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert facts["Số liệu đã duyệt đến ngày"] == datetime.datetime(2022, 12, 31)
    assert facts["Ngưỡng “đúng tiến độ” (r ≥)"] == pytest.approx(0.9)
    assert facts["Ngưỡng “có nguy cơ” (r ≥)"] == pytest.approx(0.6)
    text = " ".join(str(row[0]) for row in sheet.iter_rows(values_only=True) if row[0])
    assert "r ≥ 0,90 → Đúng tiến độ" in text
    assert sheet.freeze_panes is not None


# --- PDF -------------------------------------------------------------------------------


def test_pdf_is_a4_with_embedded_fonts_title_motto_and_every_target(entries):
    data = report()
    content = quick_pdf(data)
    assert content == export_report_pdf(data)
    reader = PdfReader(io.BytesIO(content))
    assert content.startswith(b"%PDF-")
    for page in reader.pages:
        assert [round(float(n)) for n in page.mediabox] == [0, 0, 595, 842]
        fonts = page["/Resources"]["/Font"]
        for font in fonts.values():
            font = font.get_object()
            assert "LiberationSerif" in font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"]  # embedded TrueType
    assert reader.metadata.title == data.title
    text = pdf_text(content)
    for expected in [
        "ỦY BAN NHÂN DÂN",
        "THÀNH PHỐ HẢI PHÒNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Tình hình thực hiện Kế hoạch Chuyển đổi số thành phố Hải Phòng năm 2022",
        "I. KẾT QUẢ THỰC HIỆN",
        "1. Phát triển Chính phủ số",
        "2. Phát triển Kinh tế số",
        "3. Phát triển Xã hội số",
        "4. Biểu đồ tiến độ các chỉ tiêu",
        "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
        "ĐƠN VỊ CHƯA BÁO CÁO KỲ GẦN NHẤT",
        "Phường Cầu Tre",
    ]:
        assert expected in text, expected
    for figure in data.figures:
        assert figure.target.code in text
    assert "40,00%" in text  # CQS-03c, decimal comma, two places as on screen


def test_quick_pdf_is_an_unnumbered_unsigned_draft(entries):
    text = pdf_text(quick_pdf(report()))
    assert "DỰ THẢO" in text
    assert "Số: …/BC-UBND" in text
    assert "Hải Phòng, ngày … tháng … năm …" in text  # no issue date yet
    assert "Nơi nhận: - Lưu: VT." in text
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text  # and no name under it
    assert "III. NHIỆM VỤ" not in text  # nobody wrote the narrative


def test_quick_docx_has_the_draft_heading_and_the_figures_as_word_tables(entries):
    document = docx.Document(io.BytesIO(export_report_docx(report())))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert "DỰ THẢO" in paragraphs and "I. KẾT QUẢ THỰC HIỆN" in paragraphs
    heading = document.tables[0]
    assert heading.cell(1, 0).text == "Số: …/BC-UBND"
    assert heading.cell(1, 1).text == "Hải Phòng, ngày … tháng … năm …"
    government = document.tables[1]
    rows = {row.cells[0].text: row.cells for row in government.rows}
    assert rows["CQS-03c"][2].text == "40,00%"


def test_pdf_of_a_district_lists_only_its_targets_and_units(entries, unit):
    text = pdf_text(export_report_pdf(report(within=unit("304"))))
    assert "QUẬN NGÔ QUYỀN" in text and "Phạm vi: Quận Ngô Quyền" in text
    assert "CQS-03c" in text and "CQS-03b" in text
    assert "CQS-01" not in text and "Phường Hạ Lý" not in text  # Hạ Lý is in Hồng Bàng


# --- status CSV ------------------------------------------------------------------------


def test_status_csv_has_one_row_per_target_with_the_figures(entries):
    data = report()
    content = export_status_csv(data)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 16
    by_code = {row["Mã chỉ tiêu"]: row for row in rows}
    for figure in data.figures:
        row = by_code[figure.target.code]
        assert row["Mã trạng thái"] == figure.status.value
        if figure.value is None:
            assert row["Số liệu"] == ""
        else:
            assert Decimal(row["Số liệu"]) == figure.value.quantize(Decimal("0.0001"))
    cqs = by_code["CQS-03c"]
    assert cqs["Chỉ tiêu"] == "Hồ sơ công việc cấp xã được xử lý trên môi trường mạng"
    assert (cqs["Số liệu"], cqs["Tử số"], cqs["Mẫu số"], cqs["Trạng thái"]) == (
        "40",
        "40",
        "100",
        "Đã đạt (tạm tính, 2/217)",
    )
    assert (cqs["Đơn vị đã báo cáo kỳ này"], cqs["Đơn vị phải báo cáo"]) == ("2", "217")


# --- views -----------------------------------------------------------------------------

REPORT_URLS = [
    "targets:report-xlsx",
    "targets:report-pdf",
    "targets:report-docx",
    "targets:report-csv",
]
ALL_URLS = [*REPORT_URLS, "targets:entries-csv"]
QUERY = {"plan": "kh74-2022", "as_of": "2022-12-31"}


@pytest.mark.parametrize("name", ALL_URLS)
def test_anonymous_request_is_sent_to_login(client, name):
    response = client.get(reverse(name), QUERY, secure=True)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"as_of": "2022-12-31"}, "Thiếu mã kế hoạch"),
        ({"plan": "kh99", "as_of": "2022-12-31"}, "Không có kế hoạch mã “kh99”"),
        ({"plan": "kh74-2022", "as_of": "31-31-2022"}, "không hợp lệ"),
        ({"plan": "kh74-2022", "as_of": "2022-02-30"}, "không hợp lệ"),
        ({"plan": "kh74-2022", "unit": "999999"}, "Không có đơn vị mã"),
    ],
)
@pytest.mark.parametrize("name", ALL_URLS)
def test_bad_parameters_answer_400_with_a_vietnamese_message(
    client, admin_user, name, query, message
):
    client.force_login(admin_user)
    response = client.get(reverse(name), query, secure=True)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_report_downloads_carry_plan_and_date_in_the_filename(client, admin_user, entries):
    client.force_login(admin_user)
    for name, extension, content_type in [
        ("targets:report-xlsx", "xlsx", "spreadsheetml"),
        ("targets:report-pdf", "pdf", "application/pdf"),
        ("targets:report-docx", "docx", "wordprocessingml.document"),
        ("targets:report-csv", "csv", "text/csv"),
    ]:
        response = client.get(reverse(name), QUERY, secure=True)
        assert response.status_code == 200
        assert content_type in response["Content-Type"]
        assert response["Content-Disposition"] == (
            f'attachment; filename="bao-cao-kh74-2022-2022-12-31.{extension}"'
        )


def test_district_viewer_gets_only_its_district(client, make_user, entries):
    viewer = make_user("lanhdao.huyen", memberships=[("304", "viewer")])
    client.force_login(viewer)
    response = client.get(reverse("targets:report-xlsx"), QUERY, secure=True)
    assert response["Content-Disposition"].endswith('-304-2022-12-31.xlsx"')
    book = workbook(response.content)
    assert book.sheetnames == [
        "Tổng hợp",
        "Quận, huyện",
        "Xã, phường, thị trấn",
        "Chưa báo cáo",
        "Cách tính trạng thái",
    ]
    assert [row[2] for row in sheet_rows(book["Quận, huyện"])] == ["304"]
    communes = sheet_rows(book["Xã, phường, thị trấn"])
    assert len(communes) == NGO_QUYEN_COMMUNES
    assert {row[4] for row in communes} == {"Quận Ngô Quyền"}
    _sheet, _header, rows = summary_rows(book)
    assert set(rows) == {"CQS-03b", "CQS-03c"}
    assert rows["CQS-03c"][5].value == pytest.approx(0.40)  # (30 + 10) / (60 + 40)
    assert rows["CQS-03c"][12].value == NGO_QUYEN_COMMUNES
    # Another district's unit is out of scope.
    response = client.get(reverse("targets:report-xlsx"), {**QUERY, "unit": "303"}, secure=True)
    assert response.status_code == 403


def test_city_viewer_and_plan_administrator_get_the_city(client, make_user, entries):
    city_viewer = make_user("lanhdao", memberships=[("31", "viewer")])
    administrator = make_user("quantri", groups=["plan_administrators"])
    for user in (city_viewer, administrator):
        client.force_login(user)
        response = client.get(reverse("targets:report-csv"), QUERY, secure=True)
        assert response["Content-Disposition"].endswith('"bao-cao-kh74-2022-2022-12-31.csv"')
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == 16


def test_commune_reporter_gets_its_commune(client, make_user, entries):
    reporter = make_user("baocao.xa", memberships=[("11329", "reporter")])
    client.force_login(reporter)
    response = client.get(reverse("targets:report-csv"), QUERY, secure=True)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["Mã chỉ tiêu"], row["Số liệu"]) for row in rows] == [("CQS-03c", "50")]


def test_user_without_a_unit_is_refused(client, make_user):
    client.force_login(make_user("nobody"))
    assert client.get(reverse("targets:report-pdf"), QUERY, secure=True).status_code == 403


def test_expected_figure_is_left_out_where_the_rule_uses_none(entries):
    rows = list(csv.DictReader(io.StringIO(export_status_csv(report()).decode("utf-8-sig"))))
    by_code = {row["Mã chỉ tiêu"]: row for row in rows}
    assert by_code["DTI-01"]["Mức kỳ vọng"] == ""  # a rank without a baseline: "pending"
    assert by_code["XHS-02"]["Mức kỳ vọng"] == ""  # a milestone
    assert by_code["CQS-03c"]["Mức kỳ vọng"] == "30"  # at the deadline, the target itself


@pytest.mark.parametrize("name", REPORT_URLS)
def test_report_views_query_count_does_not_grow_with_entries(
    name, client, make_user, entries, unit, make_entry, django_assert_num_queries
):
    viewer = make_user("lanhdao.huyen", memberships=[("304", "viewer")])
    client.force_login(viewer)
    # session, user, plan, plan-administrator group check, memberships (with units),
    # then gather_report's, less the city's own figures (a district's report has none):
    # tree, targets, units, roll-up, previous roll-up, latest figures, states, missing
    with django_assert_num_queries(13):
        assert client.get(reverse(name), QUERY, secure=True).status_code == 200
    for code in (
        AdministrativeUnit.objects.filter(parent__code="304")
        .exclude(code__in=["11329", "11332"])
        .values_list("code", flat=True)
    ):
        make_entry(entries, unit(code), numerator=1, denominator=3)
    # Every commune of 304 has now reported CQS-03c: no pair is missing, so the latest
    # approved entries of the missing pairs are not asked for (one query fewer).
    with django_assert_num_queries(12):
        assert client.get(reverse(name), QUERY, secure=True).status_code == 200
