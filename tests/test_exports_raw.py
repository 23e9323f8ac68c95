"""The raw-data CSV of progress entries: every status, who and when, streamed in one query.

The memory and speed measurement at 10,000 to 1,000,000 entries is ``make bench`` (``bench/measure.py``), not a test.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from targets.domain.models import AdministrativeUnit, Plan, ProgressEntry
from targets.reports import export_entries_csv

pytestmark = pytest.mark.django_db

QUERY = {"plan": "kh74-2022", "as_of": "2022-12-31"}
MONTH_ENDS = [
    datetime.date(2022, month + 1, 1) - datetime.timedelta(days=1) for month in range(1, 12)
] + [datetime.date(2022, 12, 31)]


def bulk_entries(target, user, count):
    """``count`` approved CQS-03c entries, monthly, across the communes (one INSERT batch)."""
    communes = list(AdministrativeUnit.objects.filter(level="commune").order_by("code"))
    entries = [
        ProgressEntry(
            target=target,
            unit=communes[i % len(communes)],
            period_end=MONTH_ENDS[i // len(communes)],
            numerator=i % 7,
            denominator=7,
            value=100 * (i % 7) / 7,
            status="approved",
            created_by=user,
        )
        for i in range(count)
    ]
    ProgressEntry.objects.bulk_create(entries, batch_size=500)


def read(chunks) -> list[dict]:
    content = b"".join(chunks)
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("count", [10, 1000])
def test_raw_csv_is_one_query_whatever_the_number_of_entries(
    count, target, admin_user, django_assert_num_queries
):
    bulk_entries(target("CQS-03c"), admin_user, count)
    entries = ProgressEntry.objects.plan_entries(
        Plan.objects.get(code="kh74-2022"), as_of=datetime.date(2022, 12, 31)
    )
    # the entries joined with plan, target, unit, parent unit and the three users
    with django_assert_num_queries(1):
        rows = read(export_entries_csv(entries, chunk_size=100))
    assert len(rows) == count


def test_raw_csv_has_every_status_with_who_and_when(target, unit, make_entry, make_user):
    reporter = make_user("baocao.xa")
    reviewer = make_user("duyet.huyen")
    cqs = target("CQS-03c")
    approved = make_entry(cqs, unit("11329"), numerator=30, denominator=60, user=reporter)
    approved.approved_by = reviewer
    approved.approved_at = timezone.make_aware(datetime.datetime(2023, 1, 5, 9, 30))
    approved.note = "Số liệu quý IV, có minh chứng"
    approved.save()
    make_entry(cqs, unit("11332"), numerator=1, denominator=4, status="draft", user=reporter)
    make_entry(cqs, unit("11335"), numerator=1, denominator=4, status="returned")
    make_entry(cqs, unit("11338"), numerator=1, denominator=4, status="submitted")
    entries = ProgressEntry.objects.plan_entries(
        Plan.objects.get(code="kh74-2022"), as_of=datetime.date(2022, 12, 31)
    )
    rows = read(export_entries_csv(entries))
    assert sorted(row["Trạng thái"] for row in rows) == [
        "approved",
        "draft",
        "returned",
        "submitted",
    ]
    row = next(row for row in rows if row["Mã đơn vị"] == "11329")
    assert row["Mã kế hoạch"] == "kh74-2022" and row["Mã chỉ tiêu"] == "CQS-03c"
    assert row["Đơn vị"] == "Máy Chai" and row["Mã đơn vị cấp trên"] == "304"
    assert row["Chỉ tiêu"] == "Hồ sơ công việc cấp xã được xử lý trên môi trường mạng"
    assert (row["Tử số"], row["Mẫu số"], row["Giá trị"]) == ("30", "60", "50")
    assert row["Kỳ báo cáo (ngày cuối kỳ)"] == "2022-12-31"
    assert (row["Người nhập"], row["Người duyệt"]) == ("baocao.xa", "duyet.huyen")
    assert row["Thời điểm duyệt"] == "2023-01-05T09:30:00+07:00"
    assert row["Ghi chú"] == "Số liệu quý IV, có minh chứng"


def test_raw_csv_view_streams_only_the_users_scope(client, make_user, target, unit, make_entry):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), numerator=1, denominator=2)  # Ngô Quyền
    make_entry(cqs, unit("11296"), numerator=1, denominator=2, status="draft")  # Hồng Bàng
    make_entry(target("CQS-01"), unit("31"), numerator=1, denominator=2)  # the city
    client.force_login(make_user("lanhdao.huyen", memberships=[("304", "viewer")]))
    response = client.get(reverse("targets:entries-csv"), QUERY, secure=True)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="so-lieu-kh74-2022-304-2022-12-31.csv"'
    )
    assert [row["Mã đơn vị"] for row in read(response.streaming_content)] == ["11329"]


def test_raw_csv_view_of_the_city_has_every_entry(client, admin_user, target, unit, make_entry):
    make_entry(target("CQS-03c"), unit("11296"), numerator=1, denominator=2, status="draft")
    make_entry(target("CQS-01"), unit("31"), numerator=1, denominator=2)
    make_entry(target("CQS-01"), unit("31"), datetime.date(2023, 3, 31), numerator=1,
               denominator=2)  # fmt: skip
    client.force_login(admin_user)
    response = client.get(reverse("targets:entries-csv"), QUERY, secure=True)
    rows = read(response.streaming_content)
    # The entry after the as-of date is left out.
    assert sorted(row["Mã đơn vị"] for row in rows) == ["11296", "31"]


@pytest.mark.parametrize("count", [10, 1000])
def test_raw_csv_view_query_count_is_fixed(
    count, client, admin_user, target, django_assert_num_queries
):
    bulk_entries(target("CQS-03c"), admin_user, count)
    client.force_login(admin_user)
    # session, user, plan, then the one streamed query of the entries
    with django_assert_num_queries(4):
        response = client.get(reverse("targets:entries-csv"), QUERY, secure=True)
        rows = read(response.streaming_content)
    assert len(rows) == count


def test_raw_csv_ends_lines_with_newline_and_writes_every_row(target, unit, make_entry):
    make_entry(target("CQS-03c"), unit("11329"), numerator=1, denominator=3)
    content = b"".join(export_entries_csv(ProgressEntry.objects.all()))
    assert b"\r" not in content
    assert content.endswith(b"\n") and content.count(b"\n") == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_writes_the_same_csv_as_python(target, unit, make_entry, make_user):
    """PostgreSQL writes the raw CSV itself (COPY); Python's writer is the reference:
    quotes, commas and line breaks in notes, empty text, decimals, missing parts, dates,
    aware datetimes and NULL users come out the same."""
    from targets.reports.csv import _copy_csv, _python_csv

    reviewer = make_user("duyet.huyen")
    cqs = target("CQS-03c")
    entry = make_entry(cqs, unit("11329"), numerator=Decimal("12.5"), denominator=60)
    entry.note = 'Ghi chú có "ngoặc kép", dấu phẩy\nvà xuống dòng'
    entry.review_note = ""
    entry.approved_by = reviewer
    entry.approved_at = timezone.make_aware(datetime.datetime(2023, 1, 5, 23, 59, 59, 999999))
    entry.save()
    make_entry(target("DTI-01"), unit("31"), value=14, status="draft")
    make_entry(target("KTS-01"), unit("31"), value=Decimal("29.4800"), status="submitted")
    rows = ProgressEntry.objects.raw_export_rows()
    copied = b"".join(_copy_csv(rows, connection))
    written = b"".join(_python_csv(ProgressEntry.objects.raw_export_rows(), 2))
    assert copied.decode() == written.decode()
    assert copied.count(b"\n") == 4  # three entries, one of them over two lines


def test_python_writer_gets_text_the_database_formatted(target, unit, make_entry, make_user):
    """The raw rows arrive as the CSV writes them, whichever the backend: decimals without
    trailing zeros, datetimes in Hanoi time with the offset, to the second."""
    entry = make_entry(target("CQS-03c"), unit("11329"), numerator=Decimal("12.5"), denominator=60)
    entry.approved_by = make_user("duyet.huyen")
    entry.approved_at = timezone.make_aware(datetime.datetime(2023, 1, 5, 23, 59, 59, 999999))
    entry.save()
    (row,) = read(export_entries_csv(ProgressEntry.objects.all()))
    assert (row["Tử số"], row["Mẫu số"]) == ("12.5", "60")
    assert row["Giá trị"] == "20.8333"
    assert row["Thời điểm duyệt"] == "2023-01-05T23:59:59+07:00"


def test_fixed_utc_offset():
    import zoneinfo

    from targets.domain.sqltext import fixed_utc_offset

    assert fixed_utc_offset(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")) == datetime.timedelta(hours=7)
    assert fixed_utc_offset(zoneinfo.ZoneInfo("Europe/Paris")) is None


def test_an_interrupted_download_leaves_the_connection_usable(target, admin_user):
    """A client that goes away mid-download closes the stream (GeneratorExit inside
    COPY on PostgreSQL, a cursor on SQLite); the next query on the connection works."""
    bulk_entries(target("CQS-03c"), admin_user, 2000)
    stream = export_entries_csv(ProgressEntry.objects.all(), chunk_size=100)
    next(stream)  # the header
    assert next(stream)
    stream.close()
    assert ProgressEntry.objects.count() == 2000
