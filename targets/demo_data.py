"""Generated progress entries for demos and benchmarks: deterministic, realistic, valid.

Two commands use this module. ``seed_demo_entries`` fills the 2022 plan on ``make run``;
``generate_demo_data`` builds city-scale data (several plans, up to about a million
entries) for benchmarks.

How a figure is drawn: each (plan, target, unit) series has its own random stream, seeded
by ``"{seed}:{plan}:{target}:{unit}"``, so one seed gives the same rows whatever else is
in the database and whatever number of entries is asked for (a smaller run is a prefix in
time of a bigger one). A unit starts somewhere below its own final level and climbs
towards it along a curve (early or late starters), with noise; its final level straddles
the target, so some units achieve it and some do not. Recent periods are often still
submitted, draft or returned; older ones are nearly all approved. In every plan about 3%
of the communes stop reporting some time after the middle of the plan, and for each target
reported by many units one unit never reports at all.

Generated entries carry :data:`DEMO_NOTE` in their note and are created (and approved) by
the inactive account :data:`GENERATOR_USERNAME`. They are bulk-inserted, so they have no
history unless the caller writes it (``seed_demo_entries`` does; ``generate_demo_data``
does not), but every one of them passes ``ProgressEntry.full_clean()``: the figures are
built to the model's rules and :func:`validate` runs the model's own checks on them.

The results the city published for 2022 (:data:`PUBLISHED`) replace the generated figure
of their period; they are approved and carry their source instead of the demo mark.
"""

import datetime
import functools
import random
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from targets import periods
from targets.models import AdministrativeUnit, Pillar, Plan, ProgressEntry, Target

DEMO_NOTE = "Số liệu minh họa (demo)"
GENERATOR_USERNAME = "solieu.minhhoa"
RETURN_REASON = "Mẫu số chưa khớp với số liệu trên hệ thống; đề nghị đơn vị kiểm tra lại (demo)."

PLAN_2022 = "kh74-2022"
PLAN_2025 = "nq03-2025"

Status = ProgressEntry.Status
HUNDRED = Decimal(100)
FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")

# Share of communes that stop reporting after the middle of each plan.
STOPPING_SHARE = 0.03

# (approved, submitted, draft) cumulative thresholds by how many periods the entry lies
# before the newest generated period; the remainder is returned.
STATUS_MIX = {
    0: (0.55, 0.80, 0.90),
    1: (0.85, 0.93, 0.96),
    "older": (0.97, 0.98, 0.99),
}


@dataclass(frozen=True)
class Published:
    """A figure the city published: stored as an approved entry with its source."""

    value: Decimal
    note: str
    evidence_url: str = ""


DEC_2022 = datetime.date(2022, 12, 31)

# (plan code, target code, period end): the published figure.
PUBLISHED = {
    (PLAN_2022, "DTI-01", DEC_2022): Published(
        Decimal(14),
        "Kết quả công bố: Hải Phòng xếp hạng 14/63 tỉnh, thành phố về Chỉ số chuyển đổi số "
        "cấp tỉnh (DTI) năm 2022 (mục tiêu: tốp 10).",
        "https://dti.gov.vn/xep-hang-2022",
    ),
    (PLAN_2022, "KTS-01", DEC_2022): Published(
        Decimal("29.48"),
        "Kết quả công bố: kinh tế số chiếm 29,48% GRDP (ước tính sơ bộ trong Báo cáo thường "
        "niên kinh tế số Việt Nam 2022). Lưu ý: nguồn không nêu rõ năm tham chiếu của số "
        "liệu (nhiều khả năng là năm 2022).",
        "https://diendandoanhnghiep.vn/print/10091488.html",
    ),
    (PLAN_2022, "XHS-02", DEC_2022): Published(
        Decimal(0),
        "5G đã triển khai tại khu đô thị trung tâm; chưa có tại khu công nghiệp",
        "https://amp.baodautu.vn/hai-phong-uu-tien-nguon-luc-tao-chuyen-bien-manh-me-ve-"
        "chuyen-doi-so-nam-2023-d182237.html",
    ),
}

