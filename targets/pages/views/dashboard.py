"""The dashboard: per pillar, targets by status and a bar per target; the league of the
districts (or, on a tree without districts, the communes) below the scope's unit."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django_tables2 import RequestConfig

from targets.domain.models import Plan
from targets.domain.scope import read_scope
from targets.pages.builders.dashboard import dashboard as build_dashboard
from targets.pages.charts import progress_bar
from targets.pages.landing import landing_period
from targets.pages.legends import BAR_LEGEND, LOWER_IS_BETTER_LEGEND
from targets.pages.scorecard_tables import ScorecardGridTable


@login_required
def dashboard(request):
    scope = read_scope(request.user)
    period, landing = landing_period(request.GET, Plan.objects.all(), scope)
    context = {"period": period, "scope": scope, "landing": landing}
    if period.plan is not None:
        data = build_dashboard(period.plan, period.as_of, scope)
        table = ScorecardGridTable(data.league, period_query=period.query, prefix="grid-")
        RequestConfig(request, paginate=False).configure(table)
        context |= {
            "data": data,
            "summaries": [
                (summary, [progress_bar(f) for f in summary.figures]) for summary in data.summaries
            ],
            "total": len(data.figures),
            "scorecard": data.league,
            "scorecard_table": table,
            "bar_legend": BAR_LEGEND,
            "lower_is_better_legend": LOWER_IS_BETTER_LEGEND,
        }
    return render(request, "targets/target_dashboard.html", context)
