"""`make run` seeding (loaddata of the fixtures, then setup_demo) is idempotent."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from targets.domain.models import AdministrativeUnit, Membership, Pillar, Plan, Target
from targets.management.commands.setup_demo import DEMO_PASSWORD, DEMO_USERNAMES

pytestmark = pytest.mark.django_db


def seed():
    call_command("loaddata", "fixtures/units.json", "fixtures/plans.json", verbosity=0)
    call_command("setup_demo", verbosity=0)


def counts():
    return [
        model.objects.count()
        for model in (AdministrativeUnit, Plan, Pillar, Target, Membership, Group, get_user_model())
    ]


def test_seeding_twice_leaves_one_copy_of_everything():
    seed()
    first = counts()
    seed()
    assert counts() == first
    assert first[:4] == [253, 2, 3, 26]


def test_demo_accounts_log_in_with_the_documented_password(client):
    seed()
    User = get_user_model()
    assert set(User.objects.values_list("username", flat=True)) >= set(DEMO_USERNAMES)
    for username in DEMO_USERNAMES:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    reporter = User.objects.get(username="baocao.xa")
    assert reporter.is_staff
    assert reporter.memberships.get().unit.code == "11329"
    assert not User.objects.get(username="lanhdao").is_staff
