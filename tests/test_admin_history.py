"""History of the reference data and the admin's history pages: units, plans, pillars
and targets keep every change with its old value; history pages answer 404 out of scope
and never save an old version back (issue 13)."""

import datetime

import pytest
from django.urls import reverse

from targets.domain.models import AdministrativeUnit, Pillar, Plan, ProgressEntry, Target
from targets.management.commands.record_reference_history import record_reference_history

pytestmark = pytest.mark.django_db

S = ProgressEntry.Status


def unit_form(unit, **overrides):
    data = {
        "code": unit.code,
        "name": unit.name,
        "name_en": unit.name_en,
        "level": unit.level,
        "kind": unit.kind,
        "parent": unit.parent_id or "",
        "valid_from": "",
        "valid_to": "",
    }
    data.update(overrides)
    return data


def test_moving_a_commune_keeps_the_old_district_in_its_history(cast, client, unit):
    record_reference_history()  # as make run and prepare_server do after loading fixtures
    commune, old, new = unit("11329"), unit("304"), unit("303")
    client.force_login(cast.plan_admin)
    url = reverse("admin:targets_administrativeunit_change", args=[commune.pk])
    response = client.post(url, unit_form(commune, parent=new.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    latest, before = commune.history.order_by("-history_date", "-history_id")[:2]
    assert (latest.parent_id, latest.history_user, latest.history_type) == (
        new.pk,
        cast.plan_admin,
        "~",
    )
    assert before.parent_id == old.pk
    delta = latest.diff_against(before)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("parent", old.pk, new.pk)]
    page = client.get(reverse("admin:targets_administrativeunit_history", args=[commune.pk]))
    assert page.status_code == 200
    assert old.name in page.content.decode() and new.name in page.content.decode()


def test_reference_history_records_fixture_changes_once(unit):
    """Fixtures load without history; the command after them records the baseline,
    then only what a later load changed."""
    first = record_reference_history()
    assert first["targets.AdministrativeUnit"] == AdministrativeUnit.objects.count()
    commune, old, new = unit("11329"), unit("304"), unit("303")
    AdministrativeUnit.objects.filter(pk=commune.pk).update(parent=new)  # a raw reload
    again = record_reference_history()
    assert again == {
        "targets.Plan": 0,
        "targets.Pillar": 0,
        "targets.AdministrativeUnit": 1,
        "targets.Target": 0,
    }
    latest, before = commune.history.order_by("-history_date", "-history_id")[:2]
    assert (latest.history_type, latest.parent_id, before.parent_id) == ("~", new.pk, old.pk)
    assert record_reference_history()["targets.AdministrativeUnit"] == 0


def test_every_save_of_a_unit_plan_or_pillar_is_kept(unit):
    commune = unit("11329")
    commune.valid_to = datetime.date(2024, 12, 31)
    commune.save()
    plan = Plan.objects.get(code="kh74-2022")
    plan.name = "Tên mới"
    plan.save()
    pillar = Pillar.objects.get(code="government")
    pillar.order = 9
    pillar.save()
    assert commune.history.first().valid_to == datetime.date(2024, 12, 31)
    assert plan.history.first().name == "Tên mới"
    assert pillar.history.first().order == 9


@pytest.mark.parametrize("model", [Plan, Pillar, AdministrativeUnit, Target])
def test_reference_history_pages_answer(model, cast, client):
    obj = model.objects.first()
    obj.save()  # one version to show
    client.force_login(cast.plan_admin)
    opts = model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    assert client.get(reverse(f"{prefix}_history", args=[obj.pk])).status_code == 200
    version = obj.history.first()
    url = reverse(f"{prefix}_simple_history", args=[obj.pk, version.history_id])
    assert client.get(url).status_code == 200


def test_version_page_of_an_out_of_scope_entry_answers_404(cast, client, make_entry, target, unit):
    other = make_entry(target("CQS-03c"), unit("11332"), status=S.SUBMITTED)  # Máy Tơ
    own = make_entry(target("CQS-03c"), unit("11329"), status=S.SUBMITTED)  # Máy Chai
    client.force_login(cast.commune_reporter)
    for entry, status in ((other, 404), (own, 200)):
        version = ProgressEntry.history.filter(id=entry.pk).first()
        url = reverse(
            "admin:targets_progressentry_simple_history", args=[entry.pk, version.history_id]
        )
        assert client.get(url).status_code == status
    missing = reverse("admin:targets_progressentry_simple_history", args=[own.pk, 999999])
    assert client.get(missing).status_code == 404


def test_version_page_of_an_out_of_scope_unit_answers_404(cast, client, unit):
    sibling = unit("303")
    sibling.save()
    client.force_login(cast.reporter)  # district 304
    version = sibling.history.first()
    for url in (
        reverse("admin:targets_administrativeunit_history", args=[sibling.pk]),
        reverse(
            "admin:targets_administrativeunit_simple_history",
            args=[sibling.pk, version.history_id],
        ),
    ):
        assert client.get(url).status_code == 404


def test_a_version_page_never_saves_the_old_version_back(cast, client, target):
    """A reporter may view targets, not change them: posting to an old version of a
    target must not revert it (django-simple-history would save it)."""
    obj = target("CQS-03c")
    original = obj.target_value
    obj.save()
    old = obj.history.first()
    obj.target_value = original + 1
    obj.save()
    client.force_login(cast.commune_reporter)
    url = reverse("admin:targets_target_simple_history", args=[obj.pk, old.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 403
    obj.refresh_from_db()
    assert obj.target_value == original + 1
