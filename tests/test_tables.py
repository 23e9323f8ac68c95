"""How tables show and export figures, and how the chart geometry is computed."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from targets.domain.formatting import export_number, export_part, format_target, format_value
from targets.domain.progress import Figure, figure_series
from targets.domain.status import Status
from targets.pages.charts import line_chart, progress_bar
from targets.pages.tables import TargetTable

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)


@pytest.mark.parametrize(
    ("code", "value", "shown"),
    [
        ("CQS-03c", Decimal("40"), "40,00%"),
        ("CQS-03c", Decimal("33.33333"), "33,33%"),
        ("DTI-01", Decimal("14"), "14"),
        ("CQS-05", Decimal("1"), "Đạt"),
        ("CQS-05", Decimal("0"), "Chưa đạt"),
        ("KTS-03", Decimal("-2.5"), "-2,50%"),
        ("CQS-03c", None, "—"),
    ],
)
def test_format_value_in_vietnamese(target, code, value, shown):
    with translation.override("vi"):
        assert format_value(target(code), value) == shown


def test_format_target_shows_the_comparator(target):
    with translation.override("vi"):
        assert format_target(target("XHS-04")) == "> 30,00%"
        assert format_target(target("DTI-01")) == "≤ 10"
        assert format_target(target("CQS-05")) == "Đạt"


def test_export_numbers_are_numbers():
    assert export_number(Decimal("40.0000")) == 40 and isinstance(export_number(Decimal(40)), int)
    assert export_number(Decimal("33.333333")) == Decimal("33.33")
    assert export_part(Decimal("1234.5000")) == Decimal("1234.5")
    assert export_part(Decimal("100.0000")) == 100
    assert export_number(None) is None


def test_status_column_sorts_best_first_and_tolerates_missing_values(target):
    figures = [
        Figure(target=target("CQS-03c"), as_of=DEC, value=None, status=Status.NO_DATA),
        Figure(target=target("CQS-03b"), as_of=DEC, value=Decimal(60), status=Status.ACHIEVED),
        Figure(target=target("DTI-01"), as_of=DEC, value=Decimal(14), status=Status.MISSED),
    ]
    table = TargetTable(figures, order_by="status")
    assert [r.record.status for r in table.rows] == ["achieved", "missed", "no_data"]
    table = TargetTable(list(figures), order_by="-value")
    assert [r.record.value for r in table.rows][:2] == [Decimal(60), Decimal(14)]


def test_progress_bar_marks_target_and_expected(target):
    cqs = target("CQS-03c")  # ≥ 30% by 31/12/2022, no baseline
    half = datetime.date(2022, 7, 2)
    figure = Figure(target=cqs, as_of=half, value=Decimal(12), status=Status.AT_RISK)
    figure.expected_value = Decimal(15)
    with translation.override("vi"):
        bar = progress_bar(figure)
    assert (bar.fill, bar.target_mark, bar.expected_mark) == ("12.0%", "30.0%", "15.0%")
    assert bar.label == "12,00%, mục tiêu ≥ 30,00%, cần đạt theo tiến độ 15,00%"


def test_line_chart_draws_points_target_and_trajectory(target, unit, make_entry):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), datetime.date(2022, 3, 31), numerator=1, denominator=10)
    make_entry(cqs, unit("11329"), datetime.date(2022, 6, 30), numerator=2, denominator=10)
    series = figure_series(cqs, datetime.date(2022, 6, 30))
    with translation.override("vi"):
        chart = line_chart(cqs, series, datetime.date(2022, 6, 30))
    # One period per figure: only March and June have reports (no figure in January,
    # February, April and May: nothing is carried forward).
    assert len(series) == 6 and len(chart.points) == 2
    assert chart.line.count(",") == 2
    assert chart.expected is not None and chart.target_y
    assert "CQS-03c" in chart.title and "30/06/2022" in chart.description
    assert "20,00%" in chart.description  # the latest figure
    assert all("," not in p.x and "," not in p.y for p in chart.points)  # SVG coordinates


@pytest.mark.parametrize(
    ("value", "shown", "exported"),
    [
        (Decimal("29.4664"), "29,47%", Decimal("29.47")),
        (Decimal("29.4649"), "29,46%", Decimal("29.46")),
        (Decimal("33.335"), "33,34%", Decimal("33.34")),
        (Decimal("99.999"), "100,00%", 100),
    ],
)
def test_figures_on_screen_round_like_the_export(target, value, shown, exported):
    """Django's number_format cuts decimals off: 29.4664 read 29,46% on the page while
    the XLSX said 29.47."""
    with translation.override("vi"):
        assert format_value(target("CQS-03c"), value) == shown
    assert export_number(value) == exported


# --- The scorecard grid, written in bulk (issue 19) -----------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_number_writer_writes_what_djangos_number_format_writes(language):
    """The fast path of targets.domain.formatting (separators read once) against Django's own
    ``number_format``, read on every call."""
    from django.utils import formats

    from targets.domain.formatting import PLACES, NumberWriter, rounded

    values = [Decimal(v) for v in ("0", "1", "-2.5", "29.4664", "33.33333", "1234.5", "1234")]
    values += [Decimal("9876543.215"), Decimal("-0.004"), Decimal("100")]
    with translation.override(language):
        writer = NumberWriter()
        for value in values:
            places = 0 if value == value.to_integral_value() else PLACES
            assert writer.percent(value) == f"{formats.number_format(rounded(value), PLACES)}%"
            assert writer.number(value) == formats.number_format(
                rounded(value, places), places, force_grouping=True
            )


@pytest.fixture
def grid_figures(target, unit, make_entry):
    """The grid's every kind of cell: up and better, down and worse, unchanged, stale
    (a quarter old), no figure, not applicable (Bạch Long Vĩ has no communes), a
    milestone met and not met, a count with thousands and decimals; in the district
    grid and in Ngô Quyền's and Hồng Bàng's commune grids."""
    nov, sep = datetime.date(2022, 11, 30), datetime.date(2022, 9, 30)
    cqs_b, cqs_c = target("CQS-03b"), target("CQS-03c")
    make_entry(cqs_b, unit("303"), numerator=60, denominator=100)
    make_entry(cqs_b, unit("303"), nov, numerator=40, denominator=100)
    make_entry(cqs_b, unit("305"), numerator=30, denominator=100)
    make_entry(cqs_b, unit("305"), nov, numerator=50, denominator=100)
    make_entry(cqs_b, unit("304"), numerator=1, denominator=3)
    make_entry(cqs_b, unit("304"), nov, numerator=1, denominator=3)
    make_entry(cqs_b, unit("318"), sep, numerator=20, denominator=100)
    make_entry(cqs_c, unit("11296"), numerator=40, denominator=100)
    make_entry(cqs_c, unit("11329"), numerator=30, denominator=60)
    make_entry(cqs_c, unit("11329"), nov, numerator=20, denominator=100)
    make_entry(cqs_c, unit("11332"), sep, numerator=10, denominator=40)
    for code, measure, comparator, target_value, values in (
        ("T-MOC", "milestone", "eq", 1, {"306": 1, "307": 0}),
        ("T-SO", "count", "gte", 5000, {"303": Decimal("1234.5"), "306": 7}),
    ):
        extra = target("CQS-03b")
        extra.pk, extra.code, extra.measure = None, code, measure
        extra.comparator, extra.target_value, extra.baseline_value = comparator, target_value, None
        extra.save()
        for district, value in values.items():
            make_entry(extra, unit(district), value=value)
    return cqs_b, cqs_c


GRID_PAGES = ["/?plan=kh74-2022&as_of=2022-12-31", "/don-vi/304/?plan=kh74-2022&as_of=2022-12-31"]
GRID_PAGES += ["/don-vi/303/?plan=kh74-2022&as_of=2022-12-31"]


@pytest.mark.parametrize("page", GRID_PAGES)
def test_scorecard_grid_writes_every_kind_of_cell_in_every_order(
    manager_client, grid_figures, page
):
    """The grid (django-tables2, each cell through ``CellColumn.render``) writes one cell
    per unit and column in both languages and in every order, with every kind of cell."""
    from targets.domain.league import column_key
    from tests.test_views import table_bodies

    cqs_b, cqs_c = grid_figures
    sorts = ["", "rank", "-good", "-unit"]
    sorts += [f"{sign}{column_key(t)}" for t in (cqs_b, cqs_c) for sign in ("", "-")]
    for language in ("en", "vi"):
        manager_client.cookies["django_language"] = language
        for sort in sorts:
            with translation.override("vi"):
                response = manager_client.get(f"{page}&grid-sort={sort}" if sort else page)
            table = response.context["scorecard_table"]
            (body,) = [b for b in table_bodies(response.content.decode()) if "cell " in b]
            assert body.count("<td") == len(table.rows) * len(table.columns) >= 2
            cells = ["cell status-", "cell na", "change better", "change worse"]
            # A cell is a roll-up of its period's reports: never stale ("cũ"); a unit
            # with no report for the period has no figure.
            cells += ["change same", "status-no_data"]
            if page.startswith("/?"):
                assert all(cell in body for cell in cells), cells
                assert ("Đạt" if language == "vi" else "Achieved") in body
                assert ("1.234,50" if language == "vi" else "1,234.50") in body
