"""Geometry of the charts drawn on the server: progress bars and the figure over time.

Pure functions from :class:`targets.domain.progress.Figure` objects to numbers and labels; the
templates only place them (SVG and CSS widths), so the pages need no JavaScript.
Coordinates are plain strings with a decimal point, whatever the language.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from targets.domain.formatting import date, format_target, format_value, number, plain_number
from targets.domain.models import Target
from targets.pages.marks import marks_html

# Tick steps are these multiples of a power of ten (1, 2, 2.5, 5 × 10ⁿ).
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


def nice_step(span, count: int = 5, *, whole: bool = False) -> Decimal:
    """The smallest round step (1, 2, 2.5 or 5 × 10ⁿ) that covers ``span`` in at most
    ``count`` intervals; ``whole``: a whole number (ranks), never below 1."""
    span = Decimal(span)
    if span <= 0:
        return Decimal(1)
    raw = span / count
    power = Decimal(10) ** (raw.adjusted())  # 10^floor(log10(raw))
    for multiple in NICE_STEPS:
        step = multiple * power
        if step >= raw and not (whole and step != step.to_integral_value()):
            break
    if whole:
        step = max(step, Decimal(1))
    return step.normalize() if step == step.to_integral_value() else step


def nice_ticks(low, high, count: int = 5, *, whole: bool = False) -> list[Decimal]:
    """Round ticks from a multiple of the step at or below ``low`` to one at or above
    ``high`` (:func:`nice_step`)."""
    low, high = Decimal(low), Decimal(high)
    if high <= low:
        high = low + 1
    step = nice_step(high - low, count, whole=whole)
    first = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    ticks = []
    tick = first
    while True:
        ticks.append(tick + 0)
        if tick >= high:
            break
        tick += step
    return ticks


def tick_label(target: Target, value: Decimal) -> str:
    """A tick's label: a percentage without needless decimals (``2,5%``), a count or a
    rank with its thousands grouped (``5.000.000``: their ticks are whole), a
    milestone's two ticks in words (``Chưa đạt``, ``Đạt``)."""
    if target.measure == Target.Measure.MILESTONE:
        return format_value(target, value)
    if target.is_percentage:
        return f"{plain_number(value)}%"
    return number(value)


def value_ticks(target: Target, values, count: int) -> list[Decimal]:
    """The ticks of a chart's value axis, from its lowest to its highest, covering the
    target and ``values`` (the baseline, the figures): a milestone's two (not done,
    done); a rank's whole numbers from 1; a count's whole numbers; a percentage's round
    numbers, to 100% for a target of 50% or more; below 0 only for a figure or target
    below 0 (a growth rate that fell)."""
    if target.measure == Target.Measure.MILESTONE:
        return [Decimal(0), Decimal(1)]
    is_rank = target.measure == Target.Measure.RANK
    whole = is_rank or target.measure == Target.Measure.COUNT
    highest = max([target.target_value, *values], default=Decimal(1))
    if target.is_percentage and highest <= 100 and target.target_value >= 50:
        highest = Decimal(100)
    lowest = min([Decimal(0), target.target_value, *values])
    ticks = nice_ticks(
        lowest, max(highest, Decimal(1) if is_rank else Decimal(0)), count, whole=whole
    )
    if is_rank:
        ticks = [Decimal(1)] + [t for t in ticks if t > 1]
    return ticks


# The width of a tick label's character, in the drawing's units, at the font size of each
# drawing (tracker.css: 11px wide, 12.5px narrow), generous for the digits of the
# system's sans-serif; the value axis leaves room for its longest label.
CHAR_WIDTH = {"wide": 7, "narrow": 8}


def left_margin(labels: list[str], size: str) -> int:
    """Room left of the plot for the value axis' labels (at least :data:`LEFT`)."""
    longest = max((len(label) for label in labels), default=0)
    return max(LEFT, 10 + longest * CHAR_WIDTH[size])


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
    label: str  # in words, for the bar's accessible name: "12,00%, mục tiêu ≥ 30,00%, …"
    reversed: bool = False  # "lower is better": drawn from the worst end
    marks: str = ""  # the figure's change and stale marks (``targets.pages.marks``)
    caption: str = ""  # the label shown under the bar (HTML), ``marks`` after the figure


