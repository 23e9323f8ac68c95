"""Personal API tokens in the admin: each staff member creates and revokes their own;
plan administrators and superusers also issue tokens for other users (a viewer's or a
machine account's) and see every token.

The key is shown once, on the page that answers the creation, and never stored.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from targets.domain import scope
from targets.domain.models import ApiToken
from targets.entry.admin.users import manageable_users

SHOWN = ["prefix", "created_at", "last_used_at", "revoked_at"]


def _manages_all(user) -> bool:
    return scope.sees_everything(user)


def token_owners(user):
    """Accounts ``user`` may issue a token for: their own, and (superusers and plan
    administrators) the accounts below their own power (``admin_users.manageable_users``):
    a token acts with its owner's rights, so issuing one is managing that account."""
    own = get_user_model().objects.filter(pk=user.pk)
    if not _manages_all(user):
        return own
    return (own | manageable_users(user)).distinct()


class ActiveFilter(admin.SimpleListFilter):
    title = _("trạng thái")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("1", _("Đang dùng được")), ("0", _("Đã thu hồi"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "0":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [ActiveFilter]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    ordering = ["-created_at"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_queryset(self, request):
        tokens = super().get_queryset(request)
        return tokens if _manages_all(request.user) else tokens.filter(user=request.user)

    # Any active staff member manages their own tokens; a token never changes (it is
    # revoked instead, and stays listed with its last use).
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or obj.user_id == request.user.pk or _manages_all(request.user)
        )

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is not None:
            return ["user", "name", *SHOWN]
        return ["user", "name"] if _manages_all(request.user) else ["name"]

    def get_readonly_fields(self, request, obj=None):
        return SHOWN if obj is not None else []

    def get_changeform_initial_data(self, request):
        return {"user": request.user.pk}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = token_owners(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if obj.user_id is None or not token_owners(request.user).filter(pk=obj.user_id).exists():
            obj.user = request.user
        request.new_api_key = obj.set_new_key()
        obj.save()

    def response_add(self, request, obj, post_url_continue=None):
        """The key, once: it is not stored, so this page is the only place it appears."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "token": obj,
            "key": request.new_api_key,
            "title": gettext("Khóa API mới"),
        }
        response = TemplateResponse(request, "admin/targets/apitoken/created.html", context)
        add_never_cache_headers(response)
        return response

    @admin.action(description=_("Thu hồi các khóa đã chọn"))
    def revoke(self, request, queryset):
        revoked = queryset.revoke()
        self.message_user(
            request,
            gettext("Đã thu hồi %(count)d khóa API.") % {"count": revoked},
            messages.SUCCESS,
        )
