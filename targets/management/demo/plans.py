"""The plans generated data fills: the 2022 demo, and the city-scale layout."""

import datetime
from collections.abc import Iterator
from decimal import Decimal

from targets.domain.models import AdministrativeUnit, Pillar, Plan, ProgressEntry, Target
from targets.management.demo.figures import PLAN_2022, PLAN_2025, TWO_PLACES
from targets.management.demo.schedule import (
    Series,
    count_entries,
    cut_in_time,
    plan_series,
    stopping_units,
    target_series,
    units_by_reporting_level,
)

# --- Plans for generate_demo_data -----------------------------------------------------

YEARLY_COPIES = (2023, 2024)
DEMO_REFERENCE = "Dữ liệu minh họa, không phải văn bản ban hành"


def yearly_copy_code(year: int) -> str:
    return f"kh-{year}-demo"


def ensure_yearly_copy(year: int) -> Plan:
    """A demo plan for ``year``: the 2022 targets with deadlines at the end of ``year`` and
    target values moved a third of the way per year towards the 2025 targets."""
    source = Plan.objects.get(code=PLAN_2022)
    plan, _ = Plan.objects.get_or_create(
        code=yearly_copy_code(year),
        defaults={
            "name": f"Kế hoạch Chuyển đổi số thành phố Hải Phòng năm {year} (dữ liệu minh họa)",
            "name_en": f"Hai Phong City Digital Transformation Plan {year} (demo data)",
            "year": year,
            "start_date": datetime.date(year, 1, 1),
            "end_date": datetime.date(year, 12, 31),
            "issued_by": source.issued_by,
            "reference": DEMO_REFERENCE,
            "description": f"Bản sao các chỉ tiêu năm 2022 cho năm {year}, do lệnh "
            "generate_demo_data tạo để thử nghiệm; không phải kế hoạch thật.",
        },
    )
    finals = {t.code: t.target_value for t in Target.objects.filter(plan__code=PLAN_2025)}
    for t in Target.objects.filter(plan=source):
        value = t.target_value
        if t.code in finals:
            value = value + (finals[t.code] - value) * Decimal(year - 2022) / Decimal(3)
            value = value.quantize(Decimal(1) if t.measure == t.Measure.RANK else TWO_PLACES)
        fields = {
            f.name: getattr(t, f.name)
            for f in Target._meta.concrete_fields
            if f.name not in ("id", "plan", "code", "target_value", "deadline")
        }
        Target.objects.get_or_create(
            plan=plan,
            code=t.code,
            defaults={**fields, "target_value": value, "deadline": plan.end_date},
        )
    return plan


SERVICES_PLAN = "dvc-demo-2025"

# Fields of administrative procedures (lĩnh vực): (code, Vietnamese, English).
SECTORS = [
    ("HT", "Hộ tịch", "civil status"),
    ("CT", "Chứng thực", "certification"),
    ("DD", "Đất đai", "land"),
    ("XD", "Xây dựng", "construction"),
    ("LD", "Lao động, người có công và xã hội", "labour, veterans and social affairs"),
    ("KD", "Đăng ký kinh doanh", "business registration"),
    ("GD", "Giáo dục và đào tạo", "education and training"),
    ("YT", "Y tế", "health"),
    ("VH", "Văn hóa, thể thao và du lịch", "culture, sport and tourism"),
    ("NN", "Nông nghiệp và phát triển nông thôn", "agriculture and rural development"),
    ("MT", "Tài nguyên và môi trường", "natural resources and environment"),
    ("GT", "Giao thông vận tải", "transport"),
    ("CN", "Công thương", "industry and trade"),
    ("NV", "Nội vụ, thi đua khen thưởng", "home affairs and awards"),
    ("TC", "Tài chính", "finance"),
    ("TP", "Tư pháp, phổ biến pháp luật", "justice"),
]

# What is measured for each field: (code, name, numerator, denominator, target %).
SERVICE_MEASURES = [
    ("TT", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "Hồ sơ tiếp nhận trực tuyến", 50),
    ("TTT", "Tỷ lệ hồ sơ trực tuyến toàn trình", "Hồ sơ trực tuyến toàn trình", 40),
    ("DH", "Tỷ lệ hồ sơ giải quyết đúng hạn", "Hồ sơ giải quyết đúng hạn", 95),
    ("SH", "Tỷ lệ hồ sơ được số hóa kết quả giải quyết", "Hồ sơ được số hóa kết quả", 60),
    ("TTTT", "Tỷ lệ hồ sơ thanh toán trực tuyến", "Hồ sơ thanh toán trực tuyến", 30),
    ("KQ", "Tỷ lệ kết quả trả qua mạng", "Kết quả trả qua mạng", 35),
]

LEVELS = [
    ("H", Target.ReportingUnits.DISTRICTS, "cấp huyện", "district level"),
    ("X", Target.ReportingUnits.COMMUNES, "cấp xã", "commune level"),
]


