"""Every page, export, admin screen and command that reads entries answers within the
reader's scope (``targets.domain.scope``).

The reader is a reporter of one commune (Máy Chai, 11329). Entries of other units carry
figures found nowhere else (7777, 8888, 6543, 8765); if any surface read entries
around the scope, a figure or a sum of them would show. The tables below list every
URL of the app and every admin URL of the entries: a new one fails
``test_every_surface_is_checked`` until it is added here.
"""

import datetime
import io

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pypdf import PdfReader

from targets.domain.models import ProgressEntry
from tests.test_import import csv_file, ratio_row

pytestmark = pytest.mark.django_db

NOV = datetime.date(2022, 11, 30)
PERIOD = {"plan": "kh74-2022", "as_of": "2022-12-31"}
# Figures of other units, in every way a page, CSV, XLSX or PDF may write them; and the
# sums a leak into the commune's roll-up would give (1111 + 7777, 9999 + 8888).
FORBIDDEN = [
    *("7777", "7.777", "7,777", "8888", "8.888", "8,888"),
    *("6543", "6.543", "6,543", "8765", "8.765", "8,765"),
    *("18887", "18.887", "18,887", "87,5", "87.5"),
]


@pytest.fixture
def reader(cast, make_entry, target, unit):
    """The commune reporter, its own entry (1111 / 9999) and other units' entries."""
    make_entry(target("CQS-03c"), unit("11329"), NOV, numerator=1111, denominator=9999)
    make_entry(target("CQS-03c"), unit("11332"), NOV, numerator=7777, denominator=8888)
    make_entry(
        target("CQS-03c"), unit("11296"), NOV, numerator=6543, denominator=8765, status="draft"
    )
    make_entry(target("CQS-03b"), unit("304"), NOV, numerator=6543, denominator=8765)
    make_entry(target("CQS-01"), unit("31"), datetime.date(2022, 9, 30), numerator=7777,
               denominator=8888)  # fmt: skip
    return cast.commune_reporter


