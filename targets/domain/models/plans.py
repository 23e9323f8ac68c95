"""Plans, their pillars and their targets."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.domain import periods
from targets.domain.models.base import LocalizedNameMixin
from targets.domain.models.units import AdministrativeUnit


class PlanManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Plan(LocalizedNameMixin, models.Model):
    code = models.SlugField(_("mã kế hoạch"), max_length=50, unique=True)
    name = models.CharField(_("tên kế hoạch"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"))
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"))
    issued_by = models.CharField(_("cơ quan ban hành"), max_length=200)
    reference = models.CharField(
        _("số hiệu văn bản"),
        max_length=100,
        help_text=_("Số, ký hiệu và ngày của văn bản ban hành, ví dụ 74/KH-UBND."),
    )
    description = models.TextField(_("mô tả"), blank=True)
    # Report deadlines (targets.domain.deadlines): days after a period's end; empty: the
    # TARGETS_DUE_DAYS setting of that frequency.
    due_days_monthly = models.PositiveSmallIntegerField(
        _("hạn nộp báo cáo tháng (số ngày sau cuối kỳ)"),
        null=True,
        blank=True,
        help_text=_("Để trống: theo mặc định của hệ thống."),
    )
    due_days_quarterly = models.PositiveSmallIntegerField(
        _("hạn nộp báo cáo quý (số ngày sau cuối kỳ)"),
        null=True,
        blank=True,
        help_text=_("Để trống: theo mặc định của hệ thống."),
    )
    due_days_semiannual = models.PositiveSmallIntegerField(
        _("hạn nộp báo cáo 6 tháng (số ngày sau cuối kỳ)"),
        null=True,
        blank=True,
        help_text=_("Để trống: theo mặc định của hệ thống."),
    )
    due_days_annual = models.PositiveSmallIntegerField(
        _("hạn nộp báo cáo năm (số ngày sau cuối kỳ)"),
        null=True,
        blank=True,
        help_text=_("Để trống: theo mặc định của hệ thống."),
    )

    objects = PlanManager()
    history = HistoricalRecords(verbose_name=_("lịch sử kế hoạch"))

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="targets_plan_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.display_name} ({self.reference})"

    def natural_key(self):
        return (self.code,)


class PillarManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Pillar(LocalizedNameMixin, models.Model):
    class Code(models.TextChoices):
        GOVERNMENT = "government", _("Chính phủ số")
        ECONOMY = "economy", _("Kinh tế số")
        SOCIETY = "society", _("Xã hội số")

    code = models.CharField(_("mã trụ cột"), max_length=20, choices=Code, unique=True)
    name = models.CharField(_("tên trụ cột"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = PillarManager()
    history = HistoricalRecords(verbose_name=_("lịch sử trụ cột"))

    class Meta:
        verbose_name = _("trụ cột")
        verbose_name_plural = _("trụ cột")
        ordering = ["order", "code"]

    def __str__(self):
        return self.display_name

    def natural_key(self):
        return (self.code,)


class TargetQuerySet(models.QuerySet):
    def with_relations(self):
        return self.select_related("plan", "pillar", "responsible_unit")


class TargetManager(models.Manager.from_queryset(TargetQuerySet)):
    def get_queryset(self):
        # A target's name shows its plan's year: always fetch the plan with it.
        return super().get_queryset().select_related("plan")

    def get_by_natural_key(self, plan_code, code):
        return self.get(plan__code=plan_code, code=code)


class Target(LocalizedNameMixin, models.Model):
    class Measure(models.TextChoices):
        RATIO = "ratio", _("Tỷ lệ (tử số / mẫu số)")
        PERCENT = "percent", _("Phần trăm (nhập trực tiếp)")
        COUNT = "count", _("Số lượng")
        GROWTH = "growth", _("Tăng trưởng (%)")
        RANK = "rank", _("Thứ hạng (càng nhỏ càng tốt)")
        MILESTONE = "milestone", _("Mốc hoàn thành (đạt / chưa đạt)")

    class Comparator(models.TextChoices):
        GTE = "gte", _("≥ (tối thiểu)")
        GT = "gt", _("> (trên)")
        LTE = "lte", _("≤ (tối đa)")
        LT = "lt", _("< (dưới)")
        EQ = "eq", _("= (bằng)")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Hằng tháng")
        QUARTERLY = "quarterly", _("Hằng quý")
        SEMIANNUAL = "semiannual", _("6 tháng")
        ANNUAL = "annual", _("Hằng năm")

    class ReportingUnits(models.TextChoices):
        CITY = "city", _("Thành phố (một số liệu chung)")
        AGENCIES = "agencies", _("Từng sở, ban, ngành")
        DISTRICTS = "districts", _("Từng quận, huyện")
        COMMUNES = "communes", _("Từng xã, phường, thị trấn")

    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.PROTECT, related_name="targets"
    )
    pillar = models.ForeignKey(
        Pillar, verbose_name=_("trụ cột"), on_delete=models.PROTECT, related_name="targets"
    )
    code = models.CharField(_("mã chỉ tiêu"), max_length=20)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    source_text = models.TextField(
        _("nguyên văn kế hoạch"), help_text=_("Câu chữ của văn bản kế hoạch, chép nguyên văn.")
    )
    measure = models.CharField(_("loại số liệu"), max_length=10, choices=Measure)
    comparator = models.CharField(
        _("so sánh"), max_length=3, choices=Comparator, default=Comparator.GTE
    )
    target_value = models.DecimalField(_("giá trị mục tiêu"), max_digits=18, decimal_places=4)
    baseline_value = models.DecimalField(
        _("giá trị cơ sở"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(_("ngày của giá trị cơ sở"), null=True, blank=True)
    deadline = models.DateField(_("hạn hoàn thành"))
    frequency = models.CharField(_("kỳ báo cáo"), max_length=10, choices=Frequency)
    reporting_units = models.CharField(_("cấp báo cáo"), max_length=10, choices=ReportingUnits)
    numerator_label = models.CharField(_("tên tử số"), max_length=200, blank=True)
    denominator_label = models.CharField(_("tên mẫu số"), max_length=200, blank=True)
    responsible_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("cơ quan chủ trì"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_targets",
        limit_choices_to={"kind": "agency"},
    )
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    cumulative = models.BooleanField(
        _("số liệu cộng dồn"),
        default=False,
        help_text=_(
            "Tử số (hoặc giá trị) cộng dồn qua các kỳ, không giảm: một kỳ giảm so với kỳ "
            "trước sẽ được cảnh báo khi nhập."
        ),
    )

    objects = TargetManager()
    history = HistoricalRecords(verbose_name=_("lịch sử chỉ tiêu"))

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "pillar__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="targets_target_unique_code"),
            models.CheckConstraint(
                condition=~Q(measure="ratio") | Q(target_value__gte=0, target_value__lte=100),
                name="targets_target_ratio_within_100",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.display_name} ({self.plan.year})"

    def get_absolute_url(self):
        return reverse("targets:target-detail", kwargs={"plan": self.plan.code, "code": self.code})

    def natural_key(self):
        return (*self.plan.natural_key(), self.code)

    natural_key.dependencies = ["targets.plan", "targets.pillar", "targets.administrativeunit"]

    @property
    def lower_is_better(self) -> bool:
        return self.comparator in (self.Comparator.LTE, self.Comparator.LT)

    @property
    def is_percentage(self) -> bool:
        return self.measure in (self.Measure.RATIO, self.Measure.PERCENT, self.Measure.GROWTH)

    @property
    def rolls_up(self) -> bool:
        """Ratio and count targets reported by many units roll up; the rest do not."""
        return self.measure in (self.Measure.RATIO, self.Measure.COUNT)

    def period_ends(self) -> list[datetime.date]:
        """Every period end of this target inside its plan."""
        return periods.period_ends(self.frequency, self.plan.start_date, self.plan.end_date)

    def clean(self):
        errors = {}
        if (
            self.plan_id
            and self.deadline
            and not (self.plan.start_date <= self.deadline <= self.plan.end_date)
        ):
            errors["deadline"] = _("Hạn hoàn thành phải nằm trong thời gian của kế hoạch.")
        if self.measure == self.Measure.MILESTONE and self.target_value not in (None, 1):
            errors["target_value"] = _("Chỉ tiêu mốc hoàn thành có giá trị mục tiêu là 1 (đạt).")
        if self.measure in (self.Measure.PERCENT, self.Measure.RATIO) and (
            self.target_value is not None and not (0 <= self.target_value <= 100)
        ):
            errors["target_value"] = _("Tỷ lệ phần trăm phải nằm trong khoảng 0–100.")
        if self.measure == self.Measure.RATIO and not (
            self.numerator_label and self.denominator_label
        ):
            errors["denominator_label"] = _("Chỉ tiêu tỷ lệ cần tên tử số và mẫu số.")
        if errors:
            raise ValidationError(errors)
