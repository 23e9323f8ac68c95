from django.db import migrations, models

# Triggers that bump targets_dataversion (row 1) with every committed write that can
# change a roll-up (targets.domain.models.versions): an entry approved before or after the
# write; any change to a plan, pillar, target, unit or membership. The version only grows:
# each bump takes the larger of the version + 1 and the clock in microseconds, so a
# database restored from an older dump never repeats a version it had since.
ENTRY = "targets_progressentry"
WATCHED = (
    "targets_plan",
    "targets_pillar",
    "targets_target",
    "targets_administrativeunit",
    "targets_membership",
)
POSTGRESQL_BUMP = (
    "UPDATE targets_dataversion SET version ="
    " GREATEST(version + 1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)"
    " WHERE id = 1"
)
SQLITE_BUMP = (
    "UPDATE targets_dataversion SET version ="
    " MAX(version + 1, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER))"
    " WHERE id = 1"
)

# PostgreSQL: deferred constraint triggers, so the version row is updated once per
# transaction, when it commits: it is the last lock a transaction takes and is held only
# while it commits (a bulk approval does not hold up every other approval, and no two
# transactions can deadlock over it).
POSTGRESQL = [
    f"""CREATE FUNCTION targets_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('targets.data_version_bumped', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('targets.data_version_bumped', 'yes', true);
        {POSTGRESQL_BUMP};
      END IF;
      RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION targets_bump_data_version_now() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {POSTGRESQL_BUMP}; RETURN NULL; END $$""",
    f"""CREATE CONSTRAINT TRIGGER targets_version_entry_insert AFTER INSERT ON {ENTRY}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status = 'approved')
    EXECUTE FUNCTION targets_bump_data_version()""",
    f"""CREATE CONSTRAINT TRIGGER targets_version_entry_update AFTER UPDATE ON {ENTRY}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status = 'approved' OR NEW.status = 'approved')
    EXECUTE FUNCTION targets_bump_data_version()""",
    f"""CREATE CONSTRAINT TRIGGER targets_version_entry_delete AFTER DELETE ON {ENTRY}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.status = 'approved')
    EXECUTE FUNCTION targets_bump_data_version()""",
    *[
        f"""CREATE CONSTRAINT TRIGGER targets_version_{table[8:]} AFTER INSERT OR UPDATE
        OR DELETE ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        EXECUTE FUNCTION targets_bump_data_version()"""
        for table in WATCHED
    ],
    # TRUNCATE has no row triggers: it bumps at once.
    *[
        f"""CREATE TRIGGER targets_version_{table[8:]}_truncate AFTER TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION targets_bump_data_version_now()"""
        for table in (ENTRY, *WATCHED)
    ],
]
POSTGRESQL_REVERSE = [
    *[
        f"DROP TRIGGER IF EXISTS targets_version_entry_{event} ON {ENTRY}"
        for event in ("insert", "update", "delete")
    ],
    *[f"DROP TRIGGER IF EXISTS targets_version_{t[8:]} ON {t}" for t in WATCHED],
    *[f"DROP TRIGGER IF EXISTS targets_version_{t[8:]}_truncate ON {t}" for t in (ENTRY, *WATCHED)],
    "DROP FUNCTION IF EXISTS targets_bump_data_version()",
    "DROP FUNCTION IF EXISTS targets_bump_data_version_now()",
]

# SQLite has row triggers only, run at once (SQLite has one writer at a time).
SQLITE = [
    f"""CREATE TRIGGER targets_version_entry_insert AFTER INSERT ON {ENTRY}
    WHEN NEW.status = 'approved' BEGIN {SQLITE_BUMP}; END""",
    f"""CREATE TRIGGER targets_version_entry_update AFTER UPDATE ON {ENTRY}
    WHEN OLD.status = 'approved' OR NEW.status = 'approved' BEGIN {SQLITE_BUMP}; END""",
    f"""CREATE TRIGGER targets_version_entry_delete AFTER DELETE ON {ENTRY}
    WHEN OLD.status = 'approved' BEGIN {SQLITE_BUMP}; END""",
    *[
        f"CREATE TRIGGER targets_version_{table[8:]}_{event} AFTER {event.upper()} ON {table}"
        f" BEGIN {SQLITE_BUMP}; END"
        for table in WATCHED
        for event in ("insert", "update", "delete")
    ],
]
SQLITE_REVERSE = [
    *[
        f"DROP TRIGGER IF EXISTS targets_version_entry_{event}"
        for event in ("insert", "update", "delete")
    ],
    *[
        f"DROP TRIGGER IF EXISTS targets_version_{table[8:]}_{event}"
        for table in WATCHED
        for event in ("insert", "update", "delete")
    ],
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"no data version triggers for {schema_editor.connection.vendor}")
        for statement in statements:
            schema_editor.execute(statement)

    return run


def first_row(apps, schema_editor):
    apps.get_model("targets", "DataVersion").objects.using(
        schema_editor.connection.alias
    ).get_or_create(pk=1, defaults={"version": 0})


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0009_api_tokens"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField(default=0, verbose_name="phiên bản dữ liệu")),
            ],
            options={
                "verbose_name": "phiên bản dữ liệu",
                "verbose_name_plural": "phiên bản dữ liệu",
            },
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
