"""Record in the history the reference data as it now stands (safe to run again).

``loaddata`` (``make run``, ``prepare_server``) writes plans, pillars, targets and units
without history (django-simple-history skips raw saves). This adds one history row for
each of them that has none yet ("+") or has changed since its latest row ("~"), so that
every later change, through the admin or a new fixture, keeps the old value (e.g. the
district a commune belonged to before it moved).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from targets.domain.models import AdministrativeUnit, Pillar, Plan, Target

MODELS = (Plan, Pillar, AdministrativeUnit, Target)
REASON = "Dữ liệu tham chiếu (nạp từ fixtures)"


@transaction.atomic
def record_reference_history(reason: str = REASON) -> dict[str, int]:
    """History rows added per model (label): one per object without history or changed
    since its latest history row. One read of each table and of its history."""
    added = {}
    for model in MODELS:
        history = model.history
        fields = [field.attname for field in history.model.tracked_fields]
        latest = {}
        for row in history.order_by("id", "-history_date", "-history_id").values(*fields):
            latest.setdefault(row["id"], row)
        new, changed = [], []
        for obj in model._default_manager.order_by("pk"):
            row = latest.get(obj.pk)
            if row is None:
                new.append(obj)
            elif any(getattr(obj, name) != row[name] for name in fields):
                changed.append(obj)
        history.bulk_history_create(new, default_change_reason=reason)
        history.bulk_history_create(changed, update=True, default_change_reason=reason)
        added[model._meta.label] = len(new) + len(changed)
    return added


class Command(BaseCommand):
    help = "Add a history row for each plan, pillar, target and unit that is new or changed."

    def handle(self, *args, **options):
        added = record_reference_history()
        self.stdout.write(
            "History rows added: " + ", ".join(f"{label} {n}" for label, n in added.items())
        )