def services_plan() -> Plan:
    source = Plan.objects.get(code=PLAN_2025)
    plan, _ = Plan.objects.get_or_create(
        code=SERVICES_PLAN,
        defaults={
            "name": "Bộ chỉ số dịch vụ công trực tuyến theo lĩnh vực, cấp huyện và cấp xã, "
            "2022–2025 (dữ liệu minh họa)",
            "name_en": "Online public services by field, district and commune level, "
            "2022–2025 (demo data)",
            "year": 2025,
            "start_date": source.start_date,
            "end_date": source.end_date,
            "issued_by": source.issued_by,
            "reference": DEMO_REFERENCE,
            "description": "Chỉ tiêu hằng tháng của từng quận, huyện và xã, phường, thị trấn "
            "theo lĩnh vực thủ tục hành chính, do lệnh generate_demo_data tạo để thử "
            "nghiệm ở quy mô thành phố; không phải kế hoạch thật.",
        },
    )
    return plan


def service_targets() -> Iterator[dict]:
    """The fields of every target the services plan can hold, in order."""
    order = 0
    for sector, sector_vi, sector_en in SECTORS:
        for measure, name, numerator_label, goal in SERVICE_MEASURES:
            for level, reporting_units, level_vi, level_en in LEVELS:
                order += 1
                yield {
                    "code": f"{measure}-{sector}-{level}",
                    "name": f"{name}, lĩnh vực {sector_vi.lower()}, {level_vi}",
                    "name_en": f"{name} — {sector_en}, {level_en} (demo)",
                    "source_text": "Chỉ tiêu minh họa do lệnh generate_demo_data tạo; "
                    "không trích từ văn bản kế hoạch.",
                    "measure": Target.Measure.RATIO,
                    "comparator": Target.Comparator.GTE,
                    "target_value": Decimal(goal),
                    "frequency": Target.Frequency.MONTHLY,
                    "reporting_units": reporting_units,
                    "numerator_label": numerator_label,
                    "denominator_label": "Tổng số hồ sơ",
                    "order": order,
                }


def ensure_service_target(plan: Plan, fields: dict) -> Target:
    pillar = Pillar.objects.get(code=Pillar.Code.GOVERNMENT)
    responsible = AdministrativeUnit.objects.filter(code="STTTT").first()
    defaults = {
        **{k: v for k, v in fields.items() if k != "code"},
        "pillar": pillar,
        "deadline": plan.end_date,
        "responsible_unit": responsible,
    }
    target, _ = Target.objects.get_or_create(plan=plan, code=fields["code"], defaults=defaults)
    return target


# --- What each command generates ------------------------------------------------------

DEMO_SEED = 2022


def demo_2022_series(seed=DEMO_SEED) -> list[Series]:
    """Every series of the 2022 plan: the demo data of ``make run``."""
    return plan_series(Plan.objects.get(code=PLAN_2022), units_by_reporting_level(), seed)


class CapacityError(ValueError):
    pass


def city_scale_series(limit: int, seed) -> list[tuple[Plan, list[Series]]]:
    """(plan, series) holding ``limit`` entries in all, plans filled in this order: the
    2022 plan, the 2022–2025 plan, copies of the 2022 plan for 2023 and 2024, then the
    services plan (monthly figures of every district and commune by field of procedure),
    given as many targets as needed. The last plan filled is cut in time (see
    :func:`cut_in_time`). Creates the demo plans it uses and removes the unused ones."""
    levels = units_by_reporting_level()
    remaining = limit
    result = []
    codes = [PLAN_2022, PLAN_2025, *map(yearly_copy_code, YEARLY_COPIES), SERVICES_PLAN]
    for code in codes:
        if remaining <= 0:
            break
        if code in (PLAN_2022, PLAN_2025):
            series = plan_series(Plan.objects.get(code=code), levels, seed)
        elif code == SERVICES_PLAN:
            series = _services_series(levels, seed, remaining)
        else:
            year = int(code.split("-")[1])
            series = plan_series(ensure_yearly_copy(year), levels, seed)
        series = cut_in_time(series, remaining)
        remaining -= count_entries(series)
        result.append((series[0].target.plan, series))
    if remaining > 0:
        raise CapacityError(f"the demo plans hold at most {limit - remaining} entries")
    _remove_unused_demo_plans(keep={plan.code for plan, _ in result})
    return result


def _services_series(levels, seed, wanted: int) -> list[Series]:
    plan = services_plan()
    stops = stopping_units(plan, levels[Target.ReportingUnits.COMMUNES], seed)
    series, used, count = [], [], 0
    for fields in service_targets():
        if count >= wanted:
            break
        # Unsaved until we know it is needed: a refused run creates nothing.
        target = Target(plan=plan, deadline=plan.end_date, **fields)
        used.append(fields)
        added = target_series(target, levels[target.reporting_units], stops, seed)
        series += added
        count += count_entries(added)
    if count < wanted:
        return series
    saved = {fields["code"]: ensure_service_target(plan, fields) for fields in used}
    plan.targets.exclude(code__in=saved).filter(entries__isnull=True).delete()
    for s in series:
        s.target = saved[s.target.code]
    return series


def _remove_unused_demo_plans(keep: set[str]) -> None:
    demo_codes = {*map(yearly_copy_code, YEARLY_COPIES), SERVICES_PLAN} - keep
    for plan in Plan.objects.filter(code__in=demo_codes):
        if not ProgressEntry.objects.filter(target__plan=plan).exists():
            plan.targets.all().delete()
            plan.delete()
