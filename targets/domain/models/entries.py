"""The progress entry: one unit's figure of one target for one period."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.domain import periods
from targets.domain.evidence import EvidenceFileField
from targets.domain.formatting import plain_number
from targets.domain.models.entry_queries import ProgressEntryQuerySet
from targets.domain.models.plans import Target
from targets.domain.models.units import AdministrativeUnit

# The longest note the entry form and the import accept.
NOTE_MAX_LENGTH = 5000
NOTE_TOO_LONG = _("Ghi chú dài quá 5.000 ký tự.")
# The highest possible position in a national ranking of provinces (the DTI, PCI, PAPI
# rankings of the 63 provinces and centrally-run cities of the plans' years): a larger
# rank is a typing mistake.
RANK_MAX = 63


class ProgressEntry(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        SUBMITTED = "submitted", _("Đã gửi duyệt")
        APPROVED = "approved", _("Đã duyệt")
        RETURNED = "returned", _("Bị trả lại")

    target = models.ForeignKey(
        Target, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT, related_name="entries"
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    period_end = models.DateField(
        _("kỳ báo cáo (ngày cuối kỳ)"),
        help_text=_("Ngày cuối cùng của kỳ báo cáo, ví dụ 31/12/2022 cho năm 2022."),
    )
    numerator = models.DecimalField(
        _("tử số"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("mẫu số"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    value = models.DecimalField(
        _("giá trị"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "Theo đơn vị của chỉ tiêu. Với chỉ tiêu tỷ lệ, giá trị được tính tự động "
            "= 100 × tử số / mẫu số; với mốc hoàn thành, 1 là đạt, 0 là chưa đạt."
        ),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    evidence_url = models.URLField(_("đường dẫn minh chứng"), max_length=500, blank=True)
    # Checked by content, stored under a random name, served by targets.pages.evidence.download.
    evidence_file = EvidenceFileField(_("tệp minh chứng"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status, default=Status.DRAFT)
    review_note = models.TextField(
        _("ý kiến người duyệt"),
        blank=True,
        help_text=_("Lý do trả lại hoặc mở lại số liệu; người báo cáo nhìn thấy ý kiến này."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm nhập"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa cuối"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("thời điểm sửa cuối"), default=timezone.now)
    submitted_at = models.DateTimeField(_("thời điểm gửi duyệt"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("thời điểm duyệt"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lại / mở lại"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("thời điểm trả lại / mở lại"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = ProgressEntryQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("lịch sử số liệu"))

    class Meta:
        verbose_name = _("số liệu báo cáo")
        verbose_name_plural = _("số liệu báo cáo")
        ordering = ["-period_end", "target__code", "unit__code"]
        permissions = [
            ("submit_progressentry", _("Có thể gửi duyệt số liệu báo cáo")),
            ("review_progressentry", _("Có thể duyệt, trả lại và mở lại số liệu báo cáo")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "unit", "period_end"],
                name="targets_progressentry_unique_period",
                violation_error_message=_(
                    "Đơn vị này đã có số liệu của chỉ tiêu này cho kỳ báo cáo này."
                ),
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(numerator__gte=0),
                name="targets_progressentry_numerator_not_negative",
                violation_error_message=_("Tử số không được âm."),
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="targets_progressentry_denominator_positive",
                violation_error_message=_("Mẫu số phải lớn hơn 0."),
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=models.F("denominator")),
                name="targets_progressentry_numerator_within_denominator",
                violation_error_message=_("Tử số không được lớn hơn mẫu số."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="targets_progressentry_version_positive"
            ),
        ]
        indexes = [
            # The latest-approved lookup: one index probe per (target, unit). The id
            # is part of the key so that the probe never reads the table (PostgreSQL
            # index-only scan; SQLite keeps the rowid in every index anyway).
            # One probe finds a (target, unit)'s latest approved entry; on PostgreSQL
            # the included figures make the roll-up an index-only scan.
            models.Index(
                fields=["target", "unit", "-period_end", "id"],
                include=["numerator", "denominator", "value"],
                condition=Q(status="approved"),
                name="targets_entry_latest_approved",
            ),
            models.Index(fields=["status", "unit"], name="targets_entry_status_unit"),
            # Entries by period, newest first, then target and unit:
            # - the admin entry list's order: a page is read from the index, never by
            #   sorting every entry;
            # - the reports of one period, any status (completeness: who has sent what):
            #   one range of the index per period due instead of a scan of every entry;
            #   on PostgreSQL the included columns make it an index-only scan.
            models.Index(
                fields=["-period_end", "target", "unit"],
                include=["status", "submitted_at"],
                name="targets_entry_period",
            ),
            # The review queue: the submitted entries (a few in a hundred), oldest period
            # first. With the id included, counting the queue and choosing its page read
            # this index alone on PostgreSQL, however many entries are approved.
            models.Index(
                fields=["period_end", "unit", "target"],
                include=["id"],
                condition=Q(status="submitted"),
                name="targets_entry_submitted",
            ),
            # The evidence download finds its entry by the stored file name.
            models.Index(
                fields=["evidence_file"],
                condition=~Q(evidence_file=""),
                name="targets_entry_evidence_file",
            ),
        ]

    def __str__(self):
        return f"{self.target.code} · {self.unit.display_name} · {date_format(self.period_end)}"

    # Errors, keyed by field, for figures the target cannot accept.
    def clean(self):
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        target = self.target if self.target_id else None
        unit = self.unit if self.unit_id else None
        for field in ("numerator", "denominator", "value"):
            number = getattr(self, field)
            if number is not None and not number.is_finite():
                add(field, _("Số liệu phải là một số hữu hạn."))
        if errors:
            raise ValidationError(errors)
        if self.numerator is not None and self.numerator < 0:
            add("numerator", _("Tử số không được âm."))
        if self.denominator is not None and self.denominator <= 0:
            add("denominator", _("Mẫu số phải lớn hơn 0."))
        if target is None:
            if errors:
                raise ValidationError(errors)
            return

        measure = target.measure
        if measure == Target.Measure.RATIO:
            if self.numerator is None:
                add("numerator", _("Chỉ tiêu tỷ lệ cần nhập tử số."))
            if self.denominator is None:
                add("denominator", _("Chỉ tiêu tỷ lệ cần nhập mẫu số."))
            if (
                self.numerator is not None
                and self.denominator is not None
                and self.denominator > 0
                and self.numerator > self.denominator
            ):
                add(
                    "numerator",
                    _("Tử số (%(num)s) không được lớn hơn mẫu số (%(den)s).")
                    % {"num": plain_number(self.numerator), "den": plain_number(self.denominator)},
                )
            if not errors:
                self.value = (Decimal(100) * self.numerator / self.denominator).quantize(
                    Decimal("0.0001")
                )
        else:
            if self.numerator is not None or self.denominator is not None:
                add("numerator", _("Chỉ tiêu này nhập giá trị, không nhập tử số và mẫu số."))
            if self.value is None:
                add("value", _("Cần nhập giá trị."))
            elif measure != Target.Measure.GROWTH and self.value < 0:
                add("value", _("Số liệu không được âm."))
            elif measure == Target.Measure.MILESTONE and self.value not in (0, 1):
                add("value", _("Mốc hoàn thành chỉ nhận 1 (đạt) hoặc 0 (chưa đạt)."))
            elif measure == Target.Measure.PERCENT and not (0 <= self.value <= 100):
                add("value", _("Tỷ lệ phần trăm phải nằm trong khoảng 0–100."))
            elif measure == Target.Measure.RANK and self.value < 1:
                add("value", _("Thứ hạng phải từ 1 trở lên."))
            elif measure == Target.Measure.RANK and self.value > RANK_MAX:
                add(
                    "value",
                    _("Thứ hạng không thể lớn hơn %(max)d (số tỉnh, thành phố được xếp hạng).")
                    % {"max": RANK_MAX},
                )
            elif measure == Target.Measure.RANK and self.value != self.value.to_integral_value():
                add("value", _("Thứ hạng phải là số nguyên."))

        if self.period_end:
            if not periods.is_period_end(self.period_end, target.frequency):
                add(
                    "period_end",
                    _(
                        "Ngày %(day)s không phải ngày cuối của một kỳ báo cáo "
                        "%(frequency)s của chỉ tiêu này."
                    )
                    % {
                        "day": date_format(self.period_end, "SHORT_DATE_FORMAT"),
                        "frequency": target.get_frequency_display().lower(),
                    },
                )
            plan = target.plan
            if not (plan.start_date <= self.period_end <= plan.end_date):
                add(
                    "period_end",
                    _("Kỳ báo cáo phải nằm trong thời gian của kế hoạch (%(start)s – %(end)s).")
                    % {
                        "start": date_format(plan.start_date, "SHORT_DATE_FORMAT"),
                        "end": date_format(plan.end_date, "SHORT_DATE_FORMAT"),
                    },
                )
        if unit is not None:
            if not unit.reports_at(target.reporting_units):
                add(
                    "unit",
                    _(
                        "Chỉ tiêu này do cấp “%(level)s” báo cáo; đơn vị %(unit)s không thuộc cấp đó."
                    )
                    % {"level": target.get_reporting_units_display(), "unit": unit.display_name},
                )
            elif self.period_end and not unit.is_active_on(self.period_end):
                add("unit", _("Đơn vị không còn hiệu lực vào kỳ báo cáo này."))
        if errors:
            raise ValidationError(errors)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)
