"""The admin: every screen answers, entries are stored with who recorded them, and the
entry list costs a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from targets.domain.models import (
    AdministrativeUnit,
    Membership,
    Pillar,
    Plan,
    ProgressEntry,
    Target,
)

pytestmark = pytest.mark.django_db

MODELS = [Plan, Pillar, AdministrativeUnit, Target, ProgressEntry, Membership]


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def one_of_each(target, unit, make_entry, make_user):
    entry = make_entry(target("CQS-03c"), unit("11329"), numerator=3, denominator=10)
    membership = Membership.objects.create(
        user=make_user("member"), unit=unit("11329"), role=Membership.Role.REPORTER
    )
    return {
        Plan: Plan.objects.get(code="kh74-2022"),
        Pillar: Pillar.objects.get(code="government"),
        AdministrativeUnit: unit("11329"),
        Target: target("CQS-03c"),
        ProgressEntry: entry,
        Membership: membership,
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_add_and_change_pages_answer(model, staff_client, one_of_each):
    opts = model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    obj = one_of_each[model]
    for url in (
        reverse(f"{prefix}_changelist"),
        reverse(f"{prefix}_add"),
        reverse(f"{prefix}_change", args=[obj.pk]),
        reverse(f"{prefix}_history", args=[obj.pk]),
    ):
        assert staff_client.get(url).status_code == 200, url


def test_target_page_shows_its_entries_inline(staff_client, one_of_each):
    target = one_of_each[Target]
    response = staff_client.get(reverse("admin:targets_target_change", args=[target.pk]))
    assert "Máy Chai" in response.content.decode()
    assert "Hồ sơ công việc cấp xã" in response.content.decode()


def test_valid_entry_is_stored_with_who_recorded_it(staff_client, admin_user, target, unit):
    response = staff_client.post(
        reverse("admin:targets_progressentry_add"),
        {
            "target": target("CQS-03c").pk,
            "unit": unit("11329").pk,
            "period_end": "31/12/2022",
            "numerator": "459",
            "denominator": "500",
            "value": "",
            "note": "Số liệu tháng 12",
            "evidence_url": "https://haiphong.gov.vn/bao-cao",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = ProgressEntry.objects.get()
    assert entry.created_by == admin_user
    assert entry.value == Decimal("91.8")
    assert entry.status == ProgressEntry.Status.DRAFT
    assert entry.period_end == datetime.date(2022, 12, 31)
    assert entry.history.count() == 1


def test_decimal_comma_is_accepted(staff_client, target, unit):
    staff_client.post(
        reverse("admin:targets_progressentry_add"),
        {
            "target": target("KTS-01").pk,
            "unit": unit("31").pk,
            "period_end": "31/12/2022",
            "value": "29,48",
        },
    )
    assert ProgressEntry.objects.get().value == Decimal("29.48")


def test_entry_changelist_filters_and_search(staff_client, target, unit, make_entry):
    make_entry(target("CQS-03c"), unit("11329"), numerator=3, denominator=10)
    make_entry(target("CQS-03c"), unit("11296"), numerator=3, denominator=10)
    url = reverse("admin:targets_progressentry_changelist")
    assert "Máy Chai" in staff_client.get(url, {"q": "11329"}).content.decode()
    assert "Quán Toan" not in staff_client.get(url, {"q": "Máy Chai"}).content.decode()
    by_district = staff_client.get(url, {"district": "304"}).content.decode()
    assert "Máy Chai" in by_district and "Quán Toan" not in by_district
    assert (
        staff_client.get(url, {"period": "2022-12-31", "status__exact": "approved"}).status_code
        == 200
    )


def _fill(target, units, admin_user, months):
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            target=target,
            unit=u,
            period_end=datetime.date(2022, m + 1, 1) - datetime.timedelta(days=1),
            numerator=1,
            denominator=2,
            value=50,
            status="approved",
            created_by=admin_user,
        )
        for u in units
        for m in months
    )


def test_entry_changelist_query_count_is_fixed(
    staff_client, admin_user, target, django_assert_num_queries
):
    url = reverse("admin:targets_progressentry_changelist")
    communes = list(AdministrativeUnit.objects.filter(level="commune")[:10])
    _fill(target("CQS-03c"), communes[:1], admin_user, [1])
    # session, user, plans (plan filter, the chosen plan's targets and periods), pillars,
    # target and district filter choices, capped count, page of entries with target,
    # plan, unit and user
    with django_assert_num_queries(8) as small:
        staff_client.get(url)
    _fill(target("CQS-03c"), communes[1:], admin_user, range(1, 12))
    with django_assert_num_queries(len(small.captured_queries)):
        staff_client.get(url)
