"""Email reporters about missing or returned reports near and after the due date, and
reviewers about their waiting queue: one message per person, in their language.

    python manage.py send_reminders [--dry-run] [--as-of 2023-01-08]

Run it once a day (cron or a systemd timer: see the README). Mail goes through Django's
email backend: the console unless ``EMAIL_HOST`` names an SMTP server.
"""

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from targets.domain.formatting import ParseError, parse_as_of
from targets.entry.reminders import gather_reminders, reminder_message


class Command(BaseCommand):
    help = gettext_lazy(
        "Gửi thư nhắc người báo cáo (báo cáo thiếu hoặc bị trả lại) và người duyệt "
        "(số liệu chờ duyệt)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Chỉ liệt kê, không gửi thư nào.")
        )
        parser.add_argument(
            "--as-of", help=_("Ngày nhắc, 2023-01-08 hoặc 08/01/2023 (mặc định: hôm nay).")
        )

    def handle(self, *args, dry_run, as_of, **options):
        try:
            day = parse_as_of(as_of)
        except ParseError as error:
            raise CommandError(str(error)) from None
        reminders = gather_reminders(day)
        messages = [reminder_message(reminder, day) for reminder in reminders]
        for reminder in reminders:
            self.stdout.write(
                _("%(email)s: %(missing)d báo cáo thiếu, %(waiting)d số liệu chờ duyệt")
                % {
                    "email": reminder.user.email,
                    "missing": len(reminder.missing),
                    "waiting": reminder.waiting,
                }
            )
        if dry_run:
            self.stdout.write(
                _("Chạy thử: không gửi thư nào (%(count)d thư).") % {"count": len(messages)}
            )
            return
        sent = get_connection().send_messages(messages) if messages else 0
        self.stdout.write(_("Đã gửi %(count)d thư.") % {"count": sent or 0})
