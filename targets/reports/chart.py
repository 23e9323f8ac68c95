"""The progress chart of the PDF and DOCX reports, drawn with reportlab graphics.

:func:`chart_bars` turns a report's figures into plain bars (JSON, so an issued report
keeps them in its snapshot); :func:`progress_chart` draws them."""

from decimal import Decimal

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

from targets.domain.formatting import format_value
from targets.reports.data import (
    STATUS_COLOURS,
    ReportData,
    expected_figure,
    progress_share,
)
from targets.reports.fonts import FONT

BAR_ROW = 15  # points per target in the chart
CHART_MAX = Decimal("1.25")  # the bar axis runs to 125% of the target


def chart_bars(report: ReportData) -> list[dict]:
    """One bar per target: code, share of the target reached and share expected by the
    date (decimal strings, or None), colour and the value label."""
    bars = []
    for figure in report.figures:
        target = figure.target
        share = progress_share(target, figure.value)
        expected = progress_share(target, expected_figure(figure))
        label = format_value(target, figure.value)
        if share is not None and target.measure != "milestone":
            label += f" ({min(share, Decimal(9.99)) * 100:.0f}%)"
        bars.append(
            {
                "code": target.code,
                "share": None if share is None else str(share),
                "expected": None if expected is None else str(expected),
                "colour": STATUS_COLOURS[figure.status],
                "status": figure.status.value,
                "label": label,
            }
        )
    return bars


def progress_chart(bars: list[dict], width: float, font: str = FONT) -> Drawing:
    """Horizontal bars of each target's value / target (capped at 125%), coloured by
    status, with the target (100%) as a solid line and the share expected by the date
    as a dashed tick: the legend of the web pages (``targets.pages.charts.BAR_LEGEND``)."""
    label_width, value_width, axis_height = 48, 70, 22
    bar_x = label_width
    bar_width = width - label_width - value_width
    height = BAR_ROW * len(bars) + axis_height + 6
    drawing = Drawing(width, height, initialFontName=font)

    def x_of(share):
        share = min(max(Decimal(share), Decimal(0)), CHART_MAX)
        return bar_x + float(share / CHART_MAX) * bar_width

    for tick in (0, 25, 50, 75, 100, 125):
        x = x_of(Decimal(tick) / 100)
        drawing.add(
            Line(
                x,
                axis_height - 2,
                x,
                height,
                strokeColor=colors.HexColor("#DDDDDD"),
                strokeWidth=0.4,
            )
        )
        drawing.add(
            String(x, axis_height - 12, f"{tick}%", fontName=font, fontSize=7, textAnchor="middle")
        )
    for index, bar in enumerate(bars):
        y = height - (index + 1) * BAR_ROW
        drawing.add(String(0, y + 3, bar["code"], fontName=font, fontSize=7.5))
        colour = colors.HexColor("#" + bar["colour"])
        if bar["share"] is not None:
            drawing.add(
                Rect(
                    bar_x,
                    y + 1,
                    max(x_of(bar["share"]) - bar_x, 0.8),
                    BAR_ROW - 5,
                    fillColor=colour,
                    strokeColor=None,
                )
            )
        if bar["expected"] is not None:
            x = x_of(bar["expected"])
            drawing.add(
                Line(
                    x,
                    y - 1,
                    x,
                    y + BAR_ROW - 2,
                    strokeColor=colors.black,
                    strokeWidth=1,
                    strokeDashArray=[1.5, 1.5],
                )
            )
        drawing.add(
            String(
                bar_x + bar_width + 4,
                y + 3,
                bar["label"],
                fontName=font,
                fontSize=7,
                fillColor=colour if bar["share"] is None else colors.black,
            )
        )
    x100 = x_of(Decimal(1))
    drawing.add(
        Line(
            x100,
            axis_height - 2,
            x100,
            height,
            strokeColor=colors.black,
            strokeWidth=1,
        )
    )
    return drawing
