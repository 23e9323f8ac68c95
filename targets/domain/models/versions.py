"""The data version: one number that changes whenever a roll-up could change.

Database triggers (migration ``0010_data_version``) add one to it in the same
transaction as every write that can change a roll-up: an entry inserted, updated or
deleted while approved (before or after the change), and any change to a target or a
unit. They fire for every way of writing, the ORM's ``save()`` and ``bulk_create()``,
``QuerySet.update()``, the import, raw SQL, so ``targets.domain.figure_cache`` can key cached
roll-ups on it without trusting any code path to say "something changed".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """The single row (``id = 1``) holding the version."""

    version = models.BigIntegerField(_("phiên bản dữ liệu"), default=0)

    class Meta:
        verbose_name = _("phiên bản dữ liệu")
        verbose_name_plural = _("phiên bản dữ liệu")

    def __str__(self):
        return str(self.version)

    @classmethod
    def current(cls, using=None) -> int | None:
        """The version now (one query); None when the row is missing (a database
        flushed by hand): then nothing may be cached."""
        return cls.objects.using(using).filter(pk=1).values_list("version", flat=True).first()
