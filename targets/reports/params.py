"""The arguments of a report, read from a request's query string or the command line.

Both the views and ``manage.py export_report`` go through :func:`resolve_report_args`,
so the same arguments select the same plan, date and units. Errors carry a message in
Vietnamese for the person who typed the address or the command.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from targets.domain import scope
from targets.domain.formatting import ParseError, parse_as_of
from targets.domain.models import AdministrativeUnit, Plan


class ReportParameterError(ValueError):
    """A missing or malformed report argument (HTTP 400, or a command error)."""


@dataclass(frozen=True)
class ReportArgs:
    plan: Plan
    as_of: datetime.date
    within: AdministrativeUnit | None  # None: the whole city


def get_plan(code: str | None) -> Plan:
    if not code:
        raise ReportParameterError(
            _("Thiếu mã kế hoạch (plan). Các kế hoạch hiện có: %(codes)s.")
            % {"codes": ", ".join(Plan.objects.values_list("code", flat=True))}
        )
    try:
        return Plan.objects.get(code=code.strip())
    except Plan.DoesNotExist:
        raise ReportParameterError(
            _("Không có kế hoạch mã “%(code)s”. Các kế hoạch hiện có: %(codes)s.")
            % {"code": code, "codes": ", ".join(Plan.objects.values_list("code", flat=True))}
        ) from None


def get_unit(code: str) -> AdministrativeUnit:
    try:
        return AdministrativeUnit.objects.select_related("parent__parent").get(code=code.strip())
    except AdministrativeUnit.DoesNotExist:
        raise ReportParameterError(_("Không có đơn vị mã “%(code)s”.") % {"code": code}) from None


def report_unit_for(user, unit_code: str | None = None) -> AdministrativeUnit | None:
    """The units a report for ``user`` covers (``targets.domain.scope.report_unit``), narrowed
    to the unit of ``unit_code`` when given. Raises PermissionDenied outside the scope."""
    return scope.report_unit(user, get_unit(unit_code) if unit_code else None)


def resolve_report_args(
    *, plan: str | None, as_of: str | None, unit: str | None = None, user=None
) -> ReportArgs:
    """Plan, date and units of a report; ``user`` (a request's) limits the units to
    their scope, None (the command line) allows any unit."""
    try:
        as_of_date = parse_as_of(as_of)
    except ParseError as error:
        raise ReportParameterError(str(error)) from None
    plan_obj = get_plan(plan)
    if user is None:
        within = get_unit(unit) if unit else None
    else:
        within = report_unit_for(user, unit)
    return ReportArgs(plan=plan_obj, as_of=as_of_date, within=within)