# Typical denominator of a city-wide ratio target, by target code.
CITY_DENOMINATORS = {
    "CQS-01": 1_900,  # administrative procedures
    "CQS-02": 450_000,  # users of online public services
    "CQS-04": 120,  # periodic reports
    "XHS-01": 620_000,  # households
    "XHS-04": 2_050_000,  # population
    "XHS-05": 2_100_000,  # people living and working in the city
}

# Monthly denominators (work files, dossiers) of a unit, by level: (low, high).
UNIT_DENOMINATORS = {
    AdministrativeUnit.Level.CITY: (600, 6_000),
    AdministrativeUnit.Level.DISTRICT: (400, 4_000),
    AdministrativeUnit.Level.COMMUNE: (40, 600),
}


# --- The account that owns generated entries ------------------------------------------


def generator_user():
    """The inactive account that creates and approves generated entries (no password)."""
    user, created = get_user_model().objects.get_or_create(
        username=GENERATOR_USERNAME,
        defaults={"first_name": DEMO_NOTE, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# --- Which units report which periods -------------------------------------------------


@dataclass
class Series:
    """The periods one unit reports for one target of a plan, oldest first."""

    target: Target
    unit: AdministrativeUnit
    periods: list[datetime.date]


def units_by_reporting_level() -> dict[str, list[AdministrativeUnit]]:
    """{reporting_units value: its units, by code}, selected by the model's own rule."""
    return {
        level: list(AdministrativeUnit.objects.at_reporting_level(level))
        for level in Target.ReportingUnits.values
    }


def stopping_units(plan: Plan, units, seed) -> dict[int, datetime.date]:
    """{unit id: last day it reports} for the communes of ``units`` that stop reporting:
    about 3% of them, each at a random day in the second half of ``plan``."""
    rng = random.Random(f"{seed}:{plan.code}:stopping")
    communes = sorted(
        (u for u in units if u.level == AdministrativeUnit.Level.COMMUNE), key=lambda u: u.code
    )
    if not communes:
        return {}
    count = max(1, round(STOPPING_SHARE * len(communes)))
    middle = plan.start_date + (plan.end_date - plan.start_date) / 2
    # Stop at least a month before the end, so the last period is always missing.
    room = max((plan.end_date - middle).days - 31, 1)
    return {
        u.pk: middle + datetime.timedelta(days=rng.randrange(room))
        for u in rng.sample(communes, count)
    }


def target_series(
    target: Target, units: list[AdministrativeUnit], stops: dict, seed
) -> list[Series]:
    """The series of every unit expected to report ``target`` (``units``: those at its
    reporting level), less the one unit that never reports it and the stopped periods."""
    plan = target.plan
    silent = None
    if len(units) > 1:
        silent = random.Random(f"{seed}:{plan.code}:{target.code}:silent").choice(units)
    ends = periods.period_ends(target.frequency, plan.start_date, plan.end_date)
    result = []
    for unit in sorted(units, key=lambda u: u.code):
        if unit is silent:
            continue
        stop = stops.get(unit.pk)
        reported = [p for p in ends if unit.is_active_on(p) and (stop is None or p <= stop)]
        if reported:
            result.append(Series(target, unit, reported))
    return result


def plan_series(plan: Plan, levels: dict, seed, targets=None) -> list[Series]:
    """Every series of ``plan`` (or of ``targets`` of it), target by target in order."""
    if targets is None:
        targets = plan.targets.select_related("plan")
    stops = stopping_units(plan, levels[Target.ReportingUnits.COMMUNES], seed)
    result = []
    for target in targets:
        result += target_series(target, levels[target.reporting_units], stops, seed)
    return result


def count_entries(series: Iterable[Series]) -> int:
    return sum(len(s.periods) for s in series)


def cut_in_time(series: list[Series], limit: int) -> list[Series]:
    """Keep the ``limit`` oldest entries of ``series``: every period before a cut-off
    period, and in the cut-off period the first targets (by order) and units (by code),
    as when some units have not yet reported the latest month."""
    if count_entries(series) <= limit:
        return series
    per_period = Counter(p for s in series for p in s.periods)
    kept = 0
    for cutoff in sorted(per_period):
        if kept + per_period[cutoff] >= limit:
            break
        kept += per_period[cutoff]
    in_cutoff = sorted(
        ((position, s.unit.code) for position, s in enumerate(series) if cutoff in s.periods)
    )[: limit - kept]
    keep_cutoff = {position for position, _ in in_cutoff}
    result = []
    for position, s in enumerate(series):
        reported = [p for p in s.periods if p < cutoff or (p == cutoff and position in keep_cutoff)]
        if reported:
            result.append(Series(s.target, s.unit, reported))
    return result


# --- Figures --------------------------------------------------------------------------


def ratio_value(numerator: Decimal, denominator: Decimal) -> Decimal:
    """100 × numerator / denominator to four places, exactly as ``ProgressEntry.clean``."""
    return (HUNDRED * numerator / denominator).quantize(FOUR_PLACES)


class _Curve:
    """One unit's path towards its own final level of one target."""

    def __init__(self, target: Target, unit: AdministrativeUnit, rng: random.Random):
        goal = float(target.target_value)
        measure = target.measure
        self.measure = measure
        # A few early risers, many steady, a few late starters.
        self.shape = rng.uniform(0.6, 2.5)
        if measure == Target.Measure.MILESTONE:
            published = PUBLISHED.get((target.plan.code, target.code, target.deadline))
            # Done when the time share reaches ``done_at``; above 1, never.
            self.done_at = 2.0 if published and not published.value else rng.uniform(0.3, 1.4)
            self.final = self.start = 0.0
        elif measure == Target.Measure.RANK:
            self.final = max(1.0, goal + rng.randint(-3, 8))
            self.start = self.final + rng.randint(3, 20)
        elif measure == Target.Measure.GROWTH:
            self.final = goal * rng.uniform(0.6, 1.3)
            self.start = self.final * rng.uniform(0.5, 1.0)
        else:  # ratio, percent, count
            self.final = max(goal, 1.0) * rng.uniform(0.8, 1.3)
            if measure in (Target.Measure.RATIO, Target.Measure.PERCENT):
                self.final = min(self.final, 100.0)
            self.start = self.final * rng.uniform(0.1, 0.75)
        self.noise = 0.04 * abs(self.final) if measure != Target.Measure.RANK else 1.5
        if measure == Target.Measure.RATIO:
            if unit.level == AdministrativeUnit.Level.CITY and unit.kind == unit.Kind.CITY:
                self.size = CITY_DENOMINATORS.get(target.code, 1_000)
                self.size_spread = 0.02
            else:
                self.size = rng.randint(*UNIT_DENOMINATORS[unit.level])
                self.size_spread = 0.15

    def at(self, share: float, draw: float) -> float:
        """The level at time ``share`` (0–1) of the plan; ``draw`` is a standard normal."""
        if self.measure == Target.Measure.MILESTONE:
            return 1.0 if share >= self.done_at else 0.0
        return self.start + (self.final - self.start) * share**self.shape + self.noise * draw


def figures(curve: _Curve, share: float, draw: float, size_draw: float) -> dict:
    """numerator, denominator and value of one entry, each as the model stores it."""
    level = curve.at(share, draw)
    measure = curve.measure
    if measure == Target.Measure.RATIO:
        denominator = max(1, round(curve.size * (1 + curve.size_spread * size_draw)))
        numerator = min(denominator, max(0, round(denominator * level / 100)))
        numerator, denominator = Decimal(numerator), Decimal(denominator)
        return {
            "numerator": numerator,
            "denominator": denominator,
            "value": ratio_value(numerator, denominator),
        }
    if measure == Target.Measure.PERCENT:
        value = Decimal(str(min(max(level, 0.0), 100.0))).quantize(TWO_PLACES)
    elif measure == Target.Measure.GROWTH:
        value = Decimal(str(level)).quantize(TWO_PLACES)
    elif measure == Target.Measure.RANK:
        value = Decimal(max(1, round(level)))
    elif measure == Target.Measure.MILESTONE:
        value = Decimal(int(level))
    else:  # count
        value = Decimal(max(0, round(level)))
    return {"numerator": None, "denominator": None, "value": value}


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _status(draw: float, recency: int) -> str:
    approved, submitted, draft = STATUS_MIX.get(recency, STATUS_MIX["older"])
    if draw < approved:
        return Status.APPROVED
    if draw < submitted:
        return Status.SUBMITTED
    if draw < draft:
        return Status.DRAFT
    return Status.RETURNED


def _moment(day: datetime.date, days: int, minutes: int) -> datetime.datetime:
    """8:00 local time on ``day``, plus ``days`` and ``minutes``."""
    start = datetime.datetime.combine(day, datetime.time(8, 0), tzinfo=_zone(settings.TIME_ZONE))
    return start + datetime.timedelta(days=days, minutes=minutes)


def series_rows(series: Series, *, seed, user_id: int, horizon: datetime.date) -> Iterator:
    """The entries of one series as dicts of column values (``attname``: value).
    ``horizon`` is the newest period generated for the plan: the nearer an entry is to
    it, the likelier it is still awaiting approval."""
    target, unit = series.target, series.unit
    plan = target.plan
    rng = random.Random(f"{seed}:{plan.code}:{target.code}:{unit.code}")
    curve = _Curve(target, unit, rng)
    span = max((plan.end_date - plan.start_date).days, 1)
    all_ends = periods.period_ends(target.frequency, plan.start_date, plan.end_date)
    position = {day: i for i, day in enumerate(all_ends)}
    newest = position.get(periods.latest_period_end(target.frequency, horizon), len(all_ends))
    is_city = unit.kind == AdministrativeUnit.Kind.CITY
    for day in series.periods:
        # Seven draws per period, always, so that each period's figures do not depend
        # on which other periods are generated.
        draw, size_draw = rng.gauss(0, 1), rng.uniform(-1, 1)
        status_draw = rng.random()
        created_days, submit_days, review_days = (
            rng.randint(3, 12),
            rng.randint(0, 3),
            rng.randint(1, 10),
        )
        minutes = rng.randrange(9 * 60)
        share = min(max((day - plan.start_date).days / span, 0.0), 1.0)
        row = {
            "target_id": target.pk,
            "unit_id": unit.pk,
            "period_end": day,
            **figures(curve, share, draw, size_draw),
            "note": DEMO_NOTE,
            "evidence_url": "",
            "review_note": "",
            "created_by_id": user_id,
            "updated_by_id": user_id,
            "submitted_at": None,
            "approved_by_id": None,
            "approved_at": None,
            "version": 1,
        }
        published = PUBLISHED.get((plan.code, target.code, day)) if is_city else None
        if published is not None:
            row["value"] = published.value
            row["note"] = published.note
            row["evidence_url"] = published.evidence_url
            status = Status.APPROVED
        else:
            status = _status(status_draw, newest - position[day])
        row["status"] = status
        created = _moment(day, created_days, minutes)
        row["created_at"] = row["updated_at"] = created
        if status != Status.DRAFT:
            row["submitted_at"] = created + datetime.timedelta(days=submit_days)
            row["updated_at"] = row["submitted_at"] + datetime.timedelta(days=review_days)
        if status == Status.APPROVED:
            row["approved_by_id"] = user_id
            row["approved_at"] = row["updated_at"]
        elif status == Status.RETURNED:
            row["review_note"] = RETURN_REASON
        yield row


def plan_rows(series: list[Series], *, seed, user_id: int) -> Iterator[tuple[Series, dict]]:
    """(series, row) for every entry of ``series`` (all of one plan), series by series."""
    if not series:
        return
    horizon = max(s.periods[-1] for s in series)
    for s in series:
        for row in series_rows(s, seed=seed, user_id=user_id, horizon=horizon):
            yield s, row


def entry_from_row(series: Series, row: dict) -> ProgressEntry:
    """An unsaved ``ProgressEntry`` from a generated row, its target and unit attached."""
    entry = ProgressEntry(**row)
    entry.target, entry.unit = series.target, series.unit
    return entry


def plan_entries(series: list[Series], *, seed, user) -> Iterator[ProgressEntry]:
    """Every entry of ``series`` (all of one plan), unsaved, series by series."""
    for s, row in plan_rows(series, seed=seed, user_id=user.pk):
        yield entry_from_row(s, row)


def insert_rows(rows: list[dict]) -> None:
    """Insert generated rows: COPY on PostgreSQL (about five times faster than INSERT),
    ``bulk_create`` elsewhere. Either way the database checks every constraint."""
    if connection.vendor != "postgresql":
        ProgressEntry.objects.bulk_create([ProgressEntry(**row) for row in rows])
        return
    fields = [f for f in ProgressEntry._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(ProgressEntry._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row.get(f.attname, defaults[f.attname]) for f in fields])


def analyze_entries() -> None:
    """Refresh the planner's statistics of the entries table after a bulk load (the
    autovacuum daemon would, some minutes later); PostgreSQL only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(ProgressEntry._meta.db_table)}")


# The foreign keys of an entry: set from objects just read, and held by the database.
_FOREIGN_KEYS = ["target", "unit", "created_by", "updated_by", "approved_by"]


def validate(entry: ProgressEntry, *, full: bool = False) -> None:
    """Check ``entry`` against the model's rules and that ``clean()`` leaves its figures as
    generated; raises ``ValidationError`` (or ``AssertionError``).

    By default runs ``clean_fields()`` (but the foreign keys) and ``clean()``: every rule
    the database cannot hold, at one query per entry. The constraints (uniqueness,
    numerator ≤ denominator, …) and the foreign keys are held by the database at insert
    time. ``full=True`` runs ``full_clean()`` itself (about 13 queries per entry)."""
    before = (entry.numerator, entry.denominator, entry.value)
    if full:
        entry.full_clean()
    else:
        entry.clean_fields(exclude=_FOREIGN_KEYS)
        entry.clean()
    if (entry.numerator, entry.denominator, entry.value) != before:
        raise AssertionError(f"clean() changed the figures of {entry}: {before}")


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
    series, used = [], []
    for fields in service_targets():
        if count_entries(series) >= wanted:
            break
        # Unsaved until we know it is needed: a refused run creates nothing.
        target = Target(plan=plan, deadline=plan.end_date, **fields)
        used.append(fields)
        series += target_series(target, levels[target.reporting_units], stops, seed)
    if count_entries(series) < wanted:
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


# --- Removing generated data ----------------------------------------------------------


def delete_generated_entries(user, plan: Plan | None = None) -> int:
    """Delete the entries ``user`` (the generator) created, and their history, in plain
    SQL: a million ORM deletes (with a history row each) would take hours."""
    entries = ProgressEntry.objects.filter(created_by=user)
    history = ProgressEntry.history.filter(created_by=user)
    if plan is not None:
        entries = entries.filter(target__plan=plan)
        history = history.filter(target__plan=plan)
    with transaction.atomic():
        deleted = _raw_delete(entries)
        _raw_delete(history)
    return deleted


def _raw_delete(queryset) -> int:
    meta = queryset.model._meta
    table, pk = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({sql})", params)
        return cursor.rowcount
