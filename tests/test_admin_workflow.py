"""The admin as each role sees it: scope, the workflow buttons, locks and the version check."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from targets.domain.models import ProgressEntry
from tests.positions import POSITIONS

pytestmark = [
    pytest.mark.django_db,
]

S = ProgressEntry.Status
NOV = datetime.date(2022, 11, 30)

ALLOWED = {
    "reporter": {"view", "add", "change", "submit"},
    "reviewer": {"view", "approve", "return", "reopen"},
    "viewer": set(),
}
START = {
    "view": S.SUBMITTED,
    "change": S.DRAFT,
    "submit": S.DRAFT,
    "approve": S.SUBMITTED,
    "return": S.SUBMITTED,
    "reopen": S.APPROVED,
}
AFTER = {"submit": S.SUBMITTED, "approve": S.APPROVED, "return": S.RETURNED, "reopen": S.RETURNED}


def change_url(entry):
    return reverse("admin:targets_progressentry_change", args=[entry.pk])


def workflow_url(entry, action):
    return reverse("admin:targets_progressentry_workflow", args=[entry.pk, action])


def entry_form(entry=None, **overrides):
    """The POST body of the entry form, from ``entry`` or the overrides."""
    data = {
        "target": entry.target_id if entry else "",
        "unit": entry.unit_id if entry else "",
        "period_end": entry.period_end.strftime("%d/%m/%Y") if entry else "30/11/2022",
        "numerator": str(entry.numerator) if entry and entry.numerator is not None else "",
        "denominator": str(entry.denominator) if entry and entry.denominator is not None else "",
        "value": "",
        "note": "",
        "evidence_url": "",
        "seen_version": str(entry.version) if entry else "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def ratio_entry(make_entry, target, unit):
    def build(target_code, unit_code, status=S.DRAFT, period_end=NOV):
        return make_entry(
            target(target_code),
            unit(unit_code),
            period_end,
            numerator=1,
            denominator=2,
            status=status,
        )

    return build


def was_refused(response):
    """403, 404, or the admin's redirect of a non-staff user to its login page."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize(
    "action", ["view", "add", "change", "submit", "approve", "return", "reopen"]
)
@pytest.mark.parametrize("role", ALLOWED)
def test_permission_matrix_through_the_admin(
    role, action, position, cast, login, ratio_entry, target, unit
):
    client = login(getattr(cast, role))
    target_code, unit_code = POSITIONS[position]
    allowed = action in ALLOWED[role] and position in ("own", "below")

    if action == "add":
        before = ProgressEntry.objects.count()
        data = entry_form(
            target=target(target_code).pk, unit=unit(unit_code).pk, numerator="1", denominator="4"
        )
        response = client.post(reverse("admin:targets_progressentry_add"), data)
        stored = ProgressEntry.objects.count() - before
        if allowed:
            assert response.status_code == 302, response.content.decode()[:3000]
            assert stored == 1
        else:
            assert stored == 0
            assert was_refused(response) or (
                response.status_code == 200 and "errornote" in response.content.decode()
            )
        return

    entry = ratio_entry(target_code, unit_code, START[action])
    if action == "view":
        response = client.get(change_url(entry))
        if allowed:
            assert response.status_code == 200
            assert entry.target.code in response.content.decode()
        else:
            assert was_refused(response)
        return
    if action == "change":
        response = client.post(change_url(entry), entry_form(entry, numerator="2"))
        entry.refresh_from_db()
        if allowed:
            assert response.status_code == 302
            assert (entry.numerator, entry.version) == (Decimal(2), 2)
        else:
            assert was_refused(response)
            assert (entry.numerator, entry.version) == (Decimal(1), 1)
        return
    response = client.post(
        workflow_url(entry, action), {"version": entry.version, "reason": "Lý do kiểm thử"}
    )
    entry.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert entry.status == AFTER[action]
    else:
        assert was_refused(response)
        assert (entry.status, entry.version) == (START[action], 1)


# A member of district 304 (Ngô Quyền) against its own unit, a unit below (commune
# 11329), a sibling (district 303) and the unit above (the city 31).
RELATIVES = {
    "own": ("304", True),
    "below": ("11329", True),
    "sibling": ("303", False),
    "above": ("31", False),
}


@pytest.mark.parametrize("role", ["reporter", "reviewer", "viewer"])
@pytest.mark.parametrize("relative", RELATIVES)
def test_pages_and_exports_obey_scope(role, relative, cast, login, ratio_entry):
    code, allowed = RELATIVES[relative]
    client = login(getattr(cast, role))
    view = client.get(reverse("targets:unit-detail", args=[code]), {"as_of": "2022-12-31"})
    assert view.status_code == (200 if allowed else 404)
    query = {"plan": "kh74-2022", "as_of": "2022-12-31", "unit": code}
    for name in ("targets:report-xlsx", "targets:report-csv", "targets:entries-csv"):
        response = client.get(reverse(name), query)
        assert response.status_code == (200 if allowed else 403), (name, response.status_code)


