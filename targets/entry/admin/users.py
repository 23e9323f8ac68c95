"""People in the admin: who may manage which user accounts and memberships.

Superusers keep Django's full user admin. Anyone else who may change users (plan
administrators) manages only accounts strictly below their own power, so that no one
can raise an account they control above what they hold themselves (issue 13):

- no superuser flag and no per-user permissions, ever (the fields are not shown);
- only the groups they hold themselves, except a group that manages people (users,
  groups, memberships): giving that away would make a peer;
- the staff flag only when they may give some group (it has no use without one);
- they change, delete or set the password only of accounts that hold nothing more
  (no other group, no permission of their own): not superusers (hidden, 404 like any
  object out of scope), not peers, not themselves (their own account holds the group
  that lets them manage users; they change their password on the password page);
- memberships of anyone but themselves: nobody widens their own scope.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext

User = get_user_model()


def _people_managing_permissions():
    """Permissions that manage people: add, change or delete users, groups, permissions
    or memberships."""
    return Permission.objects.filter(
        Q(content_type__app_label="auth", content_type__model__in=("user", "group", "permission"))
        | Q(content_type__app_label="targets", content_type__model="membership")
    ).exclude(codename__startswith="view_")


def grantable_groups(user):
    """The groups ``user`` may give to another account: every group for a superuser;
    otherwise the groups ``user`` holds that manage no people."""
    if user.is_superuser:
        return Group.objects.all()
    return user.groups.exclude(permissions__in=_people_managing_permissions())


def manageable_users(user):
    """The accounts ``user`` may change, delete and set the password of: every account
    for a superuser; otherwise those that are not superusers, are only in groups
    ``user`` may give, and hold no permission of their own that ``user`` lacks."""
    accounts = User.objects.all()
    if user.is_superuser:
        return accounts
    held = Permission.objects.filter(Q(group__user=user) | Q(user=user)).exclude(
        pk__in=_people_managing_permissions()
    )
    return (
        accounts.filter(is_superuser=False)
        .exclude(groups__in=Group.objects.exclude(pk__in=grantable_groups(user).values("pk")))
        .exclude(user_permissions__in=Permission.objects.exclude(pk__in=held.values("pk")))
    )


def may_manage(request, account) -> bool:
    """Whether the requesting user may change ``account`` (cached per request)."""
    if request.user.is_superuser:
        return True
    cache = request.__dict__.setdefault("_manageable_accounts", {})
    if account.pk not in cache:
        cache[account.pk] = manageable_users(request.user).filter(pk=account.pk).exists()
    return cache[account.pk]


def _may_give_groups(request) -> bool:
    if not hasattr(request, "_may_give_groups"):
        request._may_give_groups = grantable_groups(request.user).exists()
    return request._may_give_groups


admin.site.unregister(User)


@admin.register(User)
class TrackerUserAdmin(UserAdmin):
    """Django's user admin, limited for anyone but a superuser (see the module)."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Superusers are out of reach: their pages answer 404, as out-of-scope objects do.
        return queryset.filter(is_superuser=False)

    def get_object(self, request, object_id, from_field=None):
        account = super().get_object(request, object_id, from_field)
        if account is None:
            # Out of reach and missing look the same, as for progress entries.
            raise Http404(gettext("Không tìm thấy tài khoản này."))
        return account

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_manage(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_manage(request, obj))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            # Bulk delete checks no single account: it could delete peers or reviewers.
            actions.pop("delete_selected", None)
        return actions

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        if not may_manage(request, obj):
            # Read only: their groups say what they are; their password is not ours.
            hidden.add("password")
        elif not _may_give_groups(request):
            hidden.add("groups")
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser and not _may_give_groups(request):
            readonly.append("is_staff")
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = grantable_groups(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = request.resolver_match
        if (
            not request.user.is_superuser
            and match is not None
            and match.url_name == "autocomplete"
            and request.GET.get("model_name") == "membership"
        ):
            # The membership form does not offer one's own account (see MembershipGrantMixin).
            queryset = queryset.exclude(pk=request.user.pk)
        return queryset, may_have_duplicates


class MembershipGrantMixin:
    """For ``MembershipAdmin``: nobody but a superuser gives, moves or changes a
    membership of their own account (which would widen their own scope)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.exclude(pk=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        own = obj is not None and obj.user_id == request.user.pk
        return allowed and (request.user.is_superuser or not own)
