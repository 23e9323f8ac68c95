"""The admin of progress entries: the reporter's form and the entry list, the review
buttons, limited to the user's scope. Which entries each person works on, and what they
may do with one entry, is ``targets.domain.scope``; every write goes through
``targets.domain.services``."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from targets.domain import roles, scope, services
from targets.domain.models import (
    ProgressEntry,
)
from targets.domain.models.entries import NOTE_MAX_LENGTH, NOTE_TOO_LONG
from targets.entry.admin.changelist import CappedCountPaginator, RelatedSearchMixin
from targets.entry.admin.common import LOCALIZED_NUMBERS, SafeAutocompleteMixin
from targets.entry.admin.filters import (
    PlanFilter,
    PlanPeriodFilter,
    ScopedDistrictFilter,
    ScopedTargetFilter,
)
from targets.entry.admin.history import ScopedHistoryAdmin
from targets.entry.admin.round import ReportingRoundAdminMixin
from targets.entry.importing.admin import EntryImportAdminMixin

# Django's own label of the selection checkbox, translated by Django's catalogue.
DJANGO_CHECKBOX_LABEL = "Select this object for an action - {}"


class ProgressEntryForm(forms.ModelForm):
    """The reporter's form. It reads the input and builds the entry; validating and
    storing it is ``services.entry_save``, in one pass (validation, scope, status,
    version, one write). A refused save shows the form again with the reasons at
    their fields and this input kept (``ProgressEntryAdmin.changeform_view``).

    It carries the version the reporter started from, so a save after someone else's
    is refused with the other person named."""

    evidence_url = forms.URLField(
        label=_("đường dẫn minh chứng"), max_length=500, required=False, assume_scheme="https"
    )
    # Read by ``clean``: a missing or junk value gets a message, never a silent refusal.
    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)

    # Set by ProgressEntryAdmin.get_form on the per-request class.
    user = None
    save_error = None

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version
        if "note" in self.fields:
            self.fields["note"].max_length = NOTE_MAX_LENGTH
            self.fields["note"].validators.append(
                forms.fields.validators.MaxLengthValidator(NOTE_MAX_LENGTH, message=NOTE_TOO_LONG)
            )

    def clean_seen_version(self):
        """The version the form was opened at (a stored entry only), else None."""
        if self.instance.pk is None:
            return None
        text = (self.cleaned_data.get("seen_version") or "").strip()
        if not text.isdigit() or int(text) < 1:
            raise ValidationError(
                _(
                    "Biểu mẫu thiếu hoặc sai phiên bản của số liệu (“%(value)s”), nên chưa "
                    "lưu được. Hãy tải lại trang, nhập lại và lưu."
                )
                % {"value": text[:20]},
                code="version",
            )
        return int(text)

    def clean(self):
        cleaned = super().clean()
        if "seen_version" in self.errors:
            # A hidden field: its message goes where the person reads it.
            self.add_error(None, self.errors.pop("seen_version"))
        if isinstance(self.save_error, services.EntryConflict):
            self._refuse_stale()
        elif self.save_error is not None:
            self._show_save_error(self.save_error)
        return cleaned

    def _post_clean(self):
        # Only build the entry: ``services.entry_save`` validates it (``full_clean``)
        # once, on save.
        try:
            self.instance = forms.models.construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude
            )
        except ValidationError as error:
            self._update_errors(error)

    def _show_save_error(self, error: ValidationError):
        """The reasons the service gave, at their fields when the form has them."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for field, errors in error.error_dict.items():
            shown = field if field in self.fields else None
            self.add_error(shown, [message for e in errors for message in e.messages])

    def _refuse_stale(self):
        current = ProgressEntry.objects.select_related("updated_by").get(pk=self.instance.pk)
        self.add_error(None, services.EntryConflict(current).messages)
        # Shown back with the stored version, so saving again is a deliberate overwrite.
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_version")] = str(current.version)


WORKFLOW_ACTIONS = {
    # action: (service, button label, reason label or None, reason required, done message)
    roles.SUBMIT: (services.entry_submit, _("Gửi duyệt"), None, False, _("Đã gửi duyệt.")),
    roles.APPROVE: (
        services.entry_approve,
        _("Duyệt"),
        _("Ý kiến khi duyệt (không bắt buộc)"),
        False,
        _("Đã duyệt: số liệu được tính và bị khoá."),
    ),
    roles.RETURN: (
        services.entry_return,
        _("Trả lại"),
        _("Lý do trả lại (bắt buộc; người báo cáo sẽ thấy)"),
        True,
        _("Đã trả lại số liệu cho người báo cáo."),
    ),
    roles.REOPEN: (
        services.entry_reopen,
        _("Mở lại"),
        _("Lý do mở lại (bắt buộc)"),
        True,
        _("Đã mở lại số liệu; số liệu không còn được tính cho đến khi được duyệt lại."),
    ),
}


class WorkflowForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    reason = forms.CharField(required=False, max_length=services.REASON_MAX_LENGTH)


@admin.register(ProgressEntry)
class ProgressEntryAdmin(
    RelatedSearchMixin,
    ReportingRoundAdminMixin,
    EntryImportAdminMixin,
    SafeAutocompleteMixin,
    ScopedHistoryAdmin,
):
    form = ProgressEntryForm
    change_form_template = "admin/targets/progressentry/change_form.html"
    list_display = [
        "target_code",
        "unit",
        "period_end",
        "value_display",
        "numerator_display",
        "denominator_display",
        "status",
        "created_by",
    ]
    list_filter = [
        # Plain related filters: the choices come from the small plan, pillar and target
        # tables, never from a scan of the entries.
        ("target__plan", PlanFilter),
        "target__pillar",
        # Limited to the user's scope and to the chosen (else the current) plan.
        ScopedTargetFilter,
        ScopedDistrictFilter,
        "status",
        PlanPeriodFilter,
    ]
    list_select_related = ["target", "target__plan", "unit", "created_by"]
    search_fields = ["unit__code", "unit__name", "target__code"]
    # Newest period first, then each target and unit in catalogue (id) order: the
    # index targets_entry_period serves it, so a page reads its 100 rows and stops
    # (ordering by the target's and unit's codes sorted every entry; issue 19).
    ordering = ["-period_end", "target_id", "unit_id"]
    autocomplete_fields = ["target", "unit"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    # Fifty rows a page (Django's default is 100): the rows are most of the page's cost,
    # and fifty halve it under load (issue 19, bench/notes.md).
    list_per_page = 50
    # No counts beside each filter choice ("Hiện số lượng"): at a million entries they
    # took 30 s (one full count per choice).
    show_facets = admin.ShowFacets.NEVER
    formfield_overrides = LOCALIZED_NUMBERS
    actions = ["approve_selected"]
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
        "returned_by",
        "returned_at",
        "version",
    ]

    # Scope: a reporter sees the entries of its units, a reviewer those past draft.
    def get_queryset(self, request):
        return scope.admin_entries(request.user, super().get_queryset(request), units_first=True)

    def get_object(self, request, object_id, from_field=None):
        entry = super().get_object(request, object_id, from_field)
        if entry is None:
            # Out of scope and missing look the same: a typed URL reveals nothing.
            raise Http404(gettext("Không tìm thấy số liệu này trong phạm vi của bạn."))
        return entry

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return bool(scope.entry_permissions(request.user, obj) & {roles.VIEW, roles.CHANGE})

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return roles.CHANGE in scope.entry_permissions(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # Approved entries are locked; the rest only a superuser may delete, one at a time.
        return super().has_delete_permission(request, obj) and not (obj and obj.is_locked)

    def has_review_permission(self, request):
        return request.user.has_perm("targets.review_progressentry")

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Bulk delete would bypass the lock on approved entries.
        actions.pop("delete_selected", None)
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choices (and what a POST may name) are what this user may report.
        if db_field.name == "target":
            kwargs["queryset"] = scope.reportable_targets(request.user).select_related("plan")
        elif db_field.name == "unit":
            # The parent comes along: the scope check climbs the tree.
            kwargs["queryset"] = scope.reportable_units(request.user).select_related("parent")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # modelform_factory builds a new class per request: safe to set attributes.
        form.user = request.user
        form.save_error = getattr(request, "_entry_save_error", None)
        return form

    def get_fieldsets(self, request, obj=None):
        editable = obj is None or self.has_change_permission(request, obj)
        first = ["target", "unit", "period_end"] + (["seen_version"] if obj and editable else [])
        fieldsets = []
        if obj is not None and obj.review_note:
            fieldsets.append(
                (
                    _("Ý kiến người duyệt"),
                    {"fields": ["status", "review_note", "returned_by", "returned_at"]},
                )
            )
        fieldsets += [
            (None, {"fields": first}),
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
        ]
        if obj is not None:
            shown = {name for _title, options in fieldsets for name in options["fields"]}
            tracking = [name for name in self.readonly_fields if name not in shown]
            fieldsets.append((_("Trạng thái và theo dõi"), {"fields": tracking}))
        return self.readable_fieldsets(request, obj, fieldsets)

    def action_checkbox(self, obj):
        """Django's selection checkbox, written out as Django renders it: rendering the
        checkbox widget's templates on every row took a quarter of the list's time."""
        label = format_html(gettext(DJANGO_CHECKBOX_LABEL), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )

    # Sorted in catalogue (id) order, as the default order's second key: the entries'
    # target index serves it (sorting by the joined code sorted every entry: 1.5 s at 1M).
    @admin.display(description=_("chỉ tiêu"), ordering="target_id")
    def target_code(self, obj):
        return f"{obj.target.code} ({obj.target.plan.year})"

    # Writes go through the services: one pass, one history row (saved and submitted
    # together with "Lưu và gửi duyệt").
    def save_model(self, request, obj, form, change):
        try:
            services.entry_save(
                entry=obj,
                user=request.user,
                expected_version=form.cleaned_data["seen_version"] if change else None,
                submit="_submit" in request.POST,
            )
        except services.NotInScope as refused:
            raise ValidationError({"unit": [str(refused)]}) from None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # The form was valid but the save was refused (someone saved first, or won
            # the unique period meanwhile): everything rolled back; show the form again
            # with this person's input and the reason.
            if request.method != "POST" or hasattr(request, "_entry_save_error"):
                raise
            request._entry_save_error = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        if "_submit" in request.POST:
            return self._after_submit(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_submit" in request.POST:
            return self._after_submit(request, obj)
        return super().response_change(request, obj)

    def _after_submit(self, request, obj):
        self.message_user(request, gettext("Đã lưu và gửi duyệt."), messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(obj.pk))

    def _change_url(self, pk):
        return reverse("admin:targets_progressentry_change", args=[pk])

    # The review workflow: one POST view for the buttons below the entry.
    def get_urls(self):
        workflow = path(
            "<path:object_id>/workflow/<str:action>/",
            self.admin_site.admin_view(self.workflow_view),
            name="targets_progressentry_workflow",
        )
        return [workflow, *super().get_urls()]

    def workflow_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action not in WORKFLOW_ACTIONS:
            raise Http404
        entry = self.get_object(request, unquote(object_id))
        service, _label, reason_label, _required, done = WORKFLOW_ACTIONS[action]
        form = WorkflowForm(request.POST)
        back = self._change_url(entry.pk)
        if not form.is_valid():
            messages.error(request, gettext("Yêu cầu không hợp lệ; hãy tải lại trang và thử lại."))
            return HttpResponseRedirect(back)
        kwargs = {"entry": entry, "user": request.user}
        kwargs["expected_version"] = form.cleaned_data["version"]
        reason = form.cleaned_data["reason"]
        if action == roles.APPROVE:
            kwargs["note"] = reason
        elif reason_label is not None:
            kwargs["reason"] = reason
        try:
            service(**kwargs)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            if reason:
                back += "?" + urlencode({"reason": reason})
            return HttpResponseRedirect(back)
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(back)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        allowed = scope.entry_permissions(request.user, obj) if obj is not None else frozenset()
        if obj is None:
            context["save_and_submit"] = request.user.has_perm("targets.submit_progressentry")
        else:
            context["save_and_submit"] = {roles.CHANGE, roles.SUBMIT} <= allowed
        context["workflow_actions"] = [
            {
                "name": action,
                "label": label,
                "reason_label": reason_label,
                "reason_required": required,
                "url": reverse("admin:targets_progressentry_workflow", args=[obj.pk, action]),
            }
            for action, (_service, label, reason_label, required, _done) in WORKFLOW_ACTIONS.items()
            if action in allowed and action != roles.SUBMIT
        ]
        context["workflow_reason"] = request.GET.get("reason", "")[: services.REASON_MAX_LENGTH]
        if roles.RETURN in allowed and roles.APPROVE not in allowed:
            # A reviewer who created or submitted it (scope.is_author): say why no button.
            context["workflow_note"] = gettext(
                "Bạn đã nhập hoặc gửi duyệt số liệu này nên không được duyệt nó; "
                "một người duyệt khác sẽ duyệt."
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # History pages (ScopedHistoryAdmin): 404 out of scope, like the change page;
    # reading an old version is fine, saving from it would bypass the workflow.

    @admin.action(description=_("Duyệt các số liệu đã chọn"), permissions=["review"])
    def approve_selected(self, request, queryset):
        approved, skipped = services.entries_approve(entries=queryset, user=request.user)
        self.message_user(
            request,
            gettext(
                "Đã duyệt %(approved)d số liệu; bỏ qua %(skipped)d số liệu không chờ duyệt "
                "hoặc do chính bạn nhập hay gửi duyệt."
            )
            % {"approved": approved, "skipped": skipped},
            messages.SUCCESS if approved else messages.WARNING,
        )
