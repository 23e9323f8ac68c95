"""Saving an entry in one pass: admin form → ``services.entry_save`` → database.

Validation, the scope, status and version checks run once; one write, one history row.
"""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from targets.domain import services
from targets.domain.models import ProgressEntry
from tests.test_admin_workflow import change_url, entry_form

pytestmark = pytest.mark.django_db

S = ProgressEntry.Status
ADD = "admin:targets_progressentry_add"
VERSION_MESSAGE = "Biểu mẫu thiếu hoặc sai phiên bản của số liệu"


def new_entry_form(target, unit):
    return entry_form(
        target=target("CQS-03c").pk, unit=unit("11329").pk, numerator="3", denominator="10"
    )


def test_save_and_submit_of_a_new_entry_takes_16_queries_and_one_history_row(
    cast, client, target, unit, django_assert_num_queries
):
    client.force_login(cast.commune_reporter)
    data = {**new_entry_form(target, unit), "_submit": "1"}
    ContentType.objects.clear_cache()  # the count must not depend on the tests run before
    # session, user, SAVEPOINT (the admin's atomic), user and group permissions, the
    # plan-administrator group, the target and the unit chosen (each from the user's
    # reportable ones, the unit with its parent), SAVEPOINT (entry_save), the user's
    # memberships (scope), INSERT entry, INSERT history, RELEASE, the admin log's
    # content type, INSERT admin log, RELEASE. Was 76 with three full_clean() and two
    # history rows.
    with django_assert_num_queries(16):
        response = client.post(reverse(ADD), data)
    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert (entry.status, entry.value, entry.version) == (S.SUBMITTED, Decimal(30), 1)
    assert entry.submitted_at is not None
    history = list(entry.history.values_list("status", "history_change_reason"))
    assert history == [(S.SUBMITTED, "Tạo mới và gửi duyệt")]


def test_save_and_submit_of_an_edit_writes_one_history_row(cast, client, make_entry, target, unit):
    entry = make_entry(
        target("CQS-03c"), unit("11329"), numerator=1, denominator=2, status=S.RETURNED
    )
    client.force_login(cast.commune_reporter)
    before = entry.history.count()
    response = client.post(change_url(entry), {**entry_form(entry, numerator="2"), "_submit": "1"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.numerator, entry.version) == (S.SUBMITTED, Decimal(2), 2)
    assert entry.history.count() == before + 1
    assert entry.history.first().history_change_reason == "Sửa số liệu và gửi duyệt"


@pytest.mark.parametrize("version", ["", "abc", "0", "-1", "1.5"])
def test_missing_or_junk_version_field_is_refused_with_a_visible_message(
    cast, client, make_entry, target, unit, version
):
    entry = make_entry(target("CQS-03c"), unit("11329"), numerator=1, denominator=2, status=S.DRAFT)
    client.force_login(cast.commune_reporter)
    data = entry_form(entry, numerator="2", seen_version=version)
    response = client.post(change_url(entry), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert VERSION_MESSAGE in page
    assert "Hãy sửa các lỗi dưới đây." in page  # the admin's error note, in Vietnamese too
    entry.refresh_from_db()
    assert (entry.numerator, entry.version) == (Decimal(1), 1)


def test_missing_version_field_is_refused_in_english_too(cast, client, make_entry, target, unit):
    entry = make_entry(target("CQS-03c"), unit("11329"), numerator=1, denominator=2, status=S.DRAFT)
    client.force_login(cast.commune_reporter)
    client.cookies["django_language"] = "en"
    data = entry_form(entry, numerator="2")
    del data["seen_version"]
    page = client.post(change_url(entry), data).content.decode()
    assert "The form is missing the entry" in page


def test_service_error_shows_at_its_field_and_keeps_the_input(cast, client, target, unit):
    client.force_login(cast.commune_reporter)
    data = {**new_entry_form(target, unit), "numerator": "12", "note": "Ghi chú giữ lại"}
    response = client.post(reverse(ADD), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "Tử số (12) không được lớn hơn mẫu số (10)." in form.errors["numerator"][0]
    assert "Ghi chú giữ lại" in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_entry_save_refuses_a_unit_outside_the_scope_as_not_in_scope(cast, target, unit):
    entry = ProgressEntry(
        target=target("CQS-03c"), unit=unit("11332"), period_end="2022-11-30", numerator=1
    )
    with pytest.raises(services.NotInScope):
        services.entry_save(entry=entry, user=cast.commune_reporter)
    assert not ProgressEntry.objects.exists()