def _bar_scale(figure):
    """(share of a value along the bar) for the bar of ``figure``: from 0 to the top for
    "higher is better"; for "lower is better" from the worst figure (left) to the best
    (right: 1 for a rank, else 0), so that a longer bar is better either way."""
    target = figure.target
    numbers = [target.target_value, target.baseline_value, figure.value, figure.expected_value]
    numbers = [Decimal(n) for n in numbers if n is not None]
    if target.lower_is_better:
        best = Decimal(1) if target.measure == Target.Measure.RANK else Decimal(0)
        worst = max(numbers, default=best + 1)
        # Leave room beyond the worst figure so that it still shows a little bar.
        worst = nice_ticks(best, max(worst * Decimal("1.25"), best + 1), whole=True)[-1]
        span = worst - best
        return lambda value: (worst - Decimal(value)) / span
    top = max(numbers, default=Decimal(1))
    if target.is_percentage and top <= 100:
        top = Decimal(100)
    top = top or Decimal(1)
    return lambda value: Decimal(value) / top


def progress_bar(figure) -> Bar:
    """The bar of one target: the figure on a scale where further right is better,
    with marks at the target and at the figure expected by ``figure.as_of``. For a
    "lower is better" target (a rank) the scale runs from the worst figure to the best,
    so the gap between the bar's end and the target mark is how far it still has to go.
    """
    target = figure.target
    value = figure.value
    share = _bar_scale(figure)
    expected = None
    if target.measure != Target.Measure.MILESTONE and figure.expected_value is not None:
        if not (target.lower_is_better and target.baseline_value is None):
            expected = _pct(share(figure.expected_value))
    marks = marks_html(getattr(figure, "freshness", None))
    label, caption = _bar_words(figure, expected is not None and value is not None, marks)
    return Bar(
        figure=figure,
        fill=_pct(share(value)) if value is not None else _pct(Decimal(0)),
        target_mark=_pct(share(target.target_value)),
        expected_mark=expected,
        label=label,
        reversed=target.lower_is_better,
        marks=marks,
        caption=caption,
    )


def _bar_words(figure, with_expected: bool, marks: str) -> tuple[str, str]:
    """What a bar says: in words ("12,00%, mục tiêu ≥ 30,00%, cần đạt theo tiến độ
    15,00%") and, to show under it, the same with ``marks`` right after the figure: a
    change belongs to the figure, never to the target written last ("mục tiêu Đạt =")."""
    target = figure.target
    words = _("%(value)s, mục tiêu %(target)s")
    value, goal = format_value(target, figure.value), format_target(target)
    label = words % {"value": value, "target": goal}
    caption = escape(words) % {"value": format_html("{}{}", value, marks), "target": escape(goal)}
    if with_expected:
        rest = _(", cần đạt theo tiến độ %(expected)s") % {
            "expected": format_value(target, figure.expected_value)
        }
        label += rest
        caption += escape(rest)
    return label, mark_safe(caption)  # the wording and every part escaped above


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
    size: str = "wide"


# Two drawings of each chart: a wide one for screens from a tablet up, a narrow one for
# phones (text in an SVG scales with it: one drawing cannot be readable at both).
SIZES = {"wide": (960, 300), "narrow": (360, 260)}
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 36
X_LABELS = {"wide": 7, "narrow": 3}  # at most this many date labels


