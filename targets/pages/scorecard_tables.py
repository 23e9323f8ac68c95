"""The scorecard grid as a django-tables2 table: one column per target, built for the
targets of the grid (``targets.pages.scorecard.Scorecard``); sortable by any column."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.domain.formatting import (
    format_value,
    no_report_text,
    percent,
    status_text,
)
from targets.domain.league import column_key
from targets.domain.models import AdministrativeUnit
from targets.pages.marks import marks_html
from targets.pages.tables import NUM

DASH = "—"


# A grid cell's markup: a figure coloured by status (a link to its drill-down) with the
# status in words for screen readers and its marks (targets.pages.marks); a figure with
# no value; a target that does not apply to the unit. Written by :func:`render_cell`.
CELL = (
    '<span class="cell status-{}" title="{}">{}<span class="visually-hidden"> · {}</span>{}</span>'
)
LINK = '<a href="{}">{}</a>'
NO_VALUE = '<span class="cell status-{}">{}</span>'
NOT_APPLICABLE = (
    '<span class="cell na" title="{}">{}<span class="visually-hidden"> {}</span></span>'
)


def no_value_text(figure) -> str:
    """A cell without a figure: its period's reports have not come ("chưa báo cáo kỳ
    này"), or nothing is due yet."""
    return no_report_text() if figure.is_due else str(figure.status.label)


def not_applicable() -> str:
    return format_html(NOT_APPLICABLE, _("Không áp dụng"), DASH, _("Không áp dụng"))


def render_cell(cell, url: str = "") -> str:
    """A grid cell: the figure coloured by status (a link to ``url``, the drill-down),
    its change since the previous period and, when older than the current period, a
    visible mark with its period."""
    if cell.applicable and cell.figure.value is None:
        return format_html(NO_VALUE, cell.figure.status, no_value_text(cell.figure))
    if not cell.applicable:
        return not_applicable()

    figure = cell.figure
    value = format_value(figure.target, figure.value)
    if url:
        value = format_html(LINK, url, value)
    label = status_text(figure)
    return format_html(CELL, figure.status, label, value, label, marks_html(cell.freshness))


class CellColumn(tables.Column):
    """A target's column: its code in the header (the name as a tooltip), each cell
    written by :func:`render_cell` (django-tables2's documented ``render`` hook)."""

    def __init__(self, target, **kwargs):
        key = column_key(target)
        self.target = target
        super().__init__(
            verbose_name=target.code,
            accessor=f"cells__{key}",
            order_by=(f"cells__{key}__sort_key",),
            attrs={"th": {"title": target.display_name, "class": "num"}, "td": {"class": "num"}},
            **kwargs,
        )

    def render(self, value, record, table):
        return render_cell(value, table.drill_down(value.target, record.unit))


class ScorecardGridTable(tables.Table):
    """Units × targets. ``period_query`` carries the plan and date into the links."""

    rank = tables.Column(
        verbose_name=gettext_lazy("Hạng"), order_by=("rank_key",), attrs=NUM, empty_values=()
    )
    unit = tables.Column(
        verbose_name=gettext_lazy("Đơn vị"),
        accessor="unit__display_name",
        order_by=("unit__code",),
        attrs={"td": {"class": "first"}, "th": {"class": "first"}},
    )
    good = tables.Column(
        verbose_name=gettext_lazy("Đạt hoặc đúng tiến độ"),
        order_by=("share_key",),
        attrs=NUM,
        empty_values=(),
    )

    class Meta:
        orderable = True
        attrs = {"class": "data scorecard"}
        sequence = ("unit", "...", "good", "rank")  # the figures first, as in DHIS2
        empty_text = gettext_lazy("Không có đơn vị nào trong phạm vi của bạn.")

    def __init__(self, scorecard, *args, period_query="", show_rank=True, **kwargs):
        extra = [(column_key(t), CellColumn(t)) for t in scorecard.targets]
        super().__init__(scorecard.rows, *args, extra_columns=extra, **kwargs)
        self.period_query = period_query
        self._urls = {}  # each target's and unit's page, reversed once per table
        if not (show_rank and scorecard.ranked):
            self.columns.hide("rank")

    def url(self, item) -> str:
        """``item.get_absolute_url()`` (a target or a unit), reversed once per table: a
        grid of the city-scale plan has 2,700 cells."""
        key = (type(item), item.pk)
        if key not in self._urls:
            self._urls[key] = item.get_absolute_url()
        return self._urls[key]

    def drill_down(self, target, unit) -> str:
        """Where a cell leads: a district's units on the target's page; a commune's page."""
        if self.drills_to_target(unit):
            return self.district_drill_down(target, unit.code)
        return self.unit_page(unit)

    @staticmethod
    def drills_to_target(unit) -> bool:
        """A district's cell leads to the target's page (its units in the district), a
        commune's to the commune's page."""
        return unit.level == AdministrativeUnit.Level.DISTRICT

    def unit_page(self, unit) -> str:
        return f"{self.url(unit)}?{self.period_query}"

    def district_drill_down(self, target, code: str) -> str:
        return f"{self.url(target)}?{self.period_query}&district={code}"

    def render_rank(self, record):
        if record.rank is None:
            if record.applicable:  # applicable targets, but no report for the period
                return format_html('<span class="muted">{}</span>', no_report_text())
            return DASH
        notes = []
        if record.tied:
            notes.append((_("Bằng điểm với đơn vị khác"), _("(đồng hạng)")))
        if record.provisional:
            notes.append((_("Hạng tính trên số báo cáo chưa đủ của kỳ này"), _("(tạm tính)")))
        return format_html(
            "{}{}",
            record.rank,
            format_html_join("", ' <span class="muted" title="{}">{}</span>', notes),
        )

    def render_unit(self, value, record):
        return format_html(LINK, self.unit_page(record.unit), value)

    def render_good(self, record):
        if not record.applicable:
            return DASH
        return f"{record.good}/{record.applicable} ({percent(record.share)})"
