"""Django admin: plans, targets and units for plan administrators; progress entry for staff."""

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from targets import periods
from targets.models import (
    AdministrativeUnit,
    Membership,
    Pillar,
    Plan,
    ProgressEntry,
    Target,
)

LOCALIZED_NUMBERS = {models.DecimalField: {"localize": True}}


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "year", "start_date", "end_date", "reference"]
    list_filter = ["year"]
    search_fields = ["code", "name", "name_en", "reference"]
    ordering = ["-year", "code"]


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "order"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["order"]


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["code"]
    autocomplete_fields = ["parent"]


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
        return super().get_queryset(request).select_related("unit", "created_by")


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
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


class DistrictFilter(admin.SimpleListFilter):
    title = _("quận, huyện")
    parameter_name = "district"

    def lookups(self, request, model_admin):
        districts = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.DISTRICT)
        return [(unit.code, unit.name) for unit in districts.order_by("code")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                models.Q(unit__code=self.value()) | models.Q(unit__parent__code=self.value())
            )
        return queryset


class PeriodFilter(admin.SimpleListFilter):
    title = _("kỳ báo cáo")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        # Month ends of the plans, newest first: read from the plans, not from the
        # (large) entry table.
        span = Plan.objects.aggregate(start=models.Min("start_date"), end=models.Max("end_date"))
        if span["start"] is None:
            return []
        days = periods.period_ends(Target.Frequency.MONTHLY, span["start"], span["end"])
        return [(day.isoformat(), day.strftime("%d/%m/%Y")) for day in reversed(days)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(period_end=self.value())
        return queryset


class ProgressEntryForm(forms.ModelForm):
    evidence_url = forms.URLField(
        label=_("đường dẫn minh chứng"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = ProgressEntry
        fields = [
            "target",
            "unit",
            "period_end",
            "numerator",
            "denominator",
            "value",
            "note",
            "evidence_url",
            "evidence_file",
        ]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(SimpleHistoryAdmin):
    form = ProgressEntryForm
    list_display = [
        "target_code",
        "unit",
        "period_end",
        "value",
        "numerator",
        "denominator",
        "status",
        "created_by",
    ]
    list_filter = [
        # Plain related filters: the choices come from the small plan, pillar and target
        # tables, never from a scan of the entries.
        "target__plan",
        "target__pillar",
        "target",
        DistrictFilter,
        "status",
        PeriodFilter,
    ]
    list_select_related = ["target", "target__plan", "unit", "created_by"]
    search_fields = ["unit__code", "unit__name", "target__code"]
    ordering = ["-period_end", "target__code", "unit__code"]
    autocomplete_fields = ["target", "unit"]
    show_full_result_count = False
    formfield_overrides = LOCALIZED_NUMBERS
    readonly_fields = [
        "status",
        "review_note",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
        "submitted_at",
        "approved_by",
        "approved_at",
        "version",
    ]
    fieldsets = [
        (None, {"fields": ["target", "unit", "period_end"]}),
        (
            _("Số liệu"),
            {
                "fields": ["numerator", "denominator", "value"],
                "description": _(
                    "Chỉ tiêu tỷ lệ: nhập tử số và mẫu số, giá trị % được tính tự động. "
                    "Mốc hoàn thành: giá trị 1 là đạt, 0 là chưa đạt. "
                    "Các chỉ tiêu khác: nhập giá trị."
                ),
            },
        ),
        (_("Minh chứng"), {"fields": ["note", "evidence_url", "evidence_file"]}),
        (
            _("Trạng thái và theo dõi"),
            {"fields": readonly_fields},
        ),
    ]

    @admin.display(description=_("chỉ tiêu"), ordering="target__code")
    def target_code(self, obj):
        return f"{obj.target.code} ({obj.target.plan.year})"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
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
