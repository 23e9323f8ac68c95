"""Concurrent writers on PostgreSQL: row locks and the version check keep every entry
consistent with its history. SQLite serialises writers itself; these tests skip there."""

import datetime
import random
import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connections, transaction
from django.test import Client
from django.urls import reverse

from targets.domain import services
from targets.domain.models import ProgressEntry

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency is tested on PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_transactional_db"),
]

S = ProgressEntry.Status
NOV = datetime.date(2022, 11, 30)

# (old status, new status) pairs a history may show; equal statuses are edits.
LEGAL = {
    (S.DRAFT, S.DRAFT),
    (S.DRAFT, S.SUBMITTED),
    (S.RETURNED, S.RETURNED),
    (S.RETURNED, S.SUBMITTED),
    (S.SUBMITTED, S.APPROVED),
    (S.SUBMITTED, S.RETURNED),
    (S.APPROVED, S.RETURNED),
}


def in_thread(work):
    """Run ``work`` on its own database connection, closed afterwards."""

    def run(*args):
        try:
            work(*args)
        finally:
            connections.close_all()

    return run


def test_two_sessions_saving_the_same_version_one_wins(cast, make_entry, target, unit):
    entry = make_entry(
        target("CQS-03c"), unit("11329"), NOV, numerator=1, denominator=2, status=S.DRAFT
    )
    url = reverse("admin:targets_progressentry_change", args=[entry.pk])
    people = {"a": cast.commune_reporter, "b": cast.reporter}
    forms = {
        name: {
            "target": entry.target_id,
            "unit": entry.unit_id,
            "period_end": "30/11/2022",
            "numerator": numerator,
            "denominator": "10",
            "value": "",
            "note": f"ghi chú {name}",
            "evidence_url": "",
            "seen_version": "1",
        }
        for name, numerator in (("a", "3"), ("b", "7"))
    }
    barrier = threading.Barrier(2)
    responses = {}

    @in_thread
    def save(name):
        client = Client()
        client.force_login(people[name])
        barrier.wait()
        responses[name] = client.post(url, forms[name])

    threads = [threading.Thread(target=save, args=(name,)) for name in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    codes = sorted(response.status_code for response in responses.values())
    assert codes == [200, 302]
    winner = next(name for name, r in responses.items() if r.status_code == 302)
    loser = next(name for name, r in responses.items() if r.status_code == 200)
    page = responses[loser].content.decode()
    assert f"vừa được {people[winner].first_name} lưu" in page
    assert f"ghi chú {loser}" in page  # the loser's input is shown back
    entry.refresh_from_db()
    assert (entry.version, entry.updated_by, entry.note) == (2, people[winner], f"ghi chú {winner}")
    assert entry.history.count() == 2


def test_a_writer_blocked_on_the_row_lock_gets_the_conflict(cast, make_entry, target, unit):
    entry = make_entry(
        target("CQS-03c"), unit("11329"), NOV, numerator=1, denominator=2, status=S.DRAFT
    )
    first_saved, second_started = threading.Event(), threading.Event()
    outcome = {}

    @in_thread
    def first():
        with transaction.atomic():
            mine = ProgressEntry.objects.get(pk=entry.pk)
            mine.numerator = Decimal(2)
            services.entry_update(entry=mine, user=cast.commune_reporter, expected_version=1)
            first_saved.set()
            second_started.wait(10)
            time.sleep(0.5)  # the second writer now waits on the row lock
        outcome["first"] = "saved"

    @in_thread
    def second():
        first_saved.wait(10)
        theirs = ProgressEntry.objects.get(pk=entry.pk)  # still version 1: not committed
        assert theirs.version == 1
        theirs.numerator = Decimal(0)
        second_started.set()
        try:
            services.entry_update(entry=theirs, user=cast.reporter, expected_version=1)
            outcome["second"] = "saved"
        except services.EntryConflict as conflict:
            outcome["second"] = conflict.messages[0]

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome["first"] == "saved"
    assert "vừa được Commune Reporter lưu" in outcome["second"]
    entry.refresh_from_db()
    assert (entry.numerator, entry.version) == (Decimal(2), 2)


def test_twenty_threads_approving_and_editing_leave_entries_consistent_with_history(
    cast, make_entry, target, unit
):
    codes = ["11329", "11332", "11335", "11338", "11341", "11344"]
    entries = [
        make_entry(
            target("CQS-03c"),
            unit(code),
            NOV,
            numerator=1,
            denominator=10,
            status=S.SUBMITTED if i % 2 else S.DRAFT,
        )
        for i, code in enumerate(codes)
    ]
    ids = [e.pk for e in entries]
    reporter, reviewer = cast.reporter, cast.reviewer
    done = {pk: 0 for pk in ids}
    lock = threading.Lock()
    start = threading.Barrier(20)

    def operate(rng, pk):
        current = ProgressEntry.objects.get(pk=pk)
        op = rng.choice(["edit", "submit", "approve", "return", "reopen"])
        kwargs = {"entry": current, "expected_version": current.version}
        if op == "edit":
            current.numerator = Decimal(rng.randint(0, 10))
            return services.entry_update(user=reporter, **kwargs)
        if op == "submit":
            return services.entry_submit(user=reporter, **kwargs)
        if op == "approve":
            return services.entry_approve(user=reviewer, **kwargs)
        if op == "return":
            return services.entry_return(user=reviewer, reason="trả lại", **kwargs)
        return services.entry_reopen(user=reviewer, reason="mở lại", **kwargs)

    @in_thread
    def worker(seed):
        rng = random.Random(seed)
        start.wait()
        for _ in range(15):
            pk = rng.choice(ids)
            try:
                operate(rng, pk)
            except (PermissionDenied, ValidationError):
                continue  # refused (wrong status, or someone was faster): nothing stored
            with lock:
                done[pk] += 1
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    assert sum(done.values()) > 20  # the run did real work

    fields = ["numerator", "denominator", "value", "status", "version", "review_note"]
    for pk in ids:
        entry = ProgressEntry.objects.get(pk=pk)
        rows = list(entry.history.order_by("history_id"))
        # One history row per stored change: no lost or doubled write.
        assert len(rows) == 1 + done[pk]
        assert [row.version for row in rows] == list(range(1, len(rows) + 1))
        assert entry.version == len(rows)
        latest = rows[-1]
        assert [getattr(latest, f) for f in fields] == [getattr(entry, f) for f in fields]
        for before, after in zip(rows, rows[1:], strict=False):
            assert (before.status, after.status) in LEGAL, (before.status, after.status)
            if after.status == S.APPROVED:
                assert after.approved_by_id == reviewer.pk
        assert entry.value == Decimal(100) * entry.numerator / entry.denominator
        if entry.status == S.APPROVED:
            assert entry.approved_by == reviewer and entry.approved_at is not None