def test_reporter_cannot_reach_another_communes_entry(cast, login, ratio_entry, unit):
    other = ratio_entry("CQS-03c", "11332", S.SUBMITTED)  # Máy Tơ, not Máy Chai
    own = ratio_entry("CQS-03c", "11329", S.DRAFT)
    client = login(cast.commune_reporter)
    base = "/admin/targets/progressentry/%s/" % other.pk
    assert client.get(base + "change/").status_code == 404
    assert client.post(base + "change/", entry_form(other, numerator="0")).status_code == 404
    assert client.get(base + "history/").status_code == 404  # as if it did not exist
    assert client.post(base + "delete/", {"post": "yes"}).status_code in (403, 404)
    for action in ("submit", "approve", "return", "reopen"):
        response = client.post(base + f"workflow/{action}/", {"version": 1, "reason": "x"})
        assert response.status_code == 404
    history_row = other.history.first()
    version = base + f"history/{history_row.history_id}/"
    assert client.get(version).status_code == 404  # issue 13: 404, as the change page
    assert client.post(version, {}).status_code == 404
    # Posting the other commune's id in the own entry's form, or in a new one.
    response = client.post(change_url(own), entry_form(own, unit=unit("11332").pk))
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    response = client.post(
        reverse("admin:targets_progressentry_add"),
        entry_form(own, unit=unit("11332").pk, period_end="31/10/2022", seen_version=""),
    )
    assert response.status_code == 200
    other.refresh_from_db()
    own.refresh_from_db()
    assert (other.status, other.numerator, other.version) == (S.SUBMITTED, Decimal(1), 1)
    assert own.unit.code == "11329" and own.version == 1
    assert not ProgressEntry.objects.filter(unit__code="11332", period_end__month=10).exists()


def test_lists_show_only_the_scope(cast, login, ratio_entry):
    ratio_entry("CQS-03c", "11329")
    ratio_entry("CQS-03c", "11332")
    ratio_entry("CQS-03b", "304", S.SUBMITTED)
    client = login(cast.commune_reporter)
    response = client.get(reverse("admin:targets_progressentry_changelist"))
    assert response.context["cl"].result_count == 1
    targets = client.get(reverse("admin:targets_target_changelist")).context["cl"].result_list
    assert {t.code for t in targets} == {"CQS-03c"}
    units = client.get(reverse("admin:targets_administrativeunit_changelist")).context["cl"]
    assert [u.code for u in units.result_list] == ["11329"]
    # The district reviewer sees the district's entries past draft only.
    client = login(cast.reviewer)
    response = client.get(reverse("admin:targets_progressentry_changelist"))
    assert [e.unit.code for e in response.context["cl"].result_list] == ["304"]


