"""System checks of the ``targets`` app.

``python manage.py check --deploy`` warns when the demo accounts exist: their password
is published in the README, so a production database must never hold them.
"""

from django.contrib.auth import get_user_model
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def check_demo_accounts(app_configs=None, **kwargs):
    """``targets.W001`` when an active demo account (``setup_demo``) exists."""
    from targets.management.commands.setup_demo import DEMO_USERNAMES

    try:
        found = sorted(
            get_user_model()
            .objects.filter(username__in=DEMO_USERNAMES, is_active=True)
            .values_list("username", flat=True)
        )
    except DatabaseError:
        # No database yet (or not migrated): nothing to flag.
        return []
    if not found:
        return []
    return [
        Warning(
            "Có tài khoản demo với mật khẩu công khai: %(names)s. / "
            "Demo accounts with a published password exist: %(names)s."
            % {"names": ", ".join(found)},
            hint=(
                "Xoá hoặc khoá các tài khoản này trên máy chủ thật; chỉ `make run` "
                "(setup_demo) tạo chúng. / Delete or deactivate them in production; only "
                "`make run` (setup_demo) creates them."
            ),
            id="targets.W001",
        )
    ]
