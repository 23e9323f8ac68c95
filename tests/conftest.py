"""Shared test setup: the seeded plan and unit tree, and small builders."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from targets.models import AdministrativeUnit, Membership, Plan, ProgressEntry, Target

SEED_FIXTURES = ["fixtures/units.json", "fixtures/plans.json"]


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
