"""Geometry of the charts drawn on the server: progress bars and the figure over time.

Pure functions from :class:`targets.progress.Figure` objects to numbers and labels; the
templates only place them (SVG and CSS widths), so the pages need no JavaScript.
Coordinates are plain strings with a decimal point, whatever the language.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from targets.formatting import format_target, format_value
from targets.models import Target


def _pct(share: Decimal) -> str:
    share = min(max(share, Decimal(0)), Decimal(1))
    return f"{float(share) * 100:.1f}%"


@dataclass
class Bar:
    """A progress bar: widths as CSS percentages, and what it says in words."""

    figure: object
    fill: str
    target_mark: str
    expected_mark: str | None
    label: str


def progress_bar(figure) -> Bar:
    """The bar of one target: the figure against a scale from 0 to the largest of the
    target, the figure and the baseline, with marks at the target and at the figure
    expected by ``figure.as_of``."""
    target = figure.target
    value = figure.value
    numbers = [target.target_value, target.baseline_value, value, figure.expected_value]
    top = max((Decimal(n) for n in numbers if n is not None), default=Decimal(1))
    if target.is_percentage and top <= 100:
        top = Decimal(100)
    top = top or Decimal(1)
    expected = None
    if target.measure != Target.Measure.MILESTONE and figure.expected_value is not None:
        expected = _pct(figure.expected_value / top)
    label = _("%(value)s, mục tiêu %(target)s") % {
        "value": format_value(target, value),
        "target": format_target(target),
    }
    if expected is not None and value is not None:
        label += _(", cần đạt theo tiến độ %(expected)s") % {
            "expected": format_value(target, figure.expected_value)
        }
    return Bar(
        figure=figure,
        fill=_pct((value or 0) / top),
        target_mark=_pct(target.target_value / top),
        expected_mark=expected,
        label=label,
    )


@dataclass
class Point:
    x: str
    y: str
    figure: object
    label: str


@dataclass
class Tick:
    position: str
    label: str
    anchor: str = "middle"


@dataclass
class LineChart:
    """An SVG line chart of a target's figure at each period end."""

    width: int
    height: int
    title: str
    description: str
    points: list[Point]
    line: str  # the polyline's points attribute
    target_y: str | None
    expected: tuple[str, str, str, str] | None  # x1, y1, x2, y2
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    left: int = 64
    right: int = 0
    top: int = 0
    bottom: int = 0


WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


def line_chart(target: Target, series, as_of: datetime.date) -> LineChart:
    """The target's figure over time (``series``: Figures at each period end, from
    ``targets.progress.figure_series``), the target as a horizontal line, and the
    straight line from the baseline to the target that the status rule expects."""
    start = min(target.baseline_date or target.plan.start_date, target.plan.start_date)
    end = max(target.plan.end_date, target.deadline)
    days = max((end - start).days, 1)
    baseline = target.baseline_value if target.baseline_value is not None else Decimal(0)
    values = [f.value for f in series if f.value is not None]
    top = max([target.target_value, baseline, *values], default=Decimal(1))
    top = Decimal(top) * Decimal("1.05") or Decimal(1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: datetime.date) -> float:
        return LEFT + plot_w * (day - start).days / days

    def y(value) -> float:
        return TOP + plot_h * (1 - float(Decimal(value) / top))

    points = [
        Point(
            x=f"{x(f.as_of):.1f}",
            y=f"{y(f.value):.1f}",
            figure=f,
            label=f"{date_format(f.as_of, 'SHORT_DATE_FORMAT')}: "
            f"{format_value(target, f.value)} ({f.status.label})",
        )
        for f in series
        if f.value is not None
    ]
    d0 = target.baseline_date or target.plan.start_date
    expected = None
    pending_only = target.measure == Target.Measure.MILESTONE or (
        target.lower_is_better and target.baseline_value is None
    )
    if not pending_only:
        expected = (
            f"{x(d0):.1f}",
            f"{y(baseline):.1f}",
            f"{x(target.deadline):.1f}",
            f"{y(target.target_value):.1f}",
        )
    y_ticks = []
    for share in (Decimal(0), Decimal("0.25"), Decimal("0.5"), Decimal("0.75"), Decimal(1)):
        tick = top / Decimal("1.05") * share
        y_ticks.append(Tick(position=f"{y(tick):.1f}", label=format_value(target, tick)))
    year_starts = [datetime.date(year, 1, 1) for year in range(start.year, end.year + 2)]
    x_ticks = [
        Tick(position=f"{x(day):.1f}", label=date_format(day, "SHORT_DATE_FORMAT"))
        for day in [start, *year_starts[1:], end]
        if start <= day <= end
    ]
    if x_ticks:
        x_ticks[0].anchor, x_ticks[-1].anchor = "start", "end"
    if len(x_ticks) <= 2:
        middle = start + datetime.timedelta(days=days // 2)
        label = date_format(middle, "SHORT_DATE_FORMAT")
        x_ticks.insert(1, Tick(position=f"{x(middle):.1f}", label=label))
    last = series[-1] if series else None
    description = _(
        "Số liệu của chỉ tiêu %(code)s tại %(count)s kỳ báo cáo đến ngày %(as_of)s; "
        "mục tiêu %(target)s, hạn %(deadline)s."
    ) % {
        "code": target.code,
        "count": len(series),
        "as_of": date_format(as_of, "SHORT_DATE_FORMAT"),
        "target": format_target(target),
        "deadline": date_format(target.deadline, "SHORT_DATE_FORMAT"),
    }
    if last is not None and last.value is not None:
        description += " " + _("Số liệu mới nhất: %(value)s.") % {
            "value": format_value(target, last.value)
        }
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        title=_("Diễn biến chỉ tiêu %(code)s") % {"code": target.code},
        description=description,
        points=points,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        target_y=f"{y(target.target_value):.1f}",
        expected=expected,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
    )
