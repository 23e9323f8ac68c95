"""How tables show and export figures, and how the chart geometry is computed."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from targets.charts import line_chart, progress_bar
from targets.formatting import export_number, export_part, format_target, format_value
from targets.progress import Figure, figure_series
from targets.status import Status
from targets.tables import TargetTable

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
    assert len(series) == 6 and len(chart.points) == 4  # no figure in January, February
    assert chart.line.count(",") == 4
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
