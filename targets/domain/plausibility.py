"""Plausibility warnings: figures that are allowed but unlikely, compared with the
unit's previous approved figure of the same target.

A warning is not an error: the reporter confirms the figure by writing a note that
explains it; reviewers see the warning beside the figure. The thresholds are the
settings ``TARGETS_PLAUSIBILITY_MAX_CHANGE`` (a figure moving by more than this share
of the previous one) and ``TARGETS_PLAUSIBILITY_MAX_DENOMINATOR_CHANGE``; a falling
figure is flagged for targets marked ``cumulative``.
"""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from targets.domain.formatting import format_value
from targets.domain.formatting import number as format_part
from targets.domain.models import Target


def _share(new: Decimal, old: Decimal) -> Decimal | None:
    if old is None or new is None or old == 0:
        return None
    return abs(new - old) / abs(old)


def _percent(share: Decimal) -> str:
    from targets.domain.formatting import percent

    return percent(share * 100)


def warnings(target: Target, *, numerator, denominator, value, previous) -> list[str]:
    """The warnings for a figure of ``target`` (``value`` derived for a ratio), given the
    unit's previous approved entry ``previous`` (anything with ``numerator``,
    ``denominator`` and ``value``; None when there is none). Messages in the active
    language."""
    if previous is None or target.measure == Target.Measure.MILESTONE:
        return []
    if target.measure == Target.Measure.RATIO and numerator is not None and denominator:
        value = Decimal(100) * numerator / denominator
    found = []
    change = _share(value, previous.value)
    if change is not None and change > Decimal(str(settings.TARGETS_PLAUSIBILITY_MAX_CHANGE)):
        found.append(
            _("Giá trị thay đổi %(change)s so với số liệu đã duyệt kỳ trước (%(previous)s).")
            % {"change": _percent(change), "previous": format_value(target, previous.value)}
        )
    jump = _share(denominator, previous.denominator)
    limit = Decimal(str(settings.TARGETS_PLAUSIBILITY_MAX_DENOMINATOR_CHANGE))
    if jump is not None and jump > limit:
        found.append(
            _("Mẫu số thay đổi %(change)s so với kỳ trước (%(previous)s).")
            % {"change": _percent(jump), "previous": format_part(previous.denominator)}
        )
    if target.cumulative:
        if target.measure == Target.Measure.RATIO:
            new, old, label = numerator, previous.numerator, _("Tử số")
        else:
            new, old, label = value, previous.value, _("Giá trị")
        if new is not None and old is not None and new < old:
            found.append(
                _("%(label)s cộng dồn giảm so với kỳ trước (%(previous)s).")
                % {"label": label, "previous": format_part(old)}
            )
    return found


def confirmation_error(found: list[str], note: str) -> str | None:
    """The message refusing a figure with warnings ``found`` and no explaining ``note``;
    None when there is nothing to confirm or the note is there."""
    if not found or (note or "").strip():
        return None
    return _(
        "Số liệu khác thường so với kỳ trước: hãy kiểm tra lại, hoặc ghi chú giải thích "
        "để xác nhận số liệu."
    )