def test_target_inline_lists_only_entries_in_scope(cast, login, ratio_entry, target):
    ratio_entry("CQS-03c", "11329")
    ratio_entry("CQS-03c", "11332")
    client = login(cast.commune_reporter)
    response = client.get(reverse("admin:targets_target_change", args=[target("CQS-03c").pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Máy Chai" in page and "Máy Tơ" not in page


def autocomplete(client, field, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "targets", "model_name": "progressentry", "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return {item["text"].split(" · ")[0] for item in response.json()["results"]}


def test_autocomplete_offers_only_what_the_user_may_report(cast, login):
    client = login(cast.commune_reporter)
    assert autocomplete(client, "unit") == {"11329"}
    assert autocomplete(client, "target") == {"CQS-03c"}
    client = login(cast.reporter)
    units = autocomplete(client, "unit", "Máy")
    assert "11329" in units and "11332" in units and "304" not in units
    assert autocomplete(client, "target") == {"CQS-03b", "CQS-03c"}
    client = login(cast.agency_reporter)
    assert autocomplete(client, "unit") == {"STTTT", "31"}
    assert "CQS-01" in autocomplete(client, "target") and "CQS-03c" not in autocomplete(
        client, "target"
    )


def test_reporter_adds_and_submits_in_one_step(cast, login, target, unit):
    client = login(cast.commune_reporter)
    data = entry_form(
        target=target("CQS-03c").pk, unit=unit("11329").pk, numerator="3", denominator="10"
    )
    response = client.post(reverse("admin:targets_progressentry_add"), {**data, "_submit": "1"})
    entry = ProgressEntry.objects.get(unit__code="11329")
    assert response.status_code == 302 and response["Location"] == change_url(entry)
    assert (entry.status, entry.value, entry.created_by) == (
        S.SUBMITTED,
        Decimal(30),
        cast.commune_reporter,
    )
    page = client.get(change_url(entry)).content.decode()
    assert "Đã lưu và gửi duyệt." in page
    assert 'name="numerator"' not in page  # submitted: read-only for the reporter


def test_reviewer_sees_buttons_and_reporter_sees_the_return_reason(cast, login, ratio_entry):
    entry = ratio_entry("CQS-03c", "11329", S.SUBMITTED)
    client = login(cast.reviewer)
    page = client.get(change_url(entry)).content.decode()
    for label in ("Duyệt", "Trả lại"):
        assert f'value="{label}"' in page
    assert 'value="Mở lại"' not in page
    response = client.post(workflow_url(entry, "return"), {"version": 1, "reason": ""})
    assert response.status_code == 302
    assert "Cần nêu lý do." in client.get(response["Location"]).content.decode()
    entry.refresh_from_db()
    assert entry.status == S.SUBMITTED
    client.post(workflow_url(entry, "return"), {"version": 1, "reason": "Thiếu văn bản minh chứng"})
    client = login(cast.commune_reporter)
    page = client.get(change_url(entry)).content.decode()
    assert "Ý kiến người duyệt" in page and "Thiếu văn bản minh chứng" in page
    assert 'name="numerator"' in page  # returned: editable again
    assert 'name="_submit"' in page


def test_approved_entry_is_read_only_in_the_admin(cast, login, ratio_entry):
    entry = ratio_entry("CQS-03c", "11329", S.APPROVED)
    for user in (cast.commune_reporter, cast.reviewer, cast.root):
        client = login(user)
        page = client.get(change_url(entry)).content.decode()
        assert 'name="numerator"' not in page
        response = client.post(change_url(entry), entry_form(entry, numerator="0"))
        assert response.status_code == 403
    assert 'value="Mở lại"' in page  # the superuser, as any reviewer, may reopen
    entry.refresh_from_db()
    assert (entry.numerator, entry.version) == (Decimal(1), 1)
    response = login(cast.root).post(
        reverse("admin:targets_progressentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403


def test_reopen_through_the_admin_records_reason_in_history(cast, login, ratio_entry):
    entry = ratio_entry("CQS-03c", "11329", S.APPROVED)
    client = login(cast.reviewer)
    client.post(workflow_url(entry, "reopen"), {"version": 1, "reason": "Sai kỳ báo cáo"})
    entry.refresh_from_db()
    assert entry.status == S.RETURNED
    latest = entry.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        cast.reviewer,
        "Mở lại: Sai kỳ báo cáo",
    )
    page = client.get(
        reverse("admin:targets_progressentry_history", args=[entry.pk])
    ).content.decode()
    assert "Sai kỳ báo cáo" in page


def test_bulk_approve_from_the_changelist_touches_only_the_scope(cast, login, ratio_entry):
    inside = ratio_entry("CQS-03c", "11329", S.SUBMITTED)
    outside = ratio_entry("CQS-03c", "11296", S.SUBMITTED)  # Quán Toan, district 303
    client = login(cast.reviewer)
    response = client.post(
        reverse("admin:targets_progressentry_changelist"),
        {"action": "approve_selected", "_selected_action": [inside.pk, outside.pk]},
        follow=True,
    )
    assert "Đã duyệt 1 số liệu" in response.content.decode()
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert (inside.status, inside.approved_by) == (S.APPROVED, cast.reviewer)
    assert outside.status == S.SUBMITTED
    # Reporters do not get the action at all.
    client = login(cast.commune_reporter)
    response = client.get(reverse("admin:targets_progressentry_changelist"))
    assert "approve_selected" not in response.content.decode()


def test_second_save_of_the_same_version_is_refused_and_keeps_the_input(
    cast, ratio_entry, client, django_user_model
):
    from django.test import Client

    entry = ratio_entry("CQS-03c", "11329")
    first, second = Client(), Client()
    first.force_login(cast.commune_reporter)
    second.force_login(cast.reporter)  # the district reporter covers the commune
    form_first = entry_form(entry, numerator="2", denominator="2")
    form_second = entry_form(entry, numerator="1", denominator="7", note="Ghi chú của huyện")
    assert first.post(change_url(entry), form_first).status_code == 302
    response = second.post(change_url(entry), form_second)
    assert response.status_code == 200
    page = response.content.decode()
    assert "vừa được Commune Reporter lưu" in page
    assert 'value="7"' in page and "Ghi chú của huyện" in page  # the input is shown back
    entry.refresh_from_db()
    assert (entry.numerator, entry.denominator, entry.version) == (Decimal(2), Decimal(2), 2)
    # The form now carries version 2: saving again is a deliberate overwrite.
    assert response.context["adminform"].form.data["seen_version"] == "2"
    assert second.post(change_url(entry), {**form_second, "seen_version": "2"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.denominator, entry.updated_by, entry.version) == (Decimal(7), cast.reporter, 3)


def test_viewer_has_no_admin(cast, login):
    client = login(cast.city_viewer)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_plan_administrator_manages_reference_data_not_entries(cast, login, ratio_entry):
    entry = ratio_entry("CQS-03c", "11329", S.SUBMITTED)
    client = login(cast.plan_admin)
    for name in ("plan", "target", "administrativeunit", "membership"):
        assert client.get(reverse(f"admin:targets_{name}_add")).status_code == 200
    assert client.get(change_url(entry)).status_code == 200
    assert client.get(reverse("admin:targets_progressentry_add")).status_code == 403
    response = client.post(workflow_url(entry, "approve"), {"version": 1})
    assert response.status_code == 403
