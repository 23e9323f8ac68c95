"""2022 demo entries for ``make run``: every 2022 target, from every expected unit.

Idempotent: an entry is added only where its (target, unit, period end) is still empty,
so running it again adds nothing and keeps what people changed by hand. ``--reset``
first deletes the generated entries of the 2022 plan that nobody has touched since (and
their history); entries people have edited, submitted, approved, returned or reopened
are kept with their history, and the command says how many.
See ``targets.management.demo`` for how the figures are drawn.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from targets.domain.models import Plan, ProgressEntry
from targets.management import demo as demo_data


class Command(BaseCommand):
    help = "Add the 2022 demo progress entries (generated, marked as demo) where missing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help=(
                "Delete the generated 2022 entries nobody has changed since, then create "
                "them again; entries people have changed are kept."
            ),
        )

    @transaction.atomic
    def handle(self, *args, reset=False, **options):
        plan = Plan.objects.get(code=demo_data.PLAN_2022)
        user = demo_data.generator_user()
        if reset:
            deleted, kept = demo_data.delete_untouched_entries(user, plan)
            self.stdout.write(
                f"Deleted {deleted} generated entries of {plan.code}; kept {kept} that "
                "people have changed since (edited, submitted, approved, returned or reopened)."
            )
        taken = set(
            ProgressEntry.objects.filter(target__plan=plan).values_list(
                "target_id", "unit_id", "period_end"
            )
        )
        entries = []
        for entry in demo_data.plan_entries(
            demo_data.demo_2022_series(), seed=demo_data.DEMO_SEED, user=user
        ):
            if (entry.target_id, entry.unit_id, entry.period_end) in taken:
                continue
            demo_data.validate(entry)
            entries.append(entry)
        bulk_create_with_history(
            entries,
            ProgressEntry,
            batch_size=500,
            default_user=user,
            default_change_reason=demo_data.DEMO_NOTE,
        )
        self.stdout.write(
            f"{len(entries)} demo entries added to {plan.code} ({len(taken)} were already there)."
        )
