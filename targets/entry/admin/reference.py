"""The admin of the reference data plan administrators keep: plans, pillars, targets,
units and memberships, each limited to what the user may see (``targets.domain.scope``)."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from targets.domain import scope
from targets.domain.models import (
    AdministrativeUnit,
    Membership,
    Pillar,
    Plan,
    ProgressEntry,
    Target,
)
from targets.entry.admin.common import (
    LOCALIZED_NUMBERS,
    SafeAutocompleteMixin,
    autocomplete_for,
    name_column,
)
from targets.entry.admin.history import ScopedHistoryAdmin
from targets.entry.admin.users import MembershipGrantMixin


@admin.register(Plan)
class PlanAdmin(ScopedHistoryAdmin):
    list_display = ["code", "localized_name", "year", "start_date", "end_date", "reference"]
    list_filter = ["year"]
    search_fields = ["code", "name", "name_en", "reference"]
    ordering = ["-year", "code"]
    localized_name = name_column(_("tên kế hoạch"))


@admin.register(Pillar)
class PillarAdmin(ScopedHistoryAdmin):
    list_display = ["code", "name", "name_en", "order"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["order"]


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(SafeAutocompleteMixin, ScopedHistoryAdmin):
    list_display = ["code", "localized_name", "kind", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["code"]
    autocomplete_fields = ["parent"]
    localized_name = name_column(_("tên đơn vị"))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if scope.sees_everything(request.user):
            return queryset
        return queryset.filter(pk__in=scope.admin_units(request.user).values("pk"))

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if autocomplete_for(request, "progressentry", "unit"):
            # Only the units this user may record entries for.
            queryset = queryset.filter(pk__in=scope.reportable_units(request.user).values("pk"))
        return queryset, may_have_duplicates


class EntryInlineFormSet(forms.BaseInlineFormSet):
    # A target can hold thousands of entries; the inline shows the newest ones and
    # the target's page links to the full, filterable list.
    INLINE_LIMIT = 50

    def get_queryset(self):
        if not hasattr(self, "_limited_queryset"):
            self._limited_queryset = super().get_queryset()[: self.INLINE_LIMIT]
        return self._limited_queryset


class ProgressEntryInline(admin.TabularInline):
    model = ProgressEntry
    formset = EntryInlineFormSet
    fields = ["unit", "period_end", "numerator", "denominator", "value", "status", "created_by"]
    readonly_fields = fields
    ordering = ["-period_end", "unit__code"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("số liệu báo cáo (50 kỳ mới nhất)")

    def get_queryset(self, request):
        entries = super().get_queryset(request)
        return scope.admin_entries(request.user, entries).select_related("unit", "created_by")


@admin.register(Target)
class TargetAdmin(SafeAutocompleteMixin, ScopedHistoryAdmin):
    list_display = [
        "code",
        "localized_name",
        "plan",
        "pillar",
        "measure",
        "comparator",
        "target_value",
        "reporting_units",
        "frequency",
        "responsible_unit",
    ]
    list_filter = ["plan", "pillar", "measure", "reporting_units", "frequency"]
    list_select_related = ["plan", "pillar", "responsible_unit"]
    search_fields = ["code", "name", "name_en", "source_text"]
    ordering = ["plan", "pillar__order", "order", "code"]
    autocomplete_fields = ["responsible_unit"]
    localized_name = name_column(_("tên chỉ tiêu"))
    readonly_fields = ["all_entries_link"]
    inlines = [ProgressEntryInline]
    formfield_overrides = LOCALIZED_NUMBERS
    fieldsets = [
        (None, {"fields": ["plan", "pillar", "code", "order", "name", "name_en", "source_text"]}),
        (
            _("Cách đo"),
            {
                "fields": [
                    "measure",
                    "comparator",
                    "target_value",
                    "baseline_value",
                    "baseline_date",
                    "deadline",
                    "numerator_label",
                    "denominator_label",
                ]
            },
        ),
        (
            _("Báo cáo"),
            {
                "fields": [
                    "reporting_units",
                    "frequency",
                    "responsible_unit",
                    "legal_basis",
                    "all_entries_link",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if scope.sees_everything(request.user):
            return queryset
        return queryset.filter(pk__in=scope.visible_targets(request.user).values("pk"))

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if autocomplete_for(request, "progressentry", "target"):
            # Only the targets this user may report (a unit of its scope reports them).
            reportable = scope.reportable_targets(request.user)
            queryset = queryset.filter(pk__in=reportable.values("pk"))
        return queryset, may_have_duplicates

    @admin.display(description=_("Tất cả số liệu"))
    def all_entries_link(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:targets_progressentry_changelist")
        return format_html(
            '<a href="{}?{}">{}</a>',
            url,
            urlencode({"target__id__exact": obj.pk}),
            _("Xem và lọc mọi số liệu của chỉ tiêu này"),
        )


@admin.register(Membership)
class MembershipAdmin(MembershipGrantMixin, SafeAutocompleteMixin, ScopedHistoryAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit__level"]
    list_select_related = ["user", "unit"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "unit__code",
        "unit__name",
    ]
    ordering = ["user__username", "unit__code"]
    autocomplete_fields = ["user", "unit"]
