"""The status report as a record an office drafts, issues and sends (issue 17).

A draft's figures follow the data; issuing stores the whole document (every figure,
status and table, with the letterhead and narrative) in ``snapshot``, and every later
download is written from it. Issuing again makes a new version; the history keeps each
version with who issued it and when (``targets.reports.records`` holds the services).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.domain.formatting import date
from targets.domain.models.plans import Plan
from targets.domain.models.units import AdministrativeUnit

NARRATIVE_MAX_LENGTH = 20_000


class StatusReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã ban hành")

    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.PROTECT, related_name="reports"
    )
    as_of = models.DateField(
        _("số liệu đến ngày"),
        help_text=_("Báo cáo tính các số liệu đã duyệt có kỳ báo cáo kết thúc đến ngày này."),
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị báo cáo"),
        on_delete=models.PROTECT,
        related_name="status_reports",
        help_text=_("Thành phố, một sở, ngành hoặc một quận, huyện."),
    )
    number = models.CharField(
        _("số văn bản"),
        max_length=20,
        blank=True,
        help_text=_("Số do văn thư cấp khi ban hành, ví dụ 125; để trống khi còn dự thảo."),
    )
    symbol = models.CharField(
        _("ký hiệu"),
        max_length=40,
        blank=True,
        help_text=_("Ví dụ BC-UBND; để trống thì dùng ký hiệu mặc định của đơn vị."),
    )
    place = models.CharField(
        _("địa danh"),
        max_length=100,
        blank=True,
        help_text=_("Ví dụ Hải Phòng; để trống thì dùng tên thành phố hoặc quận, huyện."),
    )
    issue_date = models.DateField(
        _("ngày ban hành"),
        null=True,
        blank=True,
        help_text=_("Để trống thì ngày ban hành là ngày bấm “Ban hành”."),
    )
    title = models.CharField(
        _("trích yếu"),
        max_length=300,
        blank=True,
        help_text=_("Để trống thì dùng “Tình hình thực hiện” và tên kế hoạch."),
    )
    authority = models.CharField(
        _("thẩm quyền ký"),
        max_length=100,
        blank=True,
        default="TM. ỦY BAN NHÂN DÂN",
        help_text=_("Ví dụ TM. ỦY BAN NHÂN DÂN; để trống nếu người đứng đầu ký."),
    )
    signer_capacity = models.CharField(
        _("ký thay, thừa lệnh"),
        max_length=100,
        blank=True,
        default="KT. CHỦ TỊCH",
        help_text=_("Ví dụ KT. CHỦ TỊCH; để trống nếu chủ tịch ký."),
    )
    signer_position = models.CharField(
        _("chức vụ người ký"), max_length=100, default="PHÓ CHỦ TỊCH"
    )
    signer_name = models.CharField(_("họ tên người ký"), max_length=100, blank=True)
    recipients = models.TextField(
        _("nơi nhận"),
        max_length=2000,
        blank=True,
        default="Như trên;\nLưu: VT.",
        help_text=_("Mỗi nơi nhận một dòng."),
    )
    results = models.TextField(
        _("kết quả thực hiện"),
        max_length=NARRATIVE_MAX_LENGTH,
        blank=True,
        help_text=_("Phần lời của mục I; bảng số liệu được điền tự động. Mỗi đoạn một dòng."),
    )
    shortcomings = models.TextField(
        _("tồn tại, hạn chế và nguyên nhân"), max_length=NARRATIVE_MAX_LENGTH, blank=True
    )
    tasks = models.TextField(_("nhiệm vụ, giải pháp"), max_length=NARRATIVE_MAX_LENGTH, blank=True)
    recommendations = models.TextField(
        _("kiến nghị, đề xuất"), max_length=NARRATIVE_MAX_LENGTH, blank=True
    )
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status, default=Status.DRAFT, editable=False
    )
    version = models.PositiveIntegerField(
        _("phiên bản ban hành"),
        default=0,
        editable=False,
        help_text=_("0 khi chưa ban hành; tăng 1 mỗi lần ban hành."),
    )
    snapshot = models.JSONField(
        _("bản chốt số liệu"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Toàn bộ nội dung báo cáo tại lần ban hành gần nhất."),
    )
    issued_at = models.DateTimeField(_("thời điểm ban hành"), null=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ban hành"),
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("lịch sử báo cáo"))

    class Meta:
        verbose_name = _("báo cáo tình hình")
        verbose_name_plural = _("báo cáo tình hình")
        ordering = ["-as_of", "-pk"]
        permissions = [("issue_statusreport", _("Có thể ban hành báo cáo tình hình"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", snapshot__isnull=True, version=0)
                | Q(status="issued", snapshot__isnull=False, version__gte=1),
                name="targets_statusreport_issued_has_snapshot",
            ),
        ]

    def __str__(self):
        number = "/".join(part for part in (self.number, self.symbol) if part)
        if not self.number:
            number = _("chưa có số")
        as_of = date(self.as_of)
        return f"{number} · {self.unit.display_name} · {as_of}"

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    def clean(self):
        errors = {}
        if self.unit_id is not None and not (
            self.unit.kind in (AdministrativeUnit.Kind.CITY, AdministrativeUnit.Kind.AGENCY)
            or self.unit.level == AdministrativeUnit.Level.DISTRICT
        ):
            errors["unit"] = _(
                "Báo cáo tình hình do thành phố, một sở, ngành hoặc một quận, huyện lập."
            )
        if self.plan_id is not None and self.as_of is not None:
            if not (self.plan.start_date <= self.as_of):
                errors["as_of"] = _("Ngày số liệu phải từ ngày bắt đầu kế hoạch (%(date)s).") % {
                    "date": date(self.plan.start_date)
                }
        if self.issue_date is not None and self.as_of is not None and self.issue_date < self.as_of:
            errors["issue_date"] = _("Ngày ban hành không thể trước ngày số liệu.")
        if errors:
            raise ValidationError(errors)
