"""The user and membership admin as each role uses it: plan administrators manage people
only below their own power; superusers keep full power (issue 13)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from targets.domain.models import AdministrativeUnit, Membership
from targets.domain.roles import PLAN_ADMINISTRATORS, REPORTERS, REVIEWERS

pytestmark = pytest.mark.django_db

User = get_user_model()

# The fields of Django's user change form a person could post to raise an account.
POWER_FIELDS = ["is_superuser", "is_staff", "groups", "user_permissions"]


@pytest.fixture
def ordinary(django_user_model):
    """An account with no group and no permission: every manager may manage it."""
    return django_user_model.objects.create_user("nguoi.moi", password="Mk-rat-dai-2022!")


@pytest.fixture
def review_permission():
    return Permission.objects.get(codename="review_progressentry")


def group(name):
    return Group.objects.get(name=name)


def change_url(account):
    return reverse("admin:auth_user_change", args=[account.pk])


def change_form(account, *, groups=(), permissions=(), **overrides):
    """The POST body of the user change form with every power field switched on."""
    data = {
        "username": account.username,
        "first_name": "Tên đã sửa",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [g.pk for g in groups],
        "user_permissions": [p.pk for p in permissions],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "30/11/2022",
        "date_joined_1": "08:00:00",
    }
    data.update(overrides)
    return data


def stored(account):
    account = User.objects.get(pk=account.pk)
    return {
        "first_name": account.first_name,
        "is_superuser": account.is_superuser,
        "is_staff": account.is_staff,
        "groups": set(account.groups.values_list("name", flat=True)),
        "permissions": set(account.user_permissions.values_list("codename", flat=True)),
    }


UNCHANGED = {
    "first_name": "",
    "is_superuser": False,
    "is_staff": False,
    "groups": set(),
    "permissions": set(),
}

# What each role's POST of every power field leaves stored on an ordinary account.
CHANGE_OUTCOME = {
    "root": (
        302,
        {
            "first_name": "Tên đã sửa",
            "is_superuser": True,
            "is_staff": True,
            "groups": {REVIEWERS},
            "permissions": {"review_progressentry"},
        },
    ),
    "plan_admin": (302, {**UNCHANGED, "first_name": "Tên đã sửa"}),
    "reporter": (403, UNCHANGED),
    "reviewer": (403, UNCHANGED),
    "city_viewer": (302, UNCHANGED),  # not staff: sent to the admin login
}


@pytest.mark.parametrize("role", CHANGE_OUTCOME)
def test_every_power_field_of_the_change_form_as_each_role(
    role, cast, client, ordinary, review_permission
):
    client.force_login(getattr(cast, role))
    status, expected = CHANGE_OUTCOME[role]
    page = client.get(change_url(ordinary))
    if status == 302 and role != "city_viewer":
        html = page.content.decode()
        offered = {field for field in POWER_FIELDS if f'name="{field}"' in html}
        assert offered == (set(POWER_FIELDS) if role == "root" else set())
    response = client.post(
        change_url(ordinary),
        change_form(ordinary, groups=[group(REVIEWERS)], permissions=[review_permission]),
    )
    assert response.status_code == status, response.content.decode()[:2000]
    if role == "city_viewer":
        assert "/admin/login/" in response["Location"]
    assert stored(ordinary) == expected


ADD_OUTCOME = {"root": 302, "plan_admin": 302, "reporter": 403, "reviewer": 403}


@pytest.mark.parametrize("role", ADD_OUTCOME)
def test_add_form_stores_no_power_whatever_is_posted(role, cast, client, review_permission):
    client.force_login(getattr(cast, role))
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "tai.khoan.moi",
            "usable_password": "true",
            "password1": "Mk-rat-dai-2022!",
            "password2": "Mk-rat-dai-2022!",
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [group(REVIEWERS).pk],
            "user_permissions": [review_permission.pk],
        },
    )
    assert response.status_code == ADD_OUTCOME[role]
    created = User.objects.filter(username="tai.khoan.moi").first()
    if ADD_OUTCOME[role] == 403:
        assert created is None
        return
    assert stored(created) == UNCHANGED


def test_plan_administrator_cannot_raise_their_own_account(cast, client):
    admin = cast.plan_admin
    client.force_login(admin)
    page = client.get(change_url(admin))
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    response = client.post(change_url(admin), change_form(admin, groups=[group(REVIEWERS)]))
    assert response.status_code == 403
    admin.refresh_from_db()
    assert not admin.is_superuser
    assert set(admin.groups.values_list("name", flat=True)) == {PLAN_ADMINISTRATORS}


def test_superusers_are_out_of_a_plan_administrators_reach(cast, client):
    client.force_login(cast.plan_admin)
    root = cast.root
    for url in (
        change_url(root),
        reverse("admin:auth_user_password_change", args=[root.pk]),
        reverse("admin:auth_user_delete", args=[root.pk]),
    ):
        assert client.get(url).status_code == 404
        posted = client.post(url, {"password1": "x", "password2": "x", "post": "yes"})
        assert posted.status_code == 404
    bulk = {"action": "delete_selected", "_selected_action": [root.pk, cast.reviewer.pk]}
    client.post(reverse("admin:auth_user_changelist"), {**bulk, "post": "yes"})
    assert User.objects.filter(pk__in=[root.pk, cast.reviewer.pk]).count() == 2
    assert User.objects.filter(pk=root.pk, is_superuser=True).exists()
    listing = client.get(reverse("admin:auth_user_changelist"))
    assert root.username not in listing.content.decode()


@pytest.mark.parametrize("holder", ["reviewer", "reporter"])
def test_plan_administrator_only_reads_accounts_above_their_power(holder, cast, client):
    account = getattr(cast, holder)
    client.force_login(cast.plan_admin)
    page = client.get(change_url(account))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="first_name"' not in html  # read-only
    assert group(REVIEWERS if holder == "reviewer" else REPORTERS).name in html
    assert "/password/" not in html
    response = client.post(change_url(account), change_form(account, is_staff=""))
    assert response.status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[account.pk])
    assert client.get(password_url).status_code == 403
    delete_url = reverse("admin:auth_user_delete", args=[account.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    account.refresh_from_db()
    assert account.is_staff and account.first_name != "Tên đã sửa"
    assert User.objects.filter(pk=account.pk).exists()


def test_plan_administrator_manages_an_ordinary_account(cast, client, ordinary):
    client.force_login(cast.plan_admin)
    password_url = reverse("admin:auth_user_password_change", args=[ordinary.pk])
    response = client.post(
        password_url,
        {"password1": "Mk-moi-rat-dai-2023!", "password2": "Mk-moi-rat-dai-2023!"},
    )
    assert response.status_code == 302
    ordinary.refresh_from_db()
    assert ordinary.check_password("Mk-moi-rat-dai-2023!")
    listing = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert ordinary.username in listing and "delete_selected" not in listing
    response = client.post(reverse("admin:auth_user_delete", args=[ordinary.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=ordinary.pk).exists()


def test_plan_administrator_gives_only_groups_they_hold(cast, client, ordinary):
    admin = cast.plan_admin
    admin.groups.add(group(REPORTERS))  # a plan administrator who also reports
    client.force_login(admin)
    form = client.get(change_url(ordinary)).context["adminform"].form
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == {REPORTERS}
    refused = client.post(
        change_url(ordinary), change_form(ordinary, groups=[group(REPORTERS), group(REVIEWERS)])
    )
    assert refused.status_code == 200 and "errornote" in refused.content.decode()
    assert stored(ordinary) == UNCHANGED
    response = client.post(change_url(ordinary), change_form(ordinary, groups=[group(REPORTERS)]))
    assert response.status_code == 302
    assert stored(ordinary) == {
        **UNCHANGED,
        "first_name": "Tên đã sửa",
        "is_staff": True,
        "groups": {REPORTERS},
    }


# Memberships: "who belongs where", for anyone but oneself.


def membership_form(user, unit_code="304", role="reviewer"):
    return {
        "user": user.pk,
        "unit": AdministrativeUnit.objects.get(code=unit_code).pk,
        "role": role,
    }


def test_plan_administrator_gives_memberships_to_others_not_themselves(cast, client, ordinary):
    client.force_login(cast.plan_admin)
    url = reverse("admin:targets_membership_add")
    refused = client.post(url, membership_form(cast.plan_admin))
    assert refused.status_code == 200
    assert not Membership.objects.filter(user=cast.plan_admin).exists()
    assert client.post(url, membership_form(ordinary)).status_code == 302
    assert Membership.objects.filter(user=ordinary, role="reviewer").exists()


def test_plan_administrator_cannot_change_their_own_membership(cast, client):
    own = Membership.objects.create(
        user=cast.plan_admin, unit=AdministrativeUnit.objects.get(code="11329"), role="viewer"
    )
    client.force_login(cast.plan_admin)
    url = reverse("admin:targets_membership_change", args=[own.pk])
    response = client.post(url, membership_form(cast.plan_admin, "31", "reviewer"))
    assert response.status_code == 403
    own.refresh_from_db()
    assert (own.unit.code, own.role) == ("11329", "viewer")


def test_membership_autocomplete_offers_neither_oneself_nor_superusers(cast, client):
    client.force_login(cast.plan_admin)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "targets", "model_name": "membership", "field_name": "user", "term": "t."},
    )
    offered = {item["text"] for item in response.json()["results"]}
    assert "t.reviewer" in offered
    assert not {"t.plan_admin", "t.root"} & offered


def test_superuser_changes_memberships_of_anyone(cast, client):
    client.force_login(cast.root)
    url = reverse("admin:targets_membership_add")
    assert client.post(url, membership_form(cast.root)).status_code == 302
    assert Membership.objects.filter(user=cast.root).exists()
