"""Separation of duties: whoever created or last submitted an entry never approves it,
even holding both the reporter and the reviewer role on its unit (issue 13).

``targets.domain.scope.entry_permissions`` decides it; the services refuse and the admin hides
the button, both from that one answer."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from targets.domain import roles, scope, services
from targets.domain.models import AdministrativeUnit, Membership, ProgressEntry

pytestmark = pytest.mark.django_db

S = ProgressEntry.Status
NOV = datetime.date(2022, 11, 30)


@pytest.fixture
def both_roles(django_user_model):
    """A district 304 (Ngô Quyền) officer who is reporter and reviewer there."""
    user = django_user_model.objects.create_user("both.roles", is_staff=True)
    district = AdministrativeUnit.objects.get(code="304")
    for role, group in (
        (Membership.Role.REPORTER, roles.REPORTERS),
        (Membership.Role.REVIEWER, roles.REVIEWERS),
    ):
        Membership.objects.create(user=user, unit=district, role=role)
        user.groups.add(Group.objects.get(name=group))
    return user


def new_entry(target, unit, user):
    return services.entry_create(
        entry=ProgressEntry(
            target=target("CQS-03b"), unit=unit("304"), period_end=NOV, numerator=1, denominator=2
        ),
        user=user,
    )


def test_author_who_also_reviews_cannot_approve_own_entry(both_roles, target, unit):
    entry = new_entry(target, unit, both_roles)
    entry = services.entry_submit(entry=entry, user=both_roles)
    allowed = scope.entry_permissions(both_roles, entry)
    assert roles.APPROVE not in allowed
    assert roles.RETURN in allowed
    with pytest.raises(PermissionDenied):
        services.entry_approve(entry=entry, user=both_roles)
    entry.refresh_from_db()
    assert (entry.status, entry.approved_by) == (S.SUBMITTED, None)


def test_last_submitter_cannot_approve_what_another_created(both_roles, cast, target, unit):
    entry = new_entry(target, unit, cast.reporter)
    entry = services.entry_submit(entry=entry, user=both_roles)
    with pytest.raises(PermissionDenied):
        services.entry_approve(entry=entry, user=both_roles)


def test_creator_cannot_approve_after_another_submitted(both_roles, cast, target, unit):
    entry = new_entry(target, unit, both_roles)
    entry = services.entry_submit(entry=entry, user=cast.reporter)
    assert roles.APPROVE not in scope.entry_permissions(both_roles, entry)


def test_another_reviewer_approves_the_authors_entry(both_roles, cast, target, unit):
    entry = services.entry_submit(entry=new_entry(target, unit, both_roles), user=both_roles)
    services.entry_approve(entry=entry, user=cast.reviewer)
    entry.refresh_from_db()
    assert (entry.status, entry.approved_by) == (S.APPROVED, cast.reviewer)


def test_dual_role_officer_approves_entries_of_others(both_roles, cast, target, unit):
    entry = services.entry_submit(entry=new_entry(target, unit, cast.reporter), user=cast.reporter)
    services.entry_approve(entry=entry, user=both_roles)
    entry.refresh_from_db()
    assert (entry.status, entry.approved_by) == (S.APPROVED, both_roles)


def test_author_may_return_own_submission_to_correct_it(both_roles, target, unit):
    entry = services.entry_submit(entry=new_entry(target, unit, both_roles), user=both_roles)
    services.entry_return(entry=entry, user=both_roles, reason="Tôi nhập nhầm mẫu số")
    entry.refresh_from_db()
    assert entry.status == S.RETURNED


def test_superuser_does_not_approve_own_entry_either(cast, target, unit):
    entry = services.entry_submit(entry=new_entry(target, unit, cast.root), user=cast.root)
    with pytest.raises(PermissionDenied):
        services.entry_approve(entry=entry, user=cast.root)


def test_bulk_approve_skips_the_users_own_entries(both_roles, cast, target, unit):
    own = services.entry_submit(entry=new_entry(target, unit, both_roles), user=both_roles)
    other = services.entry_create(
        entry=ProgressEntry(
            target=target("CQS-03c"), unit=unit("11329"), period_end=NOV, numerator=1, denominator=2
        ),
        user=cast.commune_reporter,
    )
    other = services.entry_submit(entry=other, user=cast.commune_reporter)
    approved, skipped = services.entries_approve(
        entries=ProgressEntry.objects.filter(pk__in=[own.pk, other.pk]), user=both_roles
    )
    assert (approved, skipped) == (1, 1)
    status = dict(ProgressEntry.objects.values_list("pk", "status"))
    assert (status[own.pk], status[other.pk]) == (S.SUBMITTED, S.APPROVED)


def test_admin_hides_approve_from_the_author_and_refuses_the_post(both_roles, client, target, unit):
    entry = services.entry_submit(entry=new_entry(target, unit, both_roles), user=both_roles)
    client.force_login(both_roles)
    page = client.get(reverse("admin:targets_progressentry_change", args=[entry.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="workflow-approve"' not in html
    assert 'id="workflow-return"' in html
    assert "không được duyệt nó" in html
    url = reverse("admin:targets_progressentry_workflow", args=[entry.pk, roles.APPROVE])
    response = client.post(url, {"version": entry.version})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == S.SUBMITTED


def test_admin_shows_approve_to_a_reviewer_who_is_not_the_author(
    both_roles, cast, client, target, unit
):
    entry = services.entry_submit(entry=new_entry(target, unit, both_roles), user=both_roles)
    client.force_login(cast.reviewer)
    page = client.get(reverse("admin:targets_progressentry_change", args=[entry.pk]))
    assert 'id="workflow-approve"' in page.content.decode()
    assert 'id="workflow-note"' not in page.content.decode()
