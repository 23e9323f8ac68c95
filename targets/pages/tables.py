"""The tables of the manager pages (django-tables2), one per page.

Rows are :class:`targets.domain.progress.Figure` objects computed before the table is built,
so no ``render_*`` method queries. Every table page exports its rows: ``value_*``
methods give the export plain numbers and dates, and export-only columns
(``visible=False``) carry the codes, the target value and the completeness parts.
"""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from targets.domain.formatting import (
    DASH,
    date,
    export_number,
    export_part,
    format_target,
    format_value,
    number,
    percent,
    status_text,
)
from targets.domain.status import Status
from targets.pages.marks import marks_html

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}  # right-aligned number columns


class StatusColumn(tables.Column):
    """The status label in a coloured badge; sorts best first."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("Tình trạng"))
        kwargs.setdefault("order_by", ("status_rank",))
        kwargs.setdefault("accessor", "status")
        super().__init__(**kwargs)

    def render(self, value, record):
        text = status_text(record) if hasattr(record, "provisional") else Status(value).label
        return format_html('<span class="status status-{}">{}</span>', value, text)

    def value(self, value, record):
        return status_text(record) if hasattr(record, "provisional") else str(Status(value).label)


class FigureColumn(tables.Column):
    """A figure formatted for its target; exports the number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", NUM)
        super().__init__(**kwargs)

    def render(self, value, record):
        # The change since the previous period and a stale mark, where the page has
        # them (targets.domain.freshness).
        marks = marks_html(getattr(record, "freshness", None))
        if marks:
            return format_html("{}{}", format_value(record.target, value), marks)
        return format_value(record.target, value)

    def value(self, value):
        return export_number(value)


class PartColumn(FigureColumn):
    """A numerator or denominator (sums of parts for a roll-up)."""

    def render(self, value, record):
        return number(value)

    def value(self, value):
        return export_part(value)


class ShortDateColumn(tables.Column):
    """A date in the active language's short format (``31/12/2022``); exports the date.
    django-tables2's ``DateColumn`` compiles a template for every cell it renders."""

    def render(self, value):
        return date(value)

    def value(self, value):
        return value


class FigureTable(tables.Table):
    """Columns shared by every table of figures, in export order; page tables pick
    and order them with ``Meta.sequence`` and hide the export-only ones."""

    unit_code = tables.Column(verbose_name=_("Mã đơn vị"), accessor="unit__code")
    unit_name = tables.Column(
        verbose_name=_("Đơn vị"),
        accessor="unit__display_name",
        order_by=("unit__code",),
        linkify=lambda record: f"{record.unit.get_absolute_url()}?{record.period_query}",
    )
    target_code = tables.Column(
        verbose_name=_("Mã chỉ tiêu"),
        accessor="target__code",
        linkify=lambda record: (
            f"{record.target.get_absolute_url()}?as_of={record.as_of.isoformat()}"
        ),
    )
    target_name = tables.Column(
        verbose_name=_("Chỉ tiêu"),
        accessor="target__display_name",
        attrs={"td": {"class": "name"}},
    )
    value = FigureColumn(verbose_name=_("Số liệu"), accessor="value")
    numerator = PartColumn(verbose_name=_("Tử số"), accessor="numerator")
    denominator = PartColumn(verbose_name=_("Mẫu số"), accessor="denominator")
    target_value = tables.Column(
        verbose_name=_("Mục tiêu"),
        accessor="target__target_value",
        attrs=NUM,
    )
    status = StatusColumn()
    reported = tables.Column(verbose_name=_("Số đơn vị đã báo cáo"), visible=False)
    expected = tables.Column(verbose_name=_("Số đơn vị phải báo cáo"), visible=False)
    completeness = tables.Column(
        verbose_name=_("Đã báo cáo"),
        accessor="completeness",
        exclude_from_export=True,
        attrs=NUM,
    )
    last_period = ShortDateColumn(verbose_name=_("Kỳ báo cáo gần nhất"))

    class Meta:
        orderable = True
        attrs = {"class": "data"}
        empty_text = _("Không có dòng nào.")

    def render_target_value(self, record):
        return format_target(record.target)

    def value_target_value(self, value):
        return export_number(value)

    def render_completeness(self, record):
        if not record.is_due:  # an annual target mid-year: nothing is due yet
            return format_html(
                '<span class="muted" title="{}">{}</span>', _("chưa đến kỳ báo cáo đầu tiên"), DASH
            )
        return f"{record.reported}/{record.expected}"

    def value_unit_name(self, record):
        return record.unit.display_name if record.unit else None