def text_of(response) -> str:
    """What a person gets: the page, the CSV, the cells of a workbook, a PDF's text."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(content))
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if "wordprocessingml" in kind:
        document = docx.Document(io.BytesIO(content))
        cells = (c.text for t in document.tables for row in t.rows for c in row.cells)
        return "\n".join([*(p.text for p in document.paragraphs), *cells])
    if "pdf" in kind:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8-sig")


def assert_within_scope(response, *, shows_own=False):
    assert response.status_code == 200, response.status_code
    text = text_of(response)
    leaked = [figure for figure in FORBIDDEN if figure in text]
    assert not leaked, leaked
    if shows_own:
        assert any(own in text for own in ("1111", "1.111", "1,111")), text[:2000]


def entry_of(unit_code):
    return ProgressEntry.objects.get(unit__code=unit_code, target__code="CQS-03c")


# URL name (namespace ``targets``) → (path arguments, query, shows the own figure).
PAGES = {
    "dashboard": ([], {}, False),
    "target-list": ([], {}, False),
    "completeness": ([], {}, False),
    "unit-detail": (["11329"], {}, True),
    "target-detail": (["kh74-2022", "CQS-03c"], {}, True),
    "report-xlsx": ([], {}, True),
    "report-pdf": ([], {}, False),
    "report-docx": ([], {}, False),
    "report-csv": ([], {}, False),
    "entries-csv": ([], {}, True),
}
TABLE_PAGES = ["target-list", "completeness", "unit-detail", "target-detail"]


@pytest.mark.parametrize("name", PAGES)
def test_page_or_download_shows_only_the_readers_units(name, reader, client):
    client.force_login(reader)
    args, query, shows_own = PAGES[name]
    url = reverse(f"targets:{name}", args=args)
    assert_within_scope(client.get(url, {**PERIOD, **query}), shows_own=shows_own)
    if name in TABLE_PAGES:
        for export in ("csv", "xlsx"):
            response = client.get(url, {**PERIOD, **query, "_export": export})
            assert_within_scope(response, shows_own=shows_own)


def test_units_and_reports_outside_the_scope_are_refused(reader, client):
    client.force_login(reader)
    assert client.get(reverse("targets:unit-detail", args=["11332"]), PERIOD).status_code == 404
    for name in ("report-xlsx", "report-pdf", "report-docx", "report-csv", "entries-csv"):
        response = client.get(reverse(f"targets:{name}"), {**PERIOD, "unit": "11332"})
        assert response.status_code == 403, name


def admin_url(name, *args):
    return reverse(f"admin:targets_progressentry_{name}", args=args)


def test_admin_lists_and_forms_show_only_the_readers_entries(reader, client, target):
    client.force_login(reader)
    assert_within_scope(client.get(admin_url("changelist")), shows_own=True)
    assert_within_scope(client.get(admin_url("changelist"), {"status__exact": "approved"}))
    assert_within_scope(client.get(admin_url("add")))
    assert_within_scope(client.get(admin_url("change", entry_of("11329").pk)), shows_own=True)
    own = entry_of("11329")
    assert_within_scope(client.get(admin_url("history", own.pk)))
    version = own.history.first().history_id
    assert_within_scope(client.get(admin_url("simple_history", own.pk, version)), shows_own=True)
    assert_within_scope(client.get(admin_url("import")))
    # The period sheet: the reader's commune with its figure; another commune's sheet
    # shows none of that commune's figures.
    sheet = {"unit": "11329", "period_end": NOV.isoformat()}
    assert_within_scope(client.get(admin_url("sheet"), sheet), shows_own=True)
    other = client.get(admin_url("sheet"), {**sheet, "unit": "11332"})
    assert other.status_code in (200, 403, 404)
    if other.status_code == 200:
        assert_within_scope(other)
    # The review queue: a reporter reviews nothing.
    queue = client.get(admin_url("review"))
    assert queue.status_code in (200, 403)
    if queue.status_code == 200:
        assert_within_scope(queue)
    template = client.get(
        admin_url("import_template"), {"plan": "kh74-2022", "period_end": "31/10/2022"}
    )
    assert_within_scope(template)
    rows = text_of(template)
    assert "11329" in rows and "11332" not in rows  # one row: the reader's commune
    # The target's page lists its newest entries inline.
    inline = client.get(reverse("admin:targets_target_change", args=[target("CQS-03c").pk]))
    assert_within_scope(inline, shows_own=True)
    # Autocomplete offers only the reader's unit.
    for field in ("unit", "target"):
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": "targets", "model_name": "progressentry", "field_name": field},
        )
        assert response.status_code == 200
        assert "11332" not in response.content.decode() and "Máy Tơ" not in response.json()


def test_admin_refuses_other_units_entries(reader, client):
    client.force_login(reader)
    other = entry_of("11332")
    for name in ("change", "history", "delete"):
        assert client.get(admin_url(name, other.pk)).status_code == 404, name
    response = client.post(admin_url("workflow", other.pk, "submit"), {"version": 1})
    assert response.status_code == 404
    version = other.history.first().history_id
    assert client.get(admin_url("simple_history", other.pk, version)).status_code == 404


def test_export_report_command_for_a_unit_reads_only_that_unit(reader, tmp_path):
    for fmt in ("entries", "csv", "xlsx"):
        output = tmp_path / f"out-{fmt}"
        call_command(
            "export_report", *("--plan=kh74-2022", "--as-of=2022-12-31"),
            f"--format={fmt}", f"--output={output}", "--unit=11329", stdout=io.StringIO(),
        )  # fmt: skip
        content = output.read_bytes()
        if fmt == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(content))
            text = " ".join(
                str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r
            )
        else:
            text = content.decode("utf-8-sig")
        assert not [figure for figure in FORBIDDEN if figure in text], fmt


def test_import_command_refuses_a_unit_outside_the_users_scope(reader, tmp_path, capsys):
    path = tmp_path / "so-lieu.csv"
    path.write_bytes(csv_file([ratio_row("11332", 1, 2)]))
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_progress", str(path), user=reader.username)
    assert "nằm ngoài phạm vi báo cáo của bạn" in capsys.readouterr().out


# Commands that read or write entries for a person, and how they meet the scope; the
# others only generate demo data.
COMMANDS = {
    "export_report": "test_export_report_command_for_a_unit_reads_only_that_unit",
    "import_progress": "test_import_command_refuses_a_unit_outside_the_users_scope",
}
DEMO_DATA_COMMANDS = {"generate_demo_data", "seed_demo_entries"}
ADMIN_ENTRY_URLS = {
    "changelist",
    "add",
    "change",
    "history",
    "delete",
    "workflow",
    "import",
    "import_template",
    "simple_history",
    "sheet",
    "review",
}


def url_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from url_names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name


def test_every_surface_is_checked():
    """Every URL of the app, every admin URL of the entries and every command that
    reads entries is one of those checked above."""
    from pathlib import Path

    import targets

    names = set(url_names(get_resolver().url_patterns))
    # The evidence download is checked by tests/test_evidence.py
    # (test_download_follows_the_scope_of_the_entry, test_another_districts_reporter_gets_404).
    checked_elsewhere = {"evidence"}
    assert {n.removeprefix("targets:") for n in names if n.startswith("targets:")} == set(
        PAGES
    ) | checked_elsewhere
    prefix = "admin:targets_progressentry_"
    entry_admin = {n.removeprefix(prefix) for n in names if n.startswith(prefix)}
    assert entry_admin == ADMIN_ENTRY_URLS
    commands = Path(targets.__file__).parent / "management" / "commands"
    reading = {
        path.stem
        for path in commands.glob("*.py")
        if "ProgressEntry" in path.read_text() or "entries_import" in path.read_text()
    }
    assert reading == set(COMMANDS) | DEMO_DATA_COMMANDS
