"""Shared test setup: the seeded plan and unit tree, and small builders."""

import datetime
import os
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from targets.domain import periods
from targets.domain.models import AdministrativeUnit, Membership, Plan, ProgressEntry, Target

SEED_FIXTURES = ["fixtures/units.json", "fixtures/plans.json"]

# Hypothesis: the same examples on every run (``derandomize``: the seed comes from each
# test's name), so a failure in CI fails again on a developer's machine; no time limit per
# example and no "too slow" health check, as two test workers share two cores with
# whatever else runs (a deadline there failed tests at random). ``HYPOTHESIS_PROFILE=
# explore`` draws new examples on each run and keeps failures in .hypothesis/ (locally,
# to hunt for new bugs); CI (CI=true) always runs the fixed profile.
hypothesis_settings.register_profile(
    "fixed",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "explore", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def hypothesis_profile(environ) -> str:
    """The Hypothesis profile of this run: "fixed" in CI and by default."""
    if environ.get("CI") == "true":
        return "fixed"
    return environ.get("HYPOTHESIS_PROFILE", "fixed")


hypothesis_settings.load_profile(hypothesis_profile(os.environ))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the real 2022 units, both plans and the groups."""
    with django_db_blocker.unblock():
        call_command("loaddata", *SEED_FIXTURES, verbosity=0)
        call_command("setup_roles", verbosity=0)


@pytest.fixture
def plan():
    return Plan.objects.get(code="kh74-2022")


@pytest.fixture
def unit():
    """A unit by its GSO code or agency slug: ``unit("11329")``."""
    return lambda code: AdministrativeUnit.objects.get(code=code)


@pytest.fixture
def target(plan):
    """A 2022 target by code: ``target("CQS-03c")``."""
    return lambda code: Target.objects.select_related("plan").get(plan=plan, code=code)


@pytest.fixture
def make_user(django_user_model):
    def build(username="user", *, staff=False, superuser=False, memberships=(), groups=()):
        from django.contrib.auth.models import Group

        user = django_user_model.objects.create_user(
            username=username,
            password="pw-for-tests-1",
            is_staff=staff or superuser,
            is_superuser=superuser,
        )
        for unit_code, role in memberships:
            Membership.objects.create(
                user=user, unit=AdministrativeUnit.objects.get(code=unit_code), role=role
            )
        for name in groups:
            user.groups.add(Group.objects.get(name=name))
        return user

    return build


@pytest.fixture
def admin_user(make_user):
    return make_user("root", superuser=True)


@pytest.fixture
def make_entry(admin_user):
    """Store an entry straight in the database (no form): ``make_entry(target, unit, ...)``."""

    def build(
        target,
        unit,
        period_end=datetime.date(2022, 12, 31),
        *,
        numerator=None,
        denominator=None,
        value=None,
        status=ProgressEntry.Status.APPROVED,
        user=None,
    ):
        if value is None and numerator is not None and denominator:
            value = Decimal(100) * Decimal(numerator) / Decimal(denominator)
        return ProgressEntry.objects.create(
            target=target,
            unit=unit,
            period_end=period_end,
            numerator=numerator,
            denominator=denominator,
            value=value,
            status=status,
            created_by=user or admin_user,
        )

    return build


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 is slow by design; tests only need passwords to round-trip."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def manager_client(client, make_user):
    """A client logged in as a city manager (a viewer membership on the city, "31")."""
    client.force_login(make_user("manager", memberships=[("31", "viewer")]))
    return client


# --- Roles and workflow (issue 5) -------------------------------------------------


@pytest.fixture
def cast(django_user_model):
    """The demo roles, without passwords (log in with ``client.force_login``):

    ``reporter`` and ``reviewer`` and ``viewer`` on district 304 (Ngô Quyền);
    ``commune_reporter`` on commune 11329 (Máy Chai, in 304); ``agency_reporter`` on
    STTTT (which leads the city-wide targets); ``city_reviewer`` and ``city_viewer``
    on the city 31; ``plan_admin`` in the plan administrators group; ``root`` superuser.
    """
    from django.contrib.auth.models import Group

    from targets.domain.roles import PLAN_ADMINISTRATORS, REPORTERS, REVIEWERS

    R = Membership.Role
    people = {
        "reporter": ("304", R.REPORTER, REPORTERS),
        "commune_reporter": ("11329", R.REPORTER, REPORTERS),
        "agency_reporter": ("STTTT", R.REPORTER, REPORTERS),
        "reviewer": ("304", R.REVIEWER, REVIEWERS),
        "city_reviewer": ("31", R.REVIEWER, REVIEWERS),
        "viewer": ("304", R.VIEWER, None),
        "city_viewer": ("31", R.VIEWER, None),
        "plan_admin": (None, None, PLAN_ADMINISTRATORS),
        "root": (None, None, None),
    }
    built = {}
    for username, (unit_code, role, group) in people.items():
        user = django_user_model(
            username=f"t.{username}",
            first_name=username.replace("_", " ").title(),
            is_staff=group is not None or username == "root",
            is_superuser=username == "root",
        )
        user.set_unusable_password()
        user.save()
        if unit_code:
            Membership.objects.create(
                user=user, unit=AdministrativeUnit.objects.get(code=unit_code), role=role
            )
        if group:
            user.groups.add(Group.objects.get(name=group))
        built[username] = user
    return type("Cast", (), built)


@pytest.fixture
def seeded_transactional_db(transactional_db):
    """A transactional test's database with the seed loaded again: such tests flush the
    database when they end, so they cannot rely on the session-wide seed."""
    call_command("loaddata", *SEED_FIXTURES, verbosity=0)
    call_command("setup_roles", verbosity=0)


@pytest.fixture(scope="module")
def demo_entries_once(django_db_setup, django_db_blocker):
    """The 2022 demo entries (``seed_demo_entries``: every level, every measure), seeded
    once for the module that asks (a few seconds) and removed after it; each test's own
    changes are rolled back as usual."""
    from django.contrib.auth import get_user_model

    from targets.management.demo import GENERATOR_USERNAME, delete_generated_entries

    with django_db_blocker.unblock():
        call_command("seed_demo_entries", verbosity=0)
    yield
    with django_db_blocker.unblock():
        user = get_user_model().objects.get(username=GENERATOR_USERNAME)
        delete_generated_entries(user)
        user.delete()


@pytest.fixture
def login(client):
    """``login(user)``: the test client, logged in as ``user``."""

    def as_user(user):
        client.force_login(user)
        return client

    return as_user


# --- Varied entries (the bulk and probe paths against their definitions) -------------

VARIED_STATUSES = [ProgressEntry.Status.APPROVED] * 3 + [
    ProgressEntry.Status.DRAFT,
    ProgressEntry.Status.SUBMITTED,
    ProgressEntry.Status.RETURNED,
]


@pytest.fixture
def varied(plan, admin_user):
    """Entries of every target of the 2022 plan from a random share of the units at its
    reporting level, with gaps, every status, and units whose last figure is old."""
    rng = random.Random(8)
    rows = []
    for target in Target.objects.filter(plan=plan):
        units = list(AdministrativeUnit.objects.at_reporting_level(target.reporting_units))
        ends = periods.period_ends(target.frequency, plan.start_date, plan.end_date)
        for unit in rng.sample(units, max(1, len(units) // 3)):
            for period_end in ends:
                if rng.random() < 0.3:
                    continue
                denominator = Decimal(rng.randint(50, 500))
                numerator = Decimal(rng.randint(0, int(denominator)))
                value = (100 * numerator / denominator).quantize(Decimal("0.0001"))
                if target.measure == Target.Measure.MILESTONE:
                    numerator = denominator = None
                    value = Decimal(rng.randint(0, 1))
                elif target.measure != Target.Measure.RATIO:
                    numerator = denominator = None
                rows.append(
                    ProgressEntry(
                        target=target,
                        unit=unit,
                        period_end=period_end,
                        numerator=numerator,
                        denominator=denominator,
                        value=value,
                        status=rng.choice(VARIED_STATUSES),
                        created_by=admin_user,
                    )
                )
    ProgressEntry.objects.bulk_create(rows)
    return rows