class TargetTable(FigureTable):
    """Target table: one row per target, the figure of the manager's scope."""

    pillar = tables.Column(
        verbose_name=_("Trụ cột"), accessor="target__pillar", order_by=("target__pillar__order",)
    )
    reporting_units = tables.Column(
        verbose_name=_("Cấp báo cáo"), accessor="target__get_reporting_units_display"
    )

    class Meta(FigureTable.Meta):
        sequence = (
            "unit_code",
            "unit_name",
            "target_code",
            "target_name",
            "pillar",
            "reporting_units",
            "value",
            "numerator",
            "denominator",
            "target_value",
            "status",
            "completeness",
            "reported",
            "expected",
            "last_period",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns.hide("unit_code")
        self.columns.hide("unit_name")


class TargetUnitTable(FigureTable):
    """Target detail: one row per unit expected to report the target."""

    district = tables.Column(
        verbose_name=_("Quận, huyện"), accessor="district__display_name", default=""
    )
    reported_now = tables.BooleanColumn(
        verbose_name=_("Đã báo cáo kỳ này"), accessor="reported", yesno=(_("Có"), _("Chưa"))
    )

    class Meta(FigureTable.Meta):
        sequence = (
            "district",
            "unit_code",
            "unit_name",
            "target_code",
            "target_name",
            "value",
            "numerator",
            "denominator",
            "target_value",
            "status",
            "reported_now",
            "last_period",
        )
        exclude = ("completeness", "reported", "expected")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("target_code", "target_name", "target_value"):
            self.columns.hide(name)

    def value_reported_now(self, value):
        return str(_("Có") if value else _("Chưa"))


class DistrictRollupTable(FigureTable):
    """Target detail, commune targets: each district's roll-up of its communes. Shown
    beside the units table, not exported (the status report carries it)."""

    class Meta(FigureTable.Meta):
        sequence = (
            "unit_name",
            "value",
            "numerator",
            "denominator",
            "status",
            "completeness",
            "last_period",
        )
        exclude = (
            "unit_code",
            "target_code",
            "target_name",
            "target_value",
            "reported",
            "expected",
        )
        orderable = False


class SeriesTable(tables.Table):
    """Target detail: the chart's figures as text (its text alternative)."""

    as_of = ShortDateColumn(verbose_name=_("Cuối kỳ"))
    value = FigureColumn(verbose_name=_("Số liệu"))
    expected_value = FigureColumn(verbose_name=_("Mức cần đạt theo tiến độ"))
    status = StatusColumn()
    completeness = tables.Column(verbose_name=_("Đã báo cáo"), attrs=NUM)

    class Meta:
        orderable = False
        attrs = {"class": "data"}
        empty_text = _("Chưa đến kỳ báo cáo nào.")

    def render_completeness(self, record):
        return f"{record.reported}/{record.expected}"


class ScorecardTable(FigureTable):
    """Unit scorecard: the unit's figure for every target that applies to it; for a
    district, then the same for each of its communes."""

    reporting_units = tables.Column(
        verbose_name=_("Cấp báo cáo"), accessor="target__get_reporting_units_display"
    )

    class Meta(FigureTable.Meta):
        sequence = (
            "unit_code",
            "unit_name",
            "target_code",
            "target_name",
            "reporting_units",
            "value",
            "numerator",
            "denominator",
            "target_value",
            "status",
            "completeness",
            "reported",
            "expected",
            "last_period",
        )


class CompletenessTable(FigureTable):
    """Completeness: one row per (unit, target) not reported for the current period."""

    district = tables.Column(
        verbose_name=_("Quận, huyện"), accessor="district__display_name", default=""
    )
    period_due = ShortDateColumn(verbose_name=_("Kỳ phải báo cáo"), accessor="period_due")
    # The report of the period due, by state (targets.domain.completeness); no status badge:
    # the last approved figure is older than the period asked for.
    state = tables.Column(verbose_name=_("Báo cáo kỳ này"), accessor="state")
    late = tables.BooleanColumn(verbose_name=_("Trễ hạn"), yesno=(_("Trễ"), ""))

    class Meta(FigureTable.Meta):
        sequence = (
            "district",
            "unit_code",
            "unit_name",
            "target_code",
            "target_name",
            "period_due",
            "state",
            "late",
            "last_period",
        )
        exclude = (
            "value",
            "status",
            "numerator",
            "denominator",
            "target_value",
            "completeness",
            "reported",
            "expected",
        )

    def render_state(self, value, record):
        return format_html('<span class="state state-{}">{}</span>', value, value.label)

    def value_state(self, value):
        return str(value.label)

    def value_late(self, value):
        return str(_("Trễ")) if value else ""


class DistrictCountTable(tables.Table):
    """Completeness: per district, reports expected and where they stand
    (``targets.domain.completeness.StateCount``): approved, submitted, returned, draft, not
    entered, late."""

    district = tables.Column(verbose_name=_("Quận, huyện"), accessor="name")
    expected = tables.Column(verbose_name=_("Phải báo cáo"), attrs=NUM)
    reported = tables.Column(verbose_name=_("Đã duyệt"), attrs=NUM)
    submitted = tables.Column(verbose_name=_("Đã gửi, chờ duyệt"), attrs=NUM)
    returned = tables.Column(verbose_name=_("Bị trả lại"), attrs=NUM)
    draft = tables.Column(verbose_name=_("Đang nhập (nháp)"), attrs=NUM)
    not_entered = tables.Column(verbose_name=_("Chưa nhập"), attrs=NUM)
    late = tables.Column(verbose_name=_("Trễ hạn"), attrs=NUM)
    share = tables.Column(verbose_name=_("Tỷ lệ đã duyệt"), attrs=NUM)

    class Meta:
        orderable = False
        attrs = {"class": "data"}

    def render_share(self, value):
        return percent(value)
