"""``generate_demo_data``: deterministic, valid, realistic data at any size."""

import datetime
import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from targets.domain.models import Plan, ProgressEntry, Target
from targets.management import demo as demo_data

pytestmark = pytest.mark.django_db

FIELDS = [
    "target__plan__code",
    "target__code",
    "unit__code",
    "period_end",
    "numerator",
    "denominator",
    "value",
    "status",
    "note",
    "review_note",
    "created_at",
    "submitted_at",
    "approved_at",
]


def generate(entries, seed):
    call_command("generate_demo_data", entries=entries, seed=seed, stdout=io.StringIO())
    return rows()


def rows():
    return list(ProgressEntry.objects.order_by(*FIELDS[:4]).values_list(*FIELDS))


@pytest.fixture(scope="module")
def generated_once(django_db_setup, django_db_blocker):
    """2,000 entries with seed 5, once for the module; each test's changes roll back."""
    with django_db_blocker.unblock():
        call_command("generate_demo_data", entries=2000, seed=5, stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        user = get_user_model().objects.get(username=demo_data.GENERATOR_USERNAME)
        demo_data.delete_generated_entries(user)
        user.delete()


@pytest.fixture
def generated(generated_once, db):
    return rows()


def test_same_seed_gives_the_same_rows_and_another_seed_others(generated):
    first = generated
    assert len(first) == 2000
    assert generate(2000, seed=5) == first  # replaces, does not add
    other = generate(2000, seed=6)
    assert len(other) == 2000 and other != first


def test_every_generated_entry_passes_full_clean(generated):
    entries = list(ProgressEntry.objects.select_related("target__plan", "unit").order_by("pk"))
    for entry in entries:
        demo_data.validate(entry)  # clean_fields() and clean(): one query each
    for entry in entries[::40]:
        demo_data.validate(entry, full=True)  # full_clean() itself: constraints too


def test_statuses_are_mostly_approved_with_every_other_kind(generated):
    rows = generated
    statuses = Counter(row[FIELDS.index("status")] for row in rows)
    assert set(statuses) == {"approved", "submitted", "draft", "returned"}
    assert statuses["approved"] > 0.85 * len(rows)


def test_small_runs_fill_the_2022_plan_oldest_periods_first(generated):
    rows = generated
    assert {row[0] for row in rows} == {"kh74-2022"}
    months = Counter(row[FIELDS.index("period_end")] for row in rows)
    newest = max(months)
    assert newest < datetime.date(2022, 12, 31)
    # The newest month is only partly reported.
    assert months[newest] < months[datetime.date(2022, 1, 31)]


def test_figures_rise_over_time_with_noise(generated):
    rows = generated
    cqs = [r for r in rows if r[1] == "CQS-03c"]
    by_month = {}
    for row in cqs:
        by_month.setdefault(row[3], []).append(row[6])
    months = sorted(by_month)
    mean = {m: sum(by_month[m]) / len(by_month[m]) for m in months}
    assert mean[months[-1]] > mean[months[0]]
    one_unit = [r[6] for r in cqs if r[2] == cqs[0][2]]
    assert len(set(one_unit)) == len(one_unit)


def test_large_runs_use_several_plans_and_exact_counts():
    """The plan layout of a large run, without inserting it."""
    plans = demo_data.city_scale_series(250_000, seed=1)
    codes = [plan.code for plan, _ in plans]
    assert codes == ["kh74-2022", "nq03-2025", "kh-2023-demo", "kh-2024-demo", "dvc-demo-2025"]
    assert sum(demo_data.count_entries(series) for _, series in plans) == 250_000
    copy = Target.objects.get(plan__code="kh-2024-demo", code="DTI-01")
    assert (copy.target_value, copy.deadline) == (7, datetime.date(2024, 12, 31))
    # A smaller run removes the demo plans it no longer needs.
    demo_data.city_scale_series(10_000, seed=1)
    assert not Plan.objects.filter(code__endswith="-demo").exists()


def test_units_stop_reporting_after_the_middle_of_the_plan():
    plan = Plan.objects.get(code="nq03-2025")
    series = demo_data.plan_series(plan, demo_data.units_by_reporting_level(), seed=1)
    last = {s.unit.code: s.periods[-1] for s in series if s.target.code == "CQS-03c"}
    stopped = [day for day in last.values() if day < plan.end_date]
    assert 3 <= len(stopped) <= 10
    assert min(stopped) > datetime.date(2023, 12, 31)
    assert len(last) == 217 - 1  # and one commune never reports


def test_too_many_entries_is_refused():
    with pytest.raises(CommandError, match="at most"):
        call_command("generate_demo_data", entries=5_000_000, stdout=io.StringIO())
