"""Every validation rule of a progress entry rejects its bad input, with its Vietnamese
message, and stores nothing — through the model and through the admin form."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from targets.domain.models import ProgressEntry

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)


def build(target, unit, admin_user, **fields):
    fields.setdefault("period_end", DEC)
    return ProgressEntry(target=target, unit=unit, created_by=admin_user, **fields)


# (target code, unit code, fields, field with the error, message fragment)
BAD_INPUT = [
    (
        "CQS-03c",
        "11329",
        {"numerator": 120, "denominator": 100},
        "numerator",
        "Tử số (120) không được lớn hơn mẫu số (100).",
    ),
    (
        "CQS-03c",
        "11329",
        {"numerator": 0, "denominator": 0},
        "denominator",
        "Mẫu số phải lớn hơn 0.",
    ),
    ("KTS-01", "31", {"value": 100.5}, "value", "Tỷ lệ phần trăm phải nằm trong khoảng 0–100."),
    ("CQS-03c", "11329", {"numerator": -1, "denominator": 10}, "numerator", "Tử số không được âm."),
    ("KTS-01", "31", {"value": -3}, "value", "Số liệu không được âm."),
    (
        "CQS-03c",
        "11329",
        {"numerator": 1, "denominator": 2, "period_end": datetime.date(2022, 12, 30)},
        "period_end",
        "không phải ngày cuối của một kỳ báo cáo",
    ),
    (
        "XHS-04",
        "31",
        {"numerator": 1, "denominator": 2, "period_end": datetime.date(2022, 11, 30)},
        "period_end",
        "không phải ngày cuối của một kỳ báo cáo hằng quý",
    ),
    (
        "CQS-03c",
        "11329",
        {"numerator": 1, "denominator": 2, "period_end": datetime.date(2023, 1, 31)},
        "period_end",
        "Kỳ báo cáo phải nằm trong thời gian của kế hoạch (01/01/2022 – 31/12/2022).",
    ),
    ("CQS-03c", "304", {"numerator": 1, "denominator": 2}, "unit", "không thuộc cấp đó"),
    ("CQS-03b", "11329", {"numerator": 1, "denominator": 2}, "unit", "không thuộc cấp đó"),
    ("CQS-05", "31", {"value": 2}, "value", "Mốc hoàn thành chỉ nhận 1 (đạt) hoặc 0 (chưa đạt)."),
    ("DTI-01", "31", {"value": 0}, "value", "Thứ hạng phải từ 1 trở lên."),
    ("DTI-01", "31", {"value": 14.5}, "value", "Thứ hạng phải là số nguyên."),
    ("CQS-03c", "11329", {"value": 30}, "numerator", "Chỉ tiêu tỷ lệ cần nhập tử số."),
    ("KTS-01", "31", {}, "value", "Cần nhập giá trị."),
]


@pytest.mark.parametrize(("code", "unit_code", "fields", "field", "message"), BAD_INPUT)
def test_model_rejects_bad_input_with_its_message(
    code, unit_code, fields, field, message, target, unit, admin_user
):
    entry = build(target(code), unit(unit_code), admin_user, **fields)
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert any(message in text for text in caught.value.message_dict[field]), caught.value
    assert not ProgressEntry.objects.exists()


def test_ratio_value_is_derived_from_numerator_and_denominator(target, unit, admin_user):
    entry = build(target("CQS-03c"), unit("11329"), admin_user, numerator=459, denominator=500)
    entry.full_clean()
    assert str(entry.value) == "91.8000"


def test_growth_may_be_negative(target, unit, admin_user):
    build(target("KTS-03"), unit("31"), admin_user, value=-2.5).full_clean()


def test_second_entry_for_the_same_period_is_refused(target, unit, admin_user, make_entry):
    make_entry(target("CQS-03c"), unit("11329"), numerator=1, denominator=2)
    entry = build(target("CQS-03c"), unit("11329"), admin_user, numerator=1, denominator=3)
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert "Đơn vị này đã có số liệu của chỉ tiêu này cho kỳ báo cáo này." in str(caught.value)
    assert ProgressEntry.objects.count() == 1


def test_database_refuses_numerator_above_denominator_without_the_form(target, unit, admin_user):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressEntry.objects.create(
            target=target("CQS-03c"),
            unit=unit("11329"),
            period_end=DEC,
            numerator=5,
            denominator=4,
            value=125,
            created_by=admin_user,
        )
    assert not ProgressEntry.objects.exists()


ADMIN_BAD_POSTS = [
    (
        "CQS-03c",
        "11329",
        {"numerator": "120", "denominator": "100"},
        "Tử số (120) không được lớn hơn mẫu số (100).",
    ),
    ("CQS-03c", "11329", {"numerator": "0", "denominator": "0"}, "Mẫu số phải lớn hơn 0."),
    ("KTS-01", "31", {"value": "100,5"}, "Tỷ lệ phần trăm phải nằm trong khoảng 0–100."),
    ("KTS-01", "31", {"value": "-1"}, "Số liệu không được âm."),
    ("CQS-03c", "11329", {"numerator": "abc", "denominator": "10"}, "“abc” không phải là một số."),
    (
        "CQS-03c",
        "11329",
        {"numerator": "1", "denominator": "2", "period_end": "30/12/2022"},
        "không phải ngày cuối của một kỳ báo cáo",
    ),
    (
        "CQS-03c",
        "11329",
        {"numerator": "1", "denominator": "2", "period_end": "31/01/2023"},
        "Kỳ báo cáo phải nằm trong thời gian của kế hoạch",
    ),
    ("CQS-03c", "304", {"numerator": "1", "denominator": "2"}, "không thuộc cấp đó"),
]


def admin_post(client, target, unit, fields):
    data = {
        "target": target.pk,
        "unit": unit.pk,
        "period_end": "31/12/2022",
        "numerator": "",
        "denominator": "",
        "value": "",
        "note": "",
        "evidence_url": "",
    }
    data.update(fields)
    return client.post(reverse("admin:targets_progressentry_add"), data)


@pytest.mark.parametrize(("code", "unit_code", "fields", "message"), ADMIN_BAD_POSTS)
def test_admin_form_shows_the_message_and_stores_nothing(
    code, unit_code, fields, message, client, admin_user, target, unit
):
    client.force_login(admin_user)
    response = admin_post(client, target(code), unit(unit_code), fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_admin_form_refuses_a_second_entry_for_the_same_period(
    client, admin_user, target, unit, make_entry
):
    make_entry(target("CQS-03c"), unit("11329"), numerator=1, denominator=2)
    client.force_login(admin_user)
    response = admin_post(
        client, target("CQS-03c"), unit("11329"), {"numerator": "1", "denominator": "3"}
    )
    assert (
        "Đơn vị này đã có số liệu của chỉ tiêu này cho kỳ báo cáo này." in response.content.decode()
    )
    assert ProgressEntry.objects.count() == 1