def _x_ticks(start: datetime.date, end: datetime.date, most: int) -> list[datetime.date]:
    """Month starts every 1, 3, 6, 12 or 24 months (the first step giving at most
    ``most`` labels) between ``start`` and ``end``, and ``end`` itself."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = next((m for m in (1, 3, 6, 12, 24, 60) if months / m <= most - 1), 120)
    days = []
    year, month = start.year, start.month
    while True:
        day = datetime.date(year, month, 1)
        if day > end:
            break
        if (
            day >= start
            and (month - 1) % min(step, 12) == 0
            and (year - start.year) % max(step // 12, 1) == 0
        ):
            days.append(day)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    if not days or (end - days[-1]).days > 31:
        days.append(end)
    return days


def line_chart(target: Target, series, as_of: datetime.date, size: str = "wide") -> LineChart:
    """The target's figure over time (``series``: Figures at each period end, from
    ``targets.domain.progress.figure_series``), the target as a horizontal line, and the
    straight line from the baseline to the target that the status rule expects.

    The value axis has round ticks (:func:`nice_ticks`); for a "lower is better" target
    it is reversed (better is up), and a rank's axis has whole numbers with 1 at the top.
    ``size``: "wide" or "narrow" (:data:`SIZES`)."""
    width, height = SIZES[size]
    start = min(target.baseline_date or target.plan.start_date, target.plan.start_date)
    end = max(target.plan.end_date, target.deadline)
    days = max((end - start).days, 1)
    baseline = target.baseline_value if target.baseline_value is not None else Decimal(0)
    values = [f.value for f in series if f.value is not None]
    ticks = value_ticks(target, [baseline, *values], 5 if size == "wide" else 4)
    low, high = ticks[0], ticks[-1]
    tick_labels = [tick_label(target, tick) for tick in ticks]
    left = left_margin(tick_labels, size)
    reverse = target.lower_is_better
    plot_w, plot_h = width - left - RIGHT, height - TOP - BOTTOM

    def x(day: datetime.date) -> float:
        return left + plot_w * (day - start).days / days

    def y(value) -> float:
        share = float((Decimal(value) - low) / ((high - low) or 1))
        return TOP + plot_h * (share if reverse else 1 - share)

    points = [
        Point(
            x=f"{x(f.as_of):.1f}",
            y=f"{y(f.value):.1f}",
            figure=f,
            label=f"{date(f.as_of)}: {format_value(target, f.value)} ({f.status.label})",
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
    y_ticks = [
        Tick(position=f"{y(tick):.1f}", label=label)
        for tick, label in zip(ticks, tick_labels, strict=True)
    ]
    x_ticks = [
        Tick(position=f"{x(day):.1f}", label=date(day))
        for day in _x_ticks(start, end, X_LABELS[size])
    ]
    if x_ticks:
        x_ticks[0].anchor, x_ticks[-1].anchor = "start", "end"
        if len(x_ticks) > 1 and float(x_ticks[-1].position) - float(x_ticks[-2].position) < (
            90 if size == "wide" else 80
        ):
            del x_ticks[-2]  # the last month start would overlap the end date
    last = series[-1] if series else None
    description = _(
        "Số liệu của chỉ tiêu %(code)s tại %(count)s kỳ báo cáo đến ngày %(as_of)s; "
        "mục tiêu %(target)s, hạn %(deadline)s."
    ) % {
        "code": target.code,
        "count": len(series),
        "as_of": date(as_of),
        "target": format_target(target),
        "deadline": date(target.deadline),
    }
    if last is not None and last.value is not None:
        description += " " + _("Số liệu mới nhất: %(value)s.") % {
            "value": format_value(target, last.value)
        }
    if reverse:
        description += " " + _("Trục dọc đảo ngược: càng lên cao càng tốt.")
    return LineChart(
        width=width,
        height=height,
        title=_("Diễn biến chỉ tiêu %(code)s") % {"code": target.code},
        description=description,
        points=points,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        target_y=f"{y(target.target_value):.1f}",
        expected=expected,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        left=left,
        right=width - RIGHT,
        top=TOP,
        bottom=height - BOTTOM,
        size=size,
    )


def line_charts(target: Target, series, as_of: datetime.date) -> list[LineChart]:
    """The wide and the narrow drawing of the same chart (the page shows one by CSS)."""
    return [line_chart(target, series, as_of, size) for size in SIZES]
