"""Remove the files of import previews nobody confirmed or cancelled.

An uploaded file waits in the media storage (``nhap-so-lieu/``) between the preview and
the reporter's confirmation. Abandoned ones are removed at the next upload; run this
from cron too (e.g. hourly) so that nothing lingers on a quiet day.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from targets.entry.importing.admin import clear_previews


class Command(BaseCommand):
    help = "Remove uploaded import files older than --hours (default IMPORT_PREVIEW_MAX_HOURS)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=settings.IMPORT_PREVIEW_MAX_HOURS,
            help="Remove previews older than this many hours (default: %(default)s).",
        )

    def handle(self, *args, hours, **options):
        if hours < 0:
            raise CommandError("--hours must be 0 or more.")
        removed = clear_previews(hours)
        self.stdout.write(f"Removed {removed} import preview file(s) older than {hours} h.")
