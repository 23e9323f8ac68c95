"""The marks written after a figure on the pages: its change since the previous period
(an arrow, green when better, red when worse, with its words for screen readers) and,
when it is older than the current period, a badge naming its period. What they say is
decided by ``targets.domain.freshness``; this module writes it."""

import datetime

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from targets.domain.formatting import date
from targets.domain.freshness import Change, Freshness, change_between, change_is_better, is_stale


def change_words(change: str | None, better: bool | None, since: datetime.date | None) -> str:
    """A figure's change in words (screen readers and tooltips), from the change, whether
    it is for the better and the date of the previous figure (computed once by
    :func:`marks_html`)."""
    if change is None:
        return _("Chưa có số liệu kỳ trước để so sánh")
    since = date(since)
    if change == Change.SAME:
        return _("Không đổi so với kỳ %(period)s") % {"period": since}
    words = _("tốt lên") if better else _("kém đi")
    if change == Change.UP:
        return _("Tăng so với kỳ %(period)s (%(words)s)") % {"period": since, "words": words}
    return _("Giảm so với kỳ %(period)s (%(words)s)") % {"period": since, "words": words}


def marks_html(freshness: Freshness | None) -> str:
    """The marks shown after a figure: its change since the previous period (an arrow,
    green when better, red when worse) and, when older than the current period, its
    period in a visible badge. "" for no marks."""
    if freshness is None or freshness.figure.value is None:
        return ""
    figure, previous = freshness.figure, freshness.previous
    parts = []
    change = change_between(figure, previous)
    if Change.ARROWS.get(change, ""):
        better = change_is_better(figure.target, change)
        parts.append(_change_mark(change, better, previous.last_period or previous.period_due))
    if is_stale(figure):
        parts.append(_stale_mark(figure.period_due, figure.last_period))
    return mark_safe("".join(parts))  # each part built by format_html


def _change_mark(change: str, better: bool | None, since: datetime.date) -> str:
    """The arrow of a change since the period ending ``since``, with its words: a mark
    of its own after the figure (boxed by the CSS), never part of the text before it
    (``mục tiêu Đạt =``). A screen reader hears the words in brackets after the figure
    (``Chưa đạt (Không đổi so với kỳ 30/09/2022)``), not the arrow."""
    quality = {True: "better", False: "worse", None: "same"}[better]
    label = change_words(change, better, since)
    return format_html(
        ' <span class="change {}" title="{}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">({})</span></span>',
        quality,
        label,
        Change.ARROWS[change],
        label,
    )


def _stale_mark(due: datetime.date, period: datetime.date) -> str:
    """The badge of a figure of the period ending ``period`` when ``due`` was due."""
    return format_html(
        ' <span class="stale" title="{}">{}</span>',
        _("Cũ hơn kỳ hiện tại (%(due)s)") % {"due": date(due)},
        _("cũ, kỳ %(period)s") % {"period": date(period)},
    )
