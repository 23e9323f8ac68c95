"""Personal API tokens: a user's key for ``/api/v1/``, acting with that user's roles and scope.

A token is shown once, when it is created; only its SHA-256 is stored, with a short
public prefix to find it by. A revoked token stays listed (who, when, last used) but no
longer authenticates.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# "hp_" + prefix + "_" + secret: the prefix finds the row, the secret proves the key.
KEY_PREFIX = "hp_"
PREFIX_BYTES = 6  # 12 hex digits
PREFIX_LENGTH = len(KEY_PREFIX) + 2 * PREFIX_BYTES
SECRET_BYTES = 32
# ``last_used_at`` is written at most once per this interval: not one write per request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        """Tokens not revoked."""
        return self.filter(revoked_at__isnull=True)

    def revoke(self, *, now: datetime.datetime | None = None) -> int:
        """Revoke the active tokens of this queryset; returns how many."""
        return self.active().update(revoked_at=now or timezone.now())


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("tên khóa"),
        max_length=100,
        help_text=_("Để nhận ra khóa này sau này, ví dụ “Phần mềm quản lý văn bản của Sở”."),
    )
    prefix = models.CharField(_("tiền tố"), max_length=32, unique=True, editable=False)
    key_hash = models.CharField(_("mã băm của khóa"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("thời điểm tạo"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(
        _("lần dùng gần nhất"), null=True, blank=True, editable=False
    )
    revoked_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        """Create a token for ``user``; returns it and the key, which is never stored
        and cannot be shown again."""
        token = cls(user=user, name=name)
        raw_key = token.set_new_key()
        token.save()
        return token, raw_key

    def set_new_key(self) -> str:
        """Give this (unsaved) token a new key; returns the key, of which only the
        prefix and the SHA-256 are kept."""
        self.prefix = KEY_PREFIX + secrets.token_hex(PREFIX_BYTES)
        raw_key = f"{self.prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
        self.key_hash = _digest(raw_key)
        return raw_key

    @classmethod
    def find(cls, raw_key: str) -> "ApiToken | None":
        """The active token whose key is ``raw_key`` (with its user), else None.
        One query."""
        # The secret may itself hold "_": the prefix has a fixed length.
        prefix, secret = raw_key[:PREFIX_LENGTH], raw_key[PREFIX_LENGTH + 1 :]
        if not prefix.startswith(KEY_PREFIX) or not secret or len(raw_key) > 200:
            return None
        token = cls.objects.active().select_related("user").filter(prefix=prefix).first()
        if token is None or not hmac.compare_digest(token.key_hash, _digest(raw_key)):
            return None
        return token

    def mark_used(self, now: datetime.datetime | None = None) -> None:
        """Record a use, to the minute (no write while the last one is that recent)."""
        now = now or timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION:
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
