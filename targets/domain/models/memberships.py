"""Who belongs where: a role on a unit covers the units below it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from targets.domain.models.units import AdministrativeUnit


class Membership(models.Model):
    class Role(models.TextChoices):
        REPORTER = "reporter", _("Người báo cáo")
        REVIEWER = "reviewer", _("Người duyệt")
        VIEWER = "viewer", _("Người xem")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=Role)

    history = HistoricalRecords(verbose_name=_("lịch sử phân quyền"))

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        ordering = ["user__username", "unit__code", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="targets_membership_unique_role"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit.display_name}"
