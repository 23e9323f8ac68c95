"""The scorecard grid as a django-tables2 table: one column per target, built for the
targets of the grid (``targets.scorecard.Scorecard``); sortable by any column."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.formatting import format_value, percent
from targets.freshness import marks_html
from targets.models import AdministrativeUnit
from targets.scorecard import column_key
from targets.tables import NUM

DASH = "—"


def render_cell(cell, url: str = "") -> str:
    """A grid cell: the figure coloured by status (a link to ``url``, the drill-down),
    its change since the previous period and, when older than the current period, a
    visible mark with its period."""
    if cell.applicable and cell.figure.value is None:
        return format_html(
            '<span class="cell status-{}">{}</span>', cell.figure.status, cell.figure.status.label
        )
    if not cell.applicable:
        return format_html(
            '<span class="cell na" title="{}">{}<span class="visually-hidden"> {}</span></span>',
            _("Không áp dụng"),
            DASH,
            _("Không áp dụng"),
        )

    figure = cell.figure
    value = format_value(figure.target, figure.value)
    if url:
        value = format_html('<a href="{}">{}</a>', url, value)
    return format_html(
        '<span class="cell status-{}" title="{}">{}<span class="visually-hidden"> · {}</span>'
        "{}</span>",
        figure.status,
        figure.status.label,
        value,
        figure.status.label,
        marks_html(cell.freshness),
    )


class CellColumn(tables.Column):
    """A target's column: its code in the header (the name as a tooltip)."""

    def __init__(self, target, **kwargs):
        key = column_key(target)
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
        if unit.level == AdministrativeUnit.Level.DISTRICT:
            return f"{self.url(target)}?{self.period_query}&district={unit.code}"
        return f"{self.url(unit)}?{self.period_query}"

    def render_rank(self, record):
        if record.rank is None:
            return DASH
        if record.tied:
            return format_html(
                '{} <span class="muted" title="{}">{}</span>',
                record.rank,
                _("Bằng điểm với đơn vị khác"),
                _("(đồng hạng)"),
            )
        return str(record.rank)

    def render_unit(self, value, record):
        url = f"{self.url(record.unit)}?{self.period_query}"
        return format_html('<a href="{}">{}</a>', url, value)

    def render_good(self, record):
        if not record.applicable:
            return DASH
        return f"{record.good}/{record.applicable} ({percent(record.share)})"
