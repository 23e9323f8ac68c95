"""Completeness with states: where each due report stands, late or not, counted per
district; no status badge from an older figure in the list (issue 15)."""

import datetime

import pytest

from targets.domain.completeness import EntryState, is_late
from targets.domain.deadlines import due_date

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)
NOV = datetime.date(2022, 11, 30)
PERIOD = "plan=kh74-2022&as_of=2022-12-31"
URL = f"/tinh-hinh-bao-cao/?{PERIOD}&district=304&target=CQS-03c"


def rows_by_unit(response):
    return {row.record.unit.code: row.record for row in response.context["table"].rows}


def test_completeness_lists_a_submitted_entry_as_submitted(
    manager_client, target, unit, make_entry
):
    make_entry(target("CQS-03c"), unit("11329"), numerator=30, denominator=60, status="submitted")
    response = manager_client.get(URL)
    rows = rows_by_unit(response)
    assert rows["11329"].state == EntryState.SUBMITTED
    assert rows["11332"].state == EntryState.NOT_ENTERED
    html = response.content.decode()
    assert "Đã gửi, chờ duyệt" in html
    counts = {c.name: c for c in response.context["count_table"].data.data}
    assert counts["Ngô Quyền"].submitted == 1
    assert counts["Ngô Quyền"].not_entered == 11
    assert counts["Ngô Quyền"].reported == 0


def test_completeness_shows_draft_returned_and_leaves_approved_out(
    manager_client, target, unit, make_entry
):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), numerator=1, denominator=2, status="draft")
    make_entry(cqs, unit("11332"), numerator=1, denominator=2, status="returned")
    make_entry(cqs, unit("11335"), numerator=1, denominator=2)
    response = manager_client.get(URL)
    rows = rows_by_unit(response)
    assert rows["11329"].state == EntryState.DRAFT
    assert rows["11332"].state == EntryState.RETURNED
    assert "11335" not in rows  # approved: counted, not listed
    counts = {c.name: c for c in response.context["count_table"].data.data}
    assert (counts["Ngô Quyền"].draft, counts["Ngô Quyền"].returned) == (1, 1)
    assert counts["Ngô Quyền"].reported == 1


def test_not_reported_list_carries_no_status_badge_from_an_older_figure(
    manager_client, target, unit, make_entry
):
    make_entry(target("CQS-03c"), unit("11329"), NOV, numerator=50, denominator=60)
    response = manager_client.get(URL)
    assert rows_by_unit(response)["11329"].last_period == NOV
    table_html = response.content.decode().split('id="missing"', 1)[1]
    assert 'class="status status-' not in table_html
    assert "Đã đạt" not in table_html


def test_a_report_not_submitted_after_the_deadline_is_late(target):
    monthly = target("CQS-03c")
    deadline = due_date(monthly, NOV)
    assert deadline == NOV + datetime.timedelta(days=10)  # TARGETS_DUE_DAYS["monthly"]
    assert not is_late(EntryState.NOT_ENTERED, None, monthly, NOV, deadline)
    after = deadline + datetime.timedelta(days=1)
    assert is_late(EntryState.NOT_ENTERED, None, monthly, NOV, after)
    assert is_late(EntryState.DRAFT, None, monthly, NOV, DEC)
    assert not is_late(EntryState.SUBMITTED, deadline, monthly, NOV, DEC)
    assert is_late(EntryState.APPROVED, after, monthly, NOV, DEC)


def test_annual_targets_are_not_due_before_their_period_ends(manager_client):
    response = manager_client.get("/tinh-hinh-bao-cao/?plan=kh74-2022&as_of=2022-06-30")
    codes = {figure.target.code for figure in response.context["table"].data.data}
    assert "DTI-01" not in codes and "KTS-01" not in codes  # annual: first due 31/12
    assert "CQS-03c" in codes


def test_completeness_filters_by_state(manager_client, target, unit, make_entry):
    make_entry(target("CQS-03c"), unit("11329"), numerator=1, denominator=2, status="submitted")
    response = manager_client.get(f"{URL}&state=submitted")
    assert list(rows_by_unit(response)) == ["11329"]


# --- In bulk: the completeness figures equal the definitions, report by report ------


@pytest.mark.parametrize(
    "as_of", [datetime.date(2022, 2, 15), datetime.date(2022, 6, 30), datetime.date(2023, 1, 20)]
)
def test_report_figures_equal_the_definitions_report_by_report(plan, varied, as_of):
    """``report_figures`` (one due per target, the states of the periods due, the latest
    entries of the missing pairs only) against the unit figures and each report's own
    entry, lateness by the single-report rule."""
    import random

    from django.utils import timezone

    from targets.domain.completeness import report_figures
    from targets.domain.models import AdministrativeUnit, ProgressEntry, Target
    from targets.domain.progress import unit_figures
    from targets.domain.tree import Units

    rng = random.Random(3)
    sent = list(ProgressEntry.objects.filter(status__in=["submitted", "approved"]))
    for entry in rng.sample(sent, len(sent) // 2):
        day = entry.period_end + datetime.timedelta(days=rng.randint(-3, 40))
        entry.submitted_at = datetime.datetime.combine(
            day, datetime.time(rng.choice([0, 12, 23]), 30), tzinfo=datetime.UTC
        )
    ProgressEntry.objects.bulk_update(sent, ["submitted_at"])

    targets = list(Target.objects.filter(plan=plan).with_relations())
    units = AdministrativeUnit.objects.active_on(as_of).select_related("parent")
    tree = Units.load()
    bulk = {(f.target.pk, f.unit.pk): f for f in report_figures(targets, as_of, units=tree)}
    expected = {}
    for figure in unit_figures(targets, as_of, units, units=tree):
        if not figure.is_due:
            continue
        entry = ProgressEntry.objects.filter(
            target=figure.target, unit=figure.unit, period_end=figure.period_due
        ).first()
        state = EntryState.APPROVED if figure.reported else EntryState.NOT_ENTERED
        if entry is not None and not figure.reported:
            state = EntryState(entry.status)
        submitted_on = (
            timezone.localdate(entry.submitted_at) if entry and entry.submitted_at else None
        )
        late = is_late(state, submitted_on, figure.target, figure.period_due, as_of)
        last = None if figure.reported else figure.last_period
        expected[(figure.target.pk, figure.unit.pk)] = (state, late, figure.reported, last)
    assert len({state for state, *_rest in expected.values()}) >= 3
    assert {
        k: (f.state, f.late, f.reported, f.last_period if not f.reported else None)
        for k, f in bulk.items()
    } == expected


def test_after_the_plan_its_last_period_is_the_one_due(manager_client, target, unit, make_entry):
    """One definition of a target's current period, clamped to its plan: as of
    31/03/2023 the 2022 plan's monthly target is due for 31/12/2022, so a unit with an
    approved December figure is not listed as "not entered" for a March 2023 period
    outside the plan (it was, when completeness used an unclamped period)."""
    make_entry(
        target("CQS-03c"), unit("11329"), datetime.date(2022, 12, 31), numerator=1, denominator=2
    )
    response = manager_client.get(
        "/tinh-hinh-bao-cao/?plan=kh74-2022&as_of=2023-03-31&district=304"
    )
    rows = [r for r in response.context["table"].data.data if r.target.code == "CQS-03c"]
    assert {r.period_due for r in rows} == {datetime.date(2022, 12, 31)}
    assert "11329" not in {r.unit.code for r in rows}
    assert len(rows) == 11  # Ngô Quyền's other communes
