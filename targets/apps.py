from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "targets"
    verbose_name = _("Chỉ tiêu chuyển đổi số")

    def ready(self):
        from targets import checks  # noqa: F401  (registers the system checks)
        from targets.domain import language  # noqa: F401  (applies the stored language at login)
