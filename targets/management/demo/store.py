"""Writing generated entries: the generator account, validation, bulk insert, removal."""

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from targets.domain.models import Plan, ProgressEntry
from targets.management.demo.figures import DEMO_NOTE

GENERATOR_USERNAME = "solieu.minhhoa"

# --- The account that owns generated entries ------------------------------------------


def generator_user():
    """The inactive account that creates and approves generated entries (no password)."""
    user, created = get_user_model().objects.get_or_create(
        username=GENERATOR_USERNAME,
        defaults={"first_name": DEMO_NOTE, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def insert_rows(rows: list[dict]) -> None:
    """Insert generated rows: COPY on PostgreSQL (about five times faster than INSERT),
    ``bulk_create`` elsewhere. Either way the database checks every constraint."""
    if connection.vendor != "postgresql":
        ProgressEntry.objects.bulk_create([ProgressEntry(**row) for row in rows])
        return
    fields = [f for f in ProgressEntry._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(ProgressEntry._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row.get(f.attname, defaults[f.attname]) for f in fields])


def analyze_entries() -> None:
    """Refresh the planner's statistics of the entries table after a bulk load (the
    autovacuum daemon would, some minutes later); PostgreSQL only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(ProgressEntry._meta.db_table)}")


# The foreign keys of an entry: set from objects just read, and held by the database.
_FOREIGN_KEYS = ["target", "unit", "created_by", "updated_by", "approved_by"]


def validate(entry: ProgressEntry, *, full: bool = False) -> None:
    """Check ``entry`` against the model's rules and that ``clean()`` leaves its figures as
    generated; raises ``ValidationError`` (or ``AssertionError``).

    By default runs ``clean_fields()`` (but the foreign keys) and ``clean()``: every rule
    the database cannot hold, at one query per entry. The constraints (uniqueness,
    numerator ≤ denominator, …) and the foreign keys are held by the database at insert
    time. ``full=True`` runs ``full_clean()`` itself (about 13 queries per entry)."""
    before = (entry.numerator, entry.denominator, entry.value)
    if full:
        entry.full_clean()
    else:
        entry.clean_fields(exclude=_FOREIGN_KEYS)
        entry.clean()
    if (entry.numerator, entry.denominator, entry.value) != before:
        raise AssertionError(f"clean() changed the figures of {entry}: {before}")


# --- Removing generated data ----------------------------------------------------------


def delete_generated_entries(user, plan: Plan | None = None) -> int:
    """Delete the entries ``user`` (the generator) created, and their history, in plain
    SQL: a million ORM deletes (with a history row each) would take hours."""
    entries = ProgressEntry.objects.filter(created_by=user)
    history = ProgressEntry.history.filter(created_by=user)
    if plan is not None:
        entries = entries.filter(target__plan=plan)
        history = history.filter(target__plan=plan)
    with transaction.atomic():
        deleted = _raw_delete(entries)
        _raw_delete(history)
    return deleted


def delete_untouched_entries(user, plan: Plan) -> tuple[int, int]:
    """Delete the entries of ``plan`` that ``user`` (the generator) created and nobody has
    changed since (still version 1, last saved by the generator), with their history;
    keep those people have edited, submitted, approved, returned or reopened, and their
    history. Returns (deleted, kept)."""
    generated = ProgressEntry.objects.filter(created_by=user, target__plan=plan)
    untouched = generated.filter(updated_by=user, version=1)
    with transaction.atomic():
        kept = generated.count() - untouched.count()
        _raw_delete(ProgressEntry.history.filter(id__in=untouched.values("pk")))
        deleted = _raw_delete(untouched)
    return deleted, kept


def _raw_delete(queryset) -> int:
    meta = queryset.model._meta
    table, pk = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({sql})", params)
        return cursor.rowcount
