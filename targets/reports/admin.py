"""Admin of the status reports an office drafts and issues (issue 17): the form, the
"Ban hành" button and action, and the PDF and DOCX downloads. ``targets.admin`` imports
this module so the admin site registers it."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from targets.domain import scope
from targets.domain.models import StatusReport
from targets.reports import export_document_docx, export_document_pdf
from targets.reports.document import default_symbol
from targets.reports.records import (
    may_create_report,
    record_filename,
    report_document,
    report_issue,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class StatusReportForm(forms.ModelForm):
    """The record's form; the unit must be one the user may report for."""

    class Meta:
        model = StatusReport
        fields = [
            "plan",
            "as_of",
            "unit",
            "number",
            "symbol",
            "place",
            "issue_date",
            "title",
            "recipients",
            "authority",
            "signer_capacity",
            "signer_position",
            "signer_name",
            "results",
            "shortcomings",
            "tasks",
            "recommendations",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 6, "cols": 80})
            for name in ("results", "shortcomings", "tasks", "recommendations")
        }

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        if unit is not None and not cleaned.get("symbol"):
            # "BC-UBND", or "BC-STTTT" for an agency: the number line needs a symbol.
            within = None if unit.kind == unit.Kind.CITY else unit
            cleaned["symbol"] = default_symbol(within)
        return cleaned

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        if not may_create_report(self.user, unit):
            raise ValidationError(gettext("Đơn vị này nằm ngoài phạm vi được phân quyền của bạn."))
        return unit


@admin.register(StatusReport)
class StatusReportAdmin(SimpleHistoryAdmin):
    form = StatusReportForm
    change_form_template = "admin/targets/statusreport/change_form.html"
    list_display = [
        "__str__",
        "plan",
        "unit",
        "as_of",
        "status",
        "version",
        "issue_date",
        "issued_by",
    ]
    list_filter = ["status", "plan", "unit__level"]
    list_select_related = ["plan", "unit", "issued_by"]
    search_fields = ["number", "title", "signer_name", "unit__code", "unit__name"]
    ordering = ["-as_of", "-pk"]
    readonly_fields = ["status", "version", "issued_at", "issued_by", "created_by"]
    actions = ["issue_selected"]
    fieldsets = [
        (None, {"fields": ["plan", "as_of", "unit"]}),
        (
            _("Văn bản"),
            {"fields": ["number", "symbol", "place", "issue_date", "title", "recipients"]},
        ),
        (
            _("Người ký"),
            {"fields": ["authority", "signer_capacity", "signer_position", "signer_name"]},
        ),
        (
            _("Nội dung"),
            {"fields": ["results", "shortcomings", "tasks", "recommendations"]},
        ),
        (
            _("Ban hành"),
            {"fields": ["status", "version", "issued_at", "issued_by", "created_by"]},
        ),
    ]

    def get_queryset(self, request):
        return scope.visible_reports(request.user, super().get_queryset(request)).select_related(
            "plan", "unit__parent__parent", "issued_by"
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = scope.report_units(request.user).order_by("level", "code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # An issued report was sent: it stays on record.
        if obj is not None and obj.is_issued:
            return False
        return super().has_delete_permission(request, obj)

    def has_issue_permission(self, request):
        return request.user.has_perm("targets.issue_statusreport")

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/ban-hanh/",
                self.admin_site.admin_view(self.issue_view),
                name="targets_statusreport_issue",
            ),
            path(
                "<path:object_id>/tai-ve.<str:extension>",
                self.admin_site.admin_view(self.download_view),
                name="targets_statusreport_download",
            ),
        ]
        return [*urls, *super().get_urls()]

    def _report(self, request, object_id) -> StatusReport:
        report = self.get_object(request, unquote(object_id))
        if report is None or not self.has_view_permission(request, report):
            raise Http404(gettext("Không tìm thấy báo cáo này trong phạm vi của bạn."))
        return report

    def issue_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = self._report(request, object_id)
        self._issue(request, report)
        return HttpResponseRedirect(reverse("admin:targets_statusreport_change", args=[report.pk]))

    def _issue(self, request, report) -> bool:
        try:
            issued = report_issue(report=report, user=request.user)
        except (PermissionDenied, ValidationError) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, f"{report}: {text}", messages.ERROR)
            return False
        self.message_user(
            request,
            gettext("Đã ban hành %(report)s, phiên bản %(version)s.")
            % {"report": issued, "version": issued.version},
            messages.SUCCESS,
        )
        return True

    def download_view(self, request, object_id, extension):
        writers = {
            "pdf": (export_document_pdf, "application/pdf"),
            "docx": (export_document_docx, DOCX),
        }
        if extension not in writers:
            raise Http404
        report = self._report(request, object_id)
        writer, content_type = writers[extension]
        response = HttpResponse(writer(report_document(report)), content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(
            True, record_filename(report, extension)
        )
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["downloads"] = [
                (label, reverse("admin:targets_statusreport_download", args=[obj.pk, ext]))
                for label, ext in ((gettext("Tải PDF"), "pdf"), (gettext("Tải DOCX"), "docx"))
            ]
            if self.has_issue_permission(request):
                context["issue_url"] = reverse("admin:targets_statusreport_issue", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history falls back to the history of a report outside the
        # queryset: another district's report must not be readable there either.
        self._report(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reading an old version is fine; restoring one would bring back an old
        # snapshot without issuing it.
        self._report(request, object_id)
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.action(description=_("Ban hành các báo cáo đã chọn"), permissions=["issue"])
    def issue_selected(self, request, queryset):
        for report in queryset:
            self._issue(request, report)
