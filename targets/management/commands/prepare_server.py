"""Everything ``make serve`` does before gunicorn starts, refusing a non-production setup.

Checks: a PostgreSQL ``DATABASE_URL``, DEBUG off, ``DJANGO_ALLOWED_HOSTS`` set. Then
``check --deploy``, ``collectstatic``, and (unless ``--skip-database``, for the second and
further app servers) ``migrate``, ``setup_roles`` and the reference data of the seed
fixtures (plans, pillars, targets, units: loading them again updates them in place),
with a history row for what they changed (``record_reference_history``).
Never the demo accounts or demo entries.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from targets.management.commands.setup_demo import DEMO_USERNAMES
from tracker.serving import production_database_url

SEED_FIXTURES = [
    str(settings.BASE_DIR / "fixtures" / name) for name in ("units.json", "plans.json")
]


def production_problems(environ=None) -> list[str]:
    """Why the current settings must not serve production; empty when they may."""
    problems = []
    try:
        production_database_url(environ)
    except ImproperlyConfigured as error:
        problems.append(str(error))
    else:
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            problems.append("the default database is not PostgreSQL")
    if settings.DEBUG:
        problems.append("DJANGO_DEBUG is on: make serve runs with DEBUG off")
    if not settings.ALLOWED_HOSTS:
        problems.append("DJANGO_ALLOWED_HOSTS is empty: list the host names the app answers to")
    return problems


class Command(BaseCommand):
    help = "Check the production settings, migrate, load reference data, collect static files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-database",
            action="store_true",
            help="Leave the database alone (another app server already prepared it).",
        )

    def handle(self, *args, skip_database=False, **options):
        problems = production_problems()
        if problems:
            raise CommandError("Refusing to serve: " + "; ".join(problems) + ".")
        call_command("check", deploy=True, fail_level="ERROR")
        call_command("collectstatic", interactive=False, verbosity=0)
        if not skip_database:
            call_command("migrate", interactive=False)
            call_command("setup_roles")
            call_command("loaddata", *SEED_FIXTURES)
            call_command("record_reference_history")
        demo = get_user_model().objects.filter(username__in=DEMO_USERNAMES, is_active=True)
        if demo.exists():
            self.stderr.write(
                "Warning: demo accounts exist in this database (known password): "
                + ", ".join(demo.values_list("username", flat=True))
            )
        self.stdout.write("Ready to serve.")
