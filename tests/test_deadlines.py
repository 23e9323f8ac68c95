"""Report deadlines (issue 16): due dates per frequency, overridable per plan; late
entries; overdue units on the completeness page."""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from hypothesis import given
from hypothesis import strategies as st

from targets.domain import deadlines, periods
from targets.domain.completeness import is_late
from targets.domain.models import AdministrativeUnit, ProgressEntry

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)


def test_due_date_follows_the_setting_of_the_frequency(target, settings):
    settings.TARGETS_DUE_DAYS = {**settings.TARGETS_DUE_DAYS, "monthly": 10, "annual": 30}
    assert deadlines.due_date(target("CQS-03c"), DEC) == datetime.date(2023, 1, 10)
    assert deadlines.due_date(target("KTS-01"), DEC) == datetime.date(2023, 1, 30)


def test_a_plan_overrides_the_due_days(target, plan):
    plan.due_days_monthly = 5
    plan.save()
    assert deadlines.due_date(target("CQS-03c"), DEC) == datetime.date(2023, 1, 5)
    assert deadlines.due_date(target("CQS-01"), DEC) == datetime.date(2023, 1, 15)


def test_entry_sent_after_the_due_date_is_late(target, unit, make_entry):
    entry = make_entry(target("CQS-03c"), unit("11329"), DEC, numerator=1, denominator=2)
    tz = datetime.timezone(datetime.timedelta(hours=7))
    entry.submitted_at = datetime.datetime(2023, 1, 10, 23, 59, tzinfo=tz)
    assert not deadlines.is_late(entry)
    entry.submitted_at = datetime.datetime(2023, 1, 11, 0, 1, tzinfo=tz)
    assert deadlines.is_late(entry)


def test_overdue_units_are_those_without_a_submitted_or_approved_entry(
    target, unit, make_entry, django_assert_num_queries
):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), DEC, numerator=1, denominator=2)
    make_entry(cqs, unit("11332"), DEC, numerator=1, denominator=2, status="submitted")
    make_entry(cqs, unit("11335"), DEC, numerator=1, denominator=2, status="returned")
    units = AdministrativeUnit.objects.filter(parent__code="304")
    before = deadlines.overdue_units([cqs], units, datetime.date(2023, 1, 10))
    assert before == []  # due on the tenth
    with django_assert_num_queries(2):  # the units, the period's entries
        (found,) = deadlines.overdue_units([cqs], units, datetime.date(2023, 1, 11))
    assert found.period_end == DEC and found.due == datetime.date(2023, 1, 10)
    codes = [u.code for u in found.units]
    assert "11329" not in codes and "11332" not in codes and "11335" in codes
    assert len(codes) == 12 - 2


def test_after_the_plan_ends_units_that_reported_its_last_period_are_not_overdue(
    target, unit, make_entry
):
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), DEC, numerator=1, denominator=2)
    units = AdministrativeUnit.objects.filter(parent__code="304")
    (found,) = deadlines.overdue_units([cqs], units, datetime.date(2026, 11, 30))
    assert found.period_end == DEC  # the plan's last period, long after it ended
    codes = [u.code for u in found.units]
    assert "11329" not in codes and len(codes) == 12 - 1


def test_completeness_page_shows_overdue_reports(manager_client, target, unit, make_entry):
    make_entry(target("CQS-03b"), unit("304"), DEC, numerator=1, denominator=2)
    response = manager_client.get(
        "/tinh-hinh-bao-cao/?plan=kh74-2022&as_of=2023-01-11&district=304"
    )
    html = response.content.decode()
    assert 'id="overdue"' in html
    assert "12 báo cáo dưới đây đã quá hạn nộp mà chưa được duyệt:" in html
    response = manager_client.get(
        "/tinh-hinh-bao-cao/?plan=kh74-2022&as_of=2023-01-05&district=304"
    )
    assert 'id="overdue"' not in response.content.decode()
    assert ProgressEntry.objects.count() == 1


# --- Due-ness worked out once per target equals the rule figure by figure -----------

some_days = st.dates(min_value=datetime.date(2021, 1, 1), max_value=datetime.date(2026, 12, 31))


@given(
    frequency=st.sampled_from(list(periods.PERIOD_END_MONTHS)),
    plan_start=some_days,
    plan_days=st.integers(min_value=0, max_value=4 * 366),
    own_days=st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
    as_of=some_days,
    reports=st.lists(
        st.tuples(
            st.sampled_from(["not_entered", "draft", "returned", "submitted", "approved"]),
            st.one_of(st.none(), some_days),
        ),
        max_size=10,
    ),
)
def test_a_target_s_due_gives_each_report_the_single_report_rule(
    frequency, plan_start, plan_days, own_days, as_of, reports
):
    """``target_due`` (once per target) against the definitions applied report by report:
    the period due (the latest on or before the date, inside the plan), whether it is
    due, the due date, late and overdue."""
    plan_end = plan_start + datetime.timedelta(days=plan_days)
    plan = SimpleNamespace(
        start_date=plan_start, end_date=plan_end, **{f"due_days_{frequency}": own_days}
    )
    target = SimpleNamespace(plan=plan, frequency=frequency)
    due = deadlines.target_due(target, as_of)
    period_end = periods.latest_period_end(frequency, min(as_of, plan_end))
    days = own_days if own_days is not None else django_settings.TARGETS_DUE_DAYS[frequency]
    deadline = period_end + datetime.timedelta(days=days)
    assert (due.period_end, due.is_due, due.date) == (
        period_end,
        period_end >= plan_start,
        deadline,
    )
    assert (
        due.overdue(as_of) == deadlines.is_overdue(target, period_end, as_of) == (as_of > deadline)
    )
    for state, submitted_on in reports:
        sent = state in ("submitted", "approved")
        if sent:
            expected = submitted_on is not None and submitted_on > deadline
        else:
            expected = as_of > deadline
        assert due.late(submitted_on, sent, as_of) == expected
        assert is_late(state, submitted_on, target, period_end, as_of) == expected
