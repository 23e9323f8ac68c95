"""The seed fixtures hold the figures of the plan document and the real 2022 unit tree.

Expected values are copied by hand from the reference notes (plan-2022-targets.md and the
GSO unit list), not read from the fixture sources, so a wrong source makes these fail.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from targets.domain.models import AdministrativeUnit, Pillar, Plan, Target

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# code: (pillar, measure, comparator, value, reporting units, wording fragment)
PLAN_2022 = {
    "CQS-01": ("government", "ratio", "gte", "100", "city", "dịch vụ công trực tuyến mức độ 4"),
    "CQS-02": ("government", "ratio", "gte", "100", "city", "định danh và xác thực thông suốt"),
    "CQS-03a": (
        "government",
        "ratio",
        "gte",
        "60",
        "agencies",
        "60% hồ sơ công việc tại các cơ quan thành phố",
    ),
    "CQS-03b": (
        "government",
        "ratio",
        "gte",
        "50",
        "districts",
        "50% hồ sơ công việc tại cấp huyện",
    ),
    "CQS-03c": ("government", "ratio", "gte", "30", "communes", "30% hồ sơ công việc tại cấp xã"),
    "CQS-04": ("government", "ratio", "gte", "70", "city", "hệ thống thông tin báo cáo quốc gia"),
    "CQS-05": ("government", "milestone", "eq", "1", "city", "ứng dụng trí tuệ nhân tạo"),
    "KTS-01": ("economy", "percent", "gte", "10", "city", "Kinh tế số chiếm 10% GRDP"),
    "KTS-02": ("economy", "percent", "gte", "9", "city", "đạt tối thiểu 9%"),
    "KTS-03": ("economy", "growth", "gte", "15", "city", "tăng tối thiểu 15%"),
    "XHS-01": ("society", "ratio", "gte", "80", "city", "cáp quang phủ 80% hộ gia đình"),
    "XHS-02": ("society", "milestone", "eq", "1", "city", "triển khai dịch vụ 5G"),
    "XHS-03": ("society", "milestone", "eq", "1", "city", "phổ cập điện thoại di động thông minh"),
    "XHS-04": ("society", "ratio", "gt", "30", "city", "tài khoản thanh toán điện tử trên 30%"),
    "XHS-05": ("society", "ratio", "gte", "20", "city", "tối thiểu 20% người dân"),
    "DTI-01": ("government", "rank", "lte", "10", "city", "tốp 10"),
}

# 2025 values of the same indicators (NQ 03-NQ/TU, KH 227, KH 86, KH 106).
PLAN_2025 = {
    "CQS-01": "100",
    "CQS-02": "100",
    "CQS-03a": "90",
    "CQS-03b": "80",
    "CQS-03c": "60",
    "CQS-04": "100",
    "KTS-01": "25",
    "KTS-02": "15",
    "KTS-03": "16",
    "DTI-01": "5",
}

# Communes per district in the 2022 GSO list.
COMMUNES_PER_DISTRICT = {
    "303": 9,
    "304": 12,
    "305": 15,
    "306": 8,
    "307": 10,
    "308": 6,
    "309": 6,
    "311": 37,
    "312": 16,
    "313": 17,
    "314": 18,
    "315": 21,
    "316": 30,
    "317": 12,
    "318": 0,
}


def test_plan_2022_identity():
    plan = Plan.objects.get(code="kh74-2022")
    assert plan.reference == "Kế hoạch số 74/KH-UBND ngày 24/3/2022"
    assert plan.issued_by == "Ủy ban nhân dân thành phố Hải Phòng"
    assert (plan.year, str(plan.start_date), str(plan.end_date)) == (
        2022,
        "2022-01-01",
        "2022-12-31",
    )


def test_three_pillars():
    assert list(Pillar.objects.values_list("code", "name")) == [
        ("government", "Phát triển Chính phủ số"),
        ("economy", "Phát triển Kinh tế số"),
        ("society", "Phát triển Xã hội số"),
    ]


@pytest.mark.parametrize("code", sorted(PLAN_2022))
def test_every_2022_target_has_the_plan_figures(code):
    pillar, measure, comparator, value, reporting, wording = PLAN_2022[code]
    target = Target.objects.select_related("pillar", "responsible_unit").get(
        plan__code="kh74-2022", code=code
    )
    assert target.pillar.code == pillar
    assert target.measure == measure
    assert target.comparator == comparator
    assert target.target_value == Decimal(value)
    assert target.reporting_units == reporting
    assert wording in target.source_text
    assert str(target.deadline) == "2022-12-31"
    assert target.responsible_unit.code == "STTTT"
    assert target.legal_basis and target.frequency
    if measure == "ratio":
        assert target.numerator_label and target.denominator_label
    target.full_clean()


def test_2022_plan_has_exactly_the_documented_targets():
    assert set(Target.objects.filter(plan__code="kh74-2022").values_list("code", flat=True)) == set(
        PLAN_2022
    )


def test_2025_plan_is_seeded_with_its_values():
    targets = {t.code: t for t in Target.objects.filter(plan__code="nq03-2025")}
    assert set(targets) == set(PLAN_2025)
    for code, value in PLAN_2025.items():
        assert targets[code].target_value == Decimal(value), code
        assert str(targets[code].deadline) == "2025-12-31"


def test_unit_tree_has_233_administrative_units_and_20_agencies():
    units = AdministrativeUnit.objects
    assert (
        units.filter(kind__in=["city", "quan", "huyen", "phuong", "xa", "thi_tran"]).count() == 233
    )
    assert units.filter(level="district").count() == 15
    assert units.filter(level="commune").count() == 217
    assert units.filter(kind="agency", parent__code="31").count() == 20
    city = units.get(code="31")
    assert (city.name, city.level, city.parent) == ("Hải Phòng", "city", None)


def test_units_have_their_official_codes_and_parents():
    assert AdministrativeUnit.objects.get(code="304").name == "Ngô Quyền"
    assert AdministrativeUnit.objects.get(code="304").kind == "quan"
    assert AdministrativeUnit.objects.get(code="311").kind == "huyen"
    machai = AdministrativeUnit.objects.get(code="11329")
    assert (machai.name, machai.kind, machai.parent.code) == ("Máy Chai", "phuong", "304")
    for district, communes in COMMUNES_PER_DISTRICT.items():
        assert AdministrativeUnit.objects.filter(parent__code=district).count() == communes, (
            district
        )
    assert AdministrativeUnit.objects.get(code="STTTT").name == "Sở Thông tin và Truyền thông"


def test_fixture_files_use_natural_keys_so_loading_twice_keeps_one_copy():
    for name in ("units.json", "plans.json"):
        for record in json.loads((FIXTURES / name).read_text(encoding="utf-8")):
            assert "pk" not in record
    before = (AdministrativeUnit.objects.count(), Target.objects.count(), Plan.objects.count())
    call_command("loaddata", "fixtures/units.json", "fixtures/plans.json", verbosity=0)
    after = (AdministrativeUnit.objects.count(), Target.objects.count(), Plan.objects.count())
    assert before == after == (253, 26, 2)


def test_build_fixtures_regenerates_the_committed_files(tmp_path, monkeypatch):
    from targets.management.commands import build_fixtures

    monkeypatch.setattr(build_fixtures, "OUTPUT", tmp_path)
    call_command("build_fixtures", verbosity=0)
    for name in ("units.json", "plans.json"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (FIXTURES / name).read_text(
            encoding="utf-8"
        ), f"{name} is stale: run python manage.py build_fixtures"
