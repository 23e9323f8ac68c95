"""City-scale demo data for benchmarks: ``generate_demo_data --entries N [--seed S]``.

Replaces whatever the generator made before (its entries and unused demo plans) with
exactly N entries (fewer only where a person already entered that period), drawn as
``targets.management.demo`` describes: the 2022 plan first, then the 2022–2025 plan, copies of
the 2022 plan for 2023 and 2024, then a demo plan of monthly figures of every district
and commune by field of procedure, given as many targets as N needs (up to about 1.07
million entries in all).

Bulk inserts in batches (COPY on PostgreSQL, ``bulk_create`` elsewhere), inside one
transaction, then ANALYZE on PostgreSQL; no history rows are written. Every
entry is built to the model's rules; the first entry of each target and one in every
``--check-every`` others go through ``clean_fields()`` and ``clean()`` before insertion,
and the database holds the constraints and foreign keys of all of them.
"""

import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from targets.domain.models import ProgressEntry
from targets.management import demo as demo_data


class Command(BaseCommand):
    help = "Replace the generated demo data with N deterministic progress entries."

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, required=True, help="How many entries.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--batch-size", type=int, default=5000, help="Rows per INSERT.")
        parser.add_argument(
            "--check-every",
            type=int,
            default=1000,
            help="Validate one entry in this many (besides the first of each target).",
        )

    def handle(self, *args, entries, seed, batch_size, check_every, **options):
        if entries < 1 or batch_size < 1 or check_every < 1:
            raise CommandError("--entries, --batch-size and --check-every must be positive.")
        started = time.monotonic()
        with transaction.atomic():
            user = demo_data.generator_user()
            deleted = demo_data.delete_generated_entries(user)
            try:
                plans = demo_data.city_scale_series(entries, seed)
            except demo_data.CapacityError as error:
                raise CommandError(f"--entries {entries}: {error}.") from None
            counts = self.insert(
                plans,
                seed=seed,
                user=user,
                batch_size=batch_size,
                check_every=check_every,
                total=entries,
            )
        demo_data.analyze_entries()
        seconds = time.monotonic() - started
        self.stdout.write(f"Deleted {deleted} previously generated entries.")
        for (plan, _), created in zip(plans, counts["plans"], strict=True):
            self.stdout.write(f"  {plan.code:<16} {created:>9} entries")
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(counts["statuses"].items()))
        self.stdout.write(
            f"Created {sum(counts['plans'])} entries ({statuses}); "
            f"skipped {counts['skipped']} periods already entered; {seconds:.1f} s."
        )

    def insert(self, plans, *, seed, user, batch_size, check_every, total):
        """Insert every entry of ``plans`` in batches; returns counts."""
        counts = {"plans": [], "statuses": Counter(), "skipped": 0}
        checked_targets = set()
        number = 0
        batch = []
        with tqdm(total=total, unit=" entries", disable=None) as bar:
            for plan, series_list in plans:
                taken = set(
                    ProgressEntry.objects.filter(target__plan=plan).values_list(
                        "target_id", "unit_id", "period_end"
                    )
                )
                created = 0
                for series, row in demo_data.plan_rows(series_list, seed=seed, user_id=user.pk):
                    if (row["target_id"], row["unit_id"], row["period_end"]) in taken:
                        counts["skipped"] += 1
                        continue
                    number += 1
                    if row["target_id"] not in checked_targets or number % check_every == 0:
                        checked_targets.add(row["target_id"])
                        demo_data.validate(demo_data.entry_from_row(series, row))
                    batch.append(row)
                    created += 1
                    counts["statuses"][row["status"]] += 1
                    if len(batch) >= batch_size:
                        demo_data.insert_rows(batch)
                        bar.update(len(batch))
                        batch = []
                counts["plans"].append(created)
            if batch:
                demo_data.insert_rows(batch)
                bar.update(len(batch))
        return counts
