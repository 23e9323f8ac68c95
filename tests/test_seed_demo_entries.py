"""``seed_demo_entries``: the 2022 demo data of ``make run``."""

import datetime
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from targets.domain import services
from targets.domain.models import AdministrativeUnit, ProgressEntry, Target
from targets.management.demo import DEMO_NOTE, GENERATOR_USERNAME, validate

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)


@pytest.fixture
def seeded(demo_entries_once, db):
    return ProgressEntry.objects.filter(target__plan__code="kh74-2022")


def test_running_twice_leaves_one_copy_and_keeps_edits(seeded):
    count = seeded.count()
    assert count > 2500
    edited = seeded.filter(status="draft").first()
    edited.note = "Sửa tay"
    edited.save()
    call_command("seed_demo_entries", verbosity=0)
    assert seeded.count() == count
    edited.refresh_from_db()
    assert edited.note == "Sửa tay"


def test_every_2022_target_has_entries_of_its_frequency(seeded):
    for target in Target.objects.filter(plan__code="kh74-2022"):
        days = set(seeded.filter(target=target).values_list("period_end", flat=True))
        assert days, target.code
        assert days <= set(target.period_ends()), target.code
    # Monthly for the unit-level work-file targets, quarterly and annual for the city.
    assert len(set(seeded.filter(target__code="CQS-03c").values_list("period_end"))) == 12
    assert len(set(seeded.filter(target__code="CQS-01").values_list("period_end"))) == 4
    assert set(seeded.filter(target__code="KTS-02").values_list("period_end", flat=True)) == {DEC}


def test_published_results_are_stored_exactly(seeded):
    dti = seeded.get(target__code="DTI-01", period_end=DEC)
    assert (dti.value, dti.status) == (Decimal(14), "approved")
    assert dti.evidence_url == "https://dti.gov.vn/xep-hang-2022"
    kts = seeded.get(target__code="KTS-01", period_end=DEC)
    assert (kts.value, kts.status) == (Decimal("29.48"), "approved")
    assert "năm tham chiếu" in kts.note
    xhs = seeded.get(target__code="XHS-02", period_end=DEC)
    assert (xhs.value, xhs.status) == (Decimal(0), "approved")
    assert xhs.note == "5G đã triển khai tại khu đô thị trung tâm; chưa có tại khu công nghiệp"
    # 5G was never done earlier in the year either.
    assert set(seeded.filter(target__code="XHS-02").values_list("value", flat=True)) == {0}
    published = {dti.pk, kts.pk, xhs.pk}
    notes = set(seeded.exclude(pk__in=published).values_list("note", flat=True))
    assert notes == {DEMO_NOTE}


def test_a_mix_of_statuses_and_units_that_have_not_reported(seeded):
    statuses = Counter(seeded.values_list("status", flat=True))
    assert set(statuses) == {"approved", "submitted", "draft", "returned"}
    assert statuses["approved"] > 0.8 * sum(statuses.values())
    assert not seeded.filter(status="returned", review_note="").exists()
    assert not seeded.filter(status="approved", approved_at=None).exists()
    # One district never reports CQS-03b.
    districts = seeded.filter(target__code="CQS-03b").values("unit").distinct().count()
    assert districts == AdministrativeUnit.objects.filter(level="district").count() - 1
    # A few communes report in June but have stopped by December.
    cqs = seeded.filter(target__code="CQS-03c")
    june = set(cqs.filter(period_end=datetime.date(2022, 6, 30)).values_list("unit", flat=True))
    december = set(cqs.filter(period_end=DEC).values_list("unit", flat=True))
    assert 3 <= len(june - december) <= 10
    assert december < june


def test_entries_pass_full_clean(seeded):
    assert seeded.first().created_by.username == GENERATOR_USERNAME
    sample = {}
    for entry in seeded.select_related("target__plan", "unit").order_by("pk"):
        # One per (target, status), plus one in every 100.
        key = (entry.target_id, entry.status)
        if key not in sample or entry.pk % 100 == 0:
            sample.setdefault(key, []).append(entry)
    entries = [e for group in sample.values() for e in group]
    assert len(entries) > 50
    for entry in entries:
        validate(entry, full=True)


def test_every_entry_has_history(seeded):
    assert ProgressEntry.history.filter(target__plan__code="kh74-2022").count() == seeded.count()


def test_reset_keeps_entries_people_changed_and_their_history(seeded, cast):
    generated = seeded.filter(created_by__username=GENERATOR_USERNAME)
    submitted = generated.filter(status=ProgressEntry.Status.SUBMITTED, unit__code="11329").first()
    approved = services.entry_approve(
        entry=submitted, user=cast.reviewer, expected_version=submitted.version
    )
    history = approved.history.count()
    count = generated.count()
    out = io.StringIO()
    call_command("seed_demo_entries", "--reset", stdout=out)
    approved.refresh_from_db()
    assert (
        approved.status == ProgressEntry.Status.APPROVED and approved.approved_by == cast.reviewer
    )
    assert approved.history.count() == history
    assert f"Deleted {count - 1} generated entries of kh74-2022; kept 1" in out.getvalue()
    assert generated.count() == count  # the others are generated again
