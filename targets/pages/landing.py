"""What ``/`` shows without parameters: the plan running today, or, when none runs,
the latest plan as of its end date; and a sentence saying which."""

from django.utils import timezone
from django.utils.translation import gettext as _

from targets.domain.formatting import date
from targets.domain.plans import default_plan
from targets.pages.forms import read_period


def landing_period(data, plans, *, today=None):
    """(Period, sentence) for the dashboard. With ``plan`` or ``as_of`` in ``data`` the
    page shows what was asked (``read_period``) and the sentence is empty. ``today``:
    default today in the project's time zone."""
    plans = list(plans)
    if data.get("plan") or data.get("as_of"):
        return read_period(data, plans), ""
    today = today or timezone.localdate()
    plan = default_plan(plans, today)
    if plan is None:
        return read_period(data, plans), ""
    if plan.start_date <= today <= plan.end_date:
        period = read_period({"plan": plan.code, "as_of": today.isoformat()}, plans)
        sentence = _("Đang xem kế hoạch đang thực hiện hôm nay, tính đến hôm nay (%(today)s).")
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
