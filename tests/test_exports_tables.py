"""Table exports: CSV (UTF-8 with a BOM) and XLSX hold exactly the rows of the page, all
pages of them, after the page's filters, with codes, names and numbers."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from targets.pages.exports import BOM

pytestmark = pytest.mark.django_db

PERIOD = "plan=kh74-2022&as_of=2022-12-31"


@pytest.fixture(autouse=True)
def _pages():
    """Every test here downloads from the pages."""


@pytest.fixture
def entries(target, unit, make_entry):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), numerator=30, denominator=60)  # Máy Chai, Ngô Quyền
    make_entry(cqs, unit("11332"), numerator=10, denominator=40)
    make_entry(target("CQS-03b"), unit("304"), numerator=1, denominator=3)
    make_entry(target("DTI-01"), unit("31"), value=14)


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


def read_xlsx(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def page_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [row.record for row in response.context["table"].rows]


def test_target_table_csv_has_bom_codes_names_and_page_figures(manager_client, entries):
    url = f"/chi-tieu/?{PERIOD}&pillar=government"
    on_screen = page_rows(manager_client, url)
    response = manager_client.get(url + "&_export=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="chi-tieu_kh74-2022_2022-12-31.csv"' in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header[:4] == ["Mã đơn vị", "Đơn vị", "Mã chỉ tiêu", "Chỉ tiêu"]
    assert "Tử số" in header and "Mẫu số" in header and "Tình trạng" in header
    assert len(rows) == len(on_screen) == 8
    by_code = {row[2]: dict(zip(header, row, strict=True)) for row in rows}
    cqs = by_code["CQS-03c"]
    assert cqs["Mã đơn vị"] == "31" and cqs["Đơn vị"] == "Hải Phòng"
    assert cqs["Chỉ tiêu"] == "Hồ sơ công việc cấp xã được xử lý trên môi trường mạng"
    assert (cqs["Số liệu"], cqs["Tử số"], cqs["Mẫu số"], cqs["Mục tiêu"]) == (
        "40",
        "40",
        "100",
        "30",
    )
    assert cqs["Tình trạng"] == "Đã đạt (tạm tính, 2/217)"  # 2 of 217 communes reported
    assert (cqs["Số đơn vị đã báo cáo"], cqs["Số đơn vị phải báo cáo"]) == ("2", "217")
    assert cqs["Kỳ báo cáo gần nhất"] == "2022-12-31"
    assert by_code["CQS-03b"]["Số liệu"] == "33.33"  # 1/3, two places as on screen
    for record in on_screen:
        value = by_code[record.target.code]["Số liệu"]
        expected = "" if record.value is None else Decimal(record.value).quantize(Decimal("0.01"))
        assert (Decimal(value) if value else "") == expected


def test_target_table_xlsx_keeps_numbers_numbers(manager_client, entries):
    url = f"/chi-tieu/?{PERIOD}"
    response = manager_client.get(url + "&_export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="chi-tieu_kh74-2022_2022-12-31.xlsx"' in response["Content-Disposition"]
    header, *rows = read_xlsx(response)
    assert len(rows) == len(page_rows(manager_client, url)) == 16
    cqs = dict(zip(header, next(r for r in rows if r[2] == "CQS-03c"), strict=True))
    assert cqs["Chỉ tiêu"] == "Hồ sơ công việc cấp xã được xử lý trên môi trường mạng"
    assert cqs["Số liệu"] == 40 and isinstance(cqs["Số liệu"], int | float)
    assert (cqs["Tử số"], cqs["Mẫu số"], cqs["Mục tiêu"]) == (40, 100, 30)
    assert cqs["Kỳ báo cáo gần nhất"] == datetime.datetime(2022, 12, 31)
    dti = dict(zip(header, next(r for r in rows if r[2] == "DTI-01"), strict=True))
    assert (dti["Số liệu"], dti["Tình trạng"]) == (14, "Không đạt")


def test_export_holds_every_page_not_only_the_first(manager_client, entries):
    url = "/kh74-2022/CQS-03c/?as_of=2022-12-31"
    response = manager_client.get(url)
    assert len(response.context["table"].page.object_list) == 25
    header, *rows = read_csv(manager_client.get(url + "&_export=csv"))
    assert len(rows) == 217
    header, *rows = read_xlsx(manager_client.get(url + "&_export=xlsx"))
    assert len(rows) == 217


def test_target_detail_export_follows_the_filters(manager_client, entries):
    url = "/kh74-2022/CQS-03c/?as_of=2022-12-31&district=304&reported=yes"
    on_screen = page_rows(manager_client, url)
    response = manager_client.get(url + "&_export=csv")
    assert 'filename="chi-tieu-CQS-03c_kh74-2022_2022-12-31.csv"' in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert len(rows) == len(on_screen) == 2
    rows = {row[header.index("Mã đơn vị")]: dict(zip(header, row, strict=True)) for row in rows}
    may_chai = rows["11329"]
    assert may_chai["Đơn vị"] == "Máy Chai" and may_chai["Quận, huyện"] == "Ngô Quyền"
    assert (may_chai["Số liệu"], may_chai["Tử số"], may_chai["Mẫu số"]) == ("50", "30", "60")
    assert may_chai["Mã chỉ tiêu"] == "CQS-03c" and may_chai["Mục tiêu"] == "30"
    assert may_chai["Đã báo cáo kỳ này"] == "Có"
    assert rows["11332"]["Tình trạng"] == "Không đạt"


def test_scorecard_and_completeness_exports_match_their_pages(manager_client, entries):
    for url, name in (
        (f"/don-vi/304/?{PERIOD}", "don-vi-304"),
        (f"/tinh-hinh-bao-cao/?{PERIOD}&district=304", "chua-bao-cao"),
    ):
        on_screen = page_rows(manager_client, url)
        response = manager_client.get(url + "&_export=xlsx")
        assert f'filename="{name}_kh74-2022_2022-12-31.xlsx"' in response["Content-Disposition"]
        header, *rows = read_xlsx(response)
        assert len(rows) == len(on_screen) > 0
        codes = [(row[header.index("Mã đơn vị")], row[header.index("Mã chỉ tiêu")]) for row in rows]
        assert codes == [(f.unit.code, f.target.code) for f in on_screen]


def test_export_respects_scope_and_login(client, make_user, entries):
    assert client.get(f"/chi-tieu/?{PERIOD}&_export=csv").status_code == 302
    client.force_login(make_user("hongbang", memberships=[("303", "viewer")]))
    header, *rows = read_csv(client.get("/kh74-2022/CQS-03c/?as_of=2022-12-31&_export=csv"))
    assert len(rows) == 9  # Hồng Bàng's communes only
    assert "11329" not in {row[header.index("Mã đơn vị")] for row in rows}
