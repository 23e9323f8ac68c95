"""What ``/`` shows without parameters: the plan with the most recent approved figures
in the reader's scope, at the last period that has them, and a sentence saying why;
without any figure, the plan running today (else the latest plan, as of its end)."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from targets.domain.formatting import date
from targets.domain.models import Plan, ProgressEntry
from targets.domain.plans import default_plan
from targets.pages.forms import read_period


def latest_figures(plans, scope, today):
    """(plan, period end) of the plan among ``plans`` with the most recent approved
    figure of the scope's units on or before ``today``; (None, None) without any. Among
    plans with the same newest period, the one ``default_plan`` picks for that day (the
    one ending first). One query."""
    periods = dict(
        Plan.objects.filter(pk__in=[plan.pk for plan in plans])
        .annotate(
            last=Subquery(
                ProgressEntry.objects.latest_approved_period(
                    OuterRef("pk"), units=scope.units.values("pk"), on_or_before=today
                )
            )
        )
        .values_list("pk", "last")
    )
    newest = max((day for day in periods.values() if day is not None), default=None)
    if newest is None:
        return None, None
    tied = [plan for plan in plans if periods.get(plan.pk) == newest]
    return default_plan(tied, newest), newest


def landing_period(data, plans, scope=None, *, today=None):
    """(Period, sentence) for the dashboard. With ``plan`` or ``as_of`` in ``data`` the
    page shows what was asked (``read_period``) and the sentence is empty. ``today``:
    default today in the project's time zone."""
    plans = list(plans)
    if data.get("plan") or data.get("as_of"):
        return read_period(data, plans), ""
    today = today or timezone.localdate()
    plan, last = latest_figures(plans, scope, today) if scope is not None else (None, None)
    if plan is not None:
        period = read_period({"plan": plan.code, "as_of": last.isoformat()}, plans)
        sentence = _(
            "Đang xem %(plan)s · kỳ gần nhất có số liệu đã duyệt trong phạm vi của bạn: %(period)s."
        )
        return period, sentence % {"plan": plan.display_name, "period": date(last)}
    plan = default_plan(plans, today)
    if plan is None:
        return read_period(data, plans), ""
    if plan.start_date <= today <= plan.end_date:
        period = read_period({"plan": plan.code, "as_of": today.isoformat()}, plans)
        sentence = _(
            "Chưa có số liệu nào được duyệt trong phạm vi của bạn: đang xem kế hoạch đang "
            "thực hiện hôm nay, tính đến hôm nay (%(today)s)."
        )
        return period, sentence % {"today": date(today)}
    period = read_period({"plan": plan.code, "as_of": plan.end_date.isoformat()}, plans)
    sentence = _(
        "Hôm nay (%(today)s) không có kế hoạch nào đang thực hiện: đang xem kế hoạch "
        "gần nhất, “%(plan)s”, tính đến ngày kết thúc %(end)s."
    )
    return period, sentence % {
        "today": date(today),
        "plan": plan.display_name,
        "end": date(plan.end_date),
    }
