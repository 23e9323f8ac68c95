"""The admin pages of the import: download the template, upload, preview, confirm.

A small view rather than django-import-export's ``ImportMixin``: the preview here names
the file's row and column for every error, carries the "send to review" choice, and
shows counts plus a sample instead of a diff table of every row. The uploaded file is
kept between preview and confirm in the library's ``MediaStorage`` (the media storage,
which every app server shares, unlike a temporary folder or a per-process cache).
"""

import datetime
import re
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.tmp_storages import MediaStorage

from targets.domain import periods
from targets.domain.fields import DateInputField
from targets.domain.models import Plan
from targets.domain.plans import default_plan
from targets.entry.importing import MAX_BYTES, FileError, read_dataset
from targets.entry.importing.run import entries_import
from targets.entry.importing.template import build_template, template_file_name

STORAGE_FOLDER = "nhap-so-lieu"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TemplateForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Kế hoạch"), queryset=Plan.objects.all(), to_field_name="code"
    )
    period_end = DateInputField(
        label=_("Kỳ báo cáo (ngày cuối kỳ)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Ngày cuối tháng, quý hoặc năm, ví dụ 31/12/2022."),
    )

    def clean(self):
        cleaned = super().clean()
        plan, day = cleaned.get("plan"), cleaned.get("period_end")
        if plan and day and not (plan.start_date <= day <= plan.end_date):
            self.add_error("period_end", _("Kỳ báo cáo phải nằm trong thời gian của kế hoạch."))
        elif day and not periods.is_period_end(day, "monthly"):
            self.add_error("period_end", _("Hãy chọn ngày cuối của một tháng."))
        return cleaned


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp số liệu (.xlsx hoặc .csv)"),
        help_text=_("Tệp mẫu đã điền, hoặc tệp CSV UTF-8 có cùng các cột."),
    )
    submit = forms.BooleanField(
        label=_("Gửi duyệt ngay các số liệu nhập"),
        required=False,
        help_text=_("Không chọn: số liệu được lưu ở trạng thái nháp."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn quá 20 MB."))
        try:
            self.dataset = read_dataset(upload.read(), upload.name)
        except FileError as error:
            raise forms.ValidationError(str(error)) from None
        upload.seek(0)
        return upload


class ConfirmForm(forms.Form):
    stored = forms.CharField(widget=forms.HiddenInput)
    file_name = forms.CharField(widget=forms.HiddenInput, max_length=255)
    submit = forms.BooleanField(widget=forms.HiddenInput, required=False)


def _storage(name: str) -> MediaStorage:
    return MediaStorage(name=name, MEDIA_FOLDER=STORAGE_FOLDER)


def clear_previews(hours: int | None = None) -> int:
    """Remove the uploaded files of previews older than ``hours`` (default
    ``IMPORT_PREVIEW_MAX_HOURS``) that nobody confirmed or cancelled; how many went.
    Runs at every upload and from ``manage.py clear_import_previews``."""
    if hours is None:
        hours = settings.IMPORT_PREVIEW_MAX_HOURS
    storage = _storage("")._storage
    try:
        _folders, names = storage.listdir(STORAGE_FOLDER)
    except FileNotFoundError:
        return 0
    oldest = timezone.now() - datetime.timedelta(hours=hours)
    removed = 0
    for name in names:
        path = f"{STORAGE_FOLDER}/{name}"
        try:
            if storage.get_modified_time(path) < oldest:
                storage.delete(path)
                removed += 1
        except FileNotFoundError:  # removed meanwhile (confirmed, or another server)
            continue
    return removed


class EntryImportAdminMixin:
    """Adds "Nhập từ tệp" to the progress entry admin (see the module docstring)."""

    import_template = "admin/targets/progressentry/import.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="targets_progressentry_import"),
            path(
                "import/template/",
                view(self.import_template_view),
                name="targets_progressentry_import_template",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm("targets.add_progressentry")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = TemplateForm(request.GET)
        if not form.is_valid():
            return self._render_import(request, template_form=form)
        plan, day = form.cleaned_data["plan"], form.cleaned_data["period_end"]
        response = HttpResponse(
            build_template(user=request.user, plan=plan, period_end=day), content_type=XLSX_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{template_file_name(plan, day)}"'
        return response

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return self._render_import(request)
        if "_cancel" in request.POST or "_confirm" in request.POST:
            return self._confirm(request)
        upload = UploadForm(request.POST, request.FILES)
        if not upload.is_valid():
            return self._render_import(request, upload_form=upload)
        submit = upload.cleaned_data["submit"] and self._may_submit(request)
        file_name = upload.cleaned_data["file"].name[:255]
        stored = f"{request.user.pk}-{uuid.uuid4().hex}"
        clear_previews()
        _storage(stored).save(upload.cleaned_data["file"].read())
        report = entries_import(
            dataset=upload.dataset, file_name=file_name, user=request.user, submit=submit
        )
        confirm = ConfirmForm(initial={"stored": stored, "file_name": file_name, "submit": submit})
        return self._render_import(request, report=report, confirm_form=confirm)

    def _confirm(self, request):
        form = ConfirmForm(request.POST)
        owner = f"{request.user.pk}-"
        if not form.is_valid() or not re.fullmatch(
            re.escape(owner) + "[0-9a-f]{32}", form.cleaned_data["stored"]
        ):
            messages.error(request, gettext("Yêu cầu không hợp lệ; hãy tải tệp lên lại."))
            return HttpResponseRedirect(reverse("admin:targets_progressentry_import"))
        storage = _storage(form.cleaned_data["stored"])
        if "_cancel" in request.POST:
            storage.remove()
            messages.info(request, gettext("Đã huỷ: không lưu số liệu nào."))
            return HttpResponseRedirect(reverse("admin:targets_progressentry_changelist"))
        try:
            content = storage.read()
        except FileNotFoundError:
            messages.error(request, gettext("Không còn tệp đã tải lên; hãy tải tệp lên lại."))
            return HttpResponseRedirect(reverse("admin:targets_progressentry_import"))
        file_name = form.cleaned_data["file_name"]
        try:
            dataset = read_dataset(content, file_name)
        except FileError as error:  # the limits changed since the preview
            storage.remove()
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("admin:targets_progressentry_import"))
        report = entries_import(
            dataset=dataset,
            file_name=file_name,
            user=request.user,
            submit=form.cleaned_data["submit"] and self._may_submit(request),
            dry_run=False,
        )
        if not report.ok:
            # Something changed since the preview (an entry approved meanwhile…).
            return self._render_import(request, report=report, confirm_form=form)
        storage.remove()
        messages.success(
            request,
            gettext(
                "Đã nhập %(file)s: tạo mới %(new)d, cập nhật %(update)d số liệu "
                "(không đổi %(unchanged)d)."
            )
            % {
                "file": file_name,
                "new": report.new,
                "update": report.update,
                "unchanged": report.unchanged,
            },
        )
        return HttpResponseRedirect(reverse("admin:targets_progressentry_changelist"))

    def _may_submit(self, request) -> bool:
        return request.user.has_perm("targets.submit_progressentry")

    def _render_import(self, request, **context):
        today = timezone.localdate()
        plan = default_plan(Plan.objects.all(), today)
        initial = {}
        if plan is not None:
            day = periods.latest_period_end("monthly", min(today, plan.end_date))
            initial = {"plan": plan.code, "period_end": max(day, plan.start_date)}
        upload = context.pop("upload_form", None) or UploadForm()
        if not self._may_submit(request):
            del upload.fields["submit"]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Nhập số liệu từ tệp"),
            "template_form": context.pop("template_form", None) or TemplateForm(initial=initial),
            "upload_form": upload,
            **context,
        }
        return TemplateResponse(request, self.import_template, context)
