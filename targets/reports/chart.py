"""The progress chart of the PDF report, drawn with reportlab graphics."""

from decimal import Decimal

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

from targets.reports.data import (
    STATUS_COLOURS,
    StatusReport,
    expected_figure,
    format_value,
    progress_share,
)
from targets.reports.fonts import FONT

BAR_ROW = 15  # points per target in the chart
CHART_MAX = Decimal("1.25")  # the bar axis runs to 125% of the target


def progress_chart(report: StatusReport, width: float) -> Drawing:
    """Horizontal bars of each target's value / target (capped at 125%), coloured by
    status, with the target (100%) as a solid line and the share expected by the date
    as a dashed tick: the legend of the web pages (``targets.charts.BAR_LEGEND``)."""
    figures = report.figures
    label_width, value_width, axis_height = 48, 70, 22
    bar_x = label_width
    bar_width = width - label_width - value_width
    height = BAR_ROW * len(figures) + axis_height + 6
    drawing = Drawing(width, height, initialFontName=FONT)

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
            String(x, axis_height - 12, f"{tick}%", fontName=FONT, fontSize=7, textAnchor="middle")
        )
    for index, figure in enumerate(figures):
        target = figure.target
        y = height - (index + 1) * BAR_ROW
        drawing.add(String(0, y + 3, target.code, fontName=FONT, fontSize=7.5))
        share = progress_share(target, figure.value)
        colour = colors.HexColor("#" + STATUS_COLOURS[figure.status])
        if share is not None:
            drawing.add(
                Rect(
                    bar_x,
                    y + 1,
                    max(x_of(share) - bar_x, 0.8),
                    BAR_ROW - 5,
                    fillColor=colour,
                    strokeColor=None,
                )
            )
        expected = progress_share(target, expected_figure(figure))
        if expected is not None:
            x = x_of(expected)
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
        label = format_value(target, figure.value)
        if share is not None and target.measure != "milestone":
            label += f" ({min(share, Decimal(9.99)) * 100:.0f}%)"
        drawing.add(
            String(
                bar_x + bar_width + 4,
                y + 3,
                label,
                fontName=FONT,
                fontSize=7,
                fillColor=colour if share is None else colors.black,
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
