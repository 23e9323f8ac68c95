"""The figures, statuses and dates of generated entries, and the published results."""

import datetime
import functools
import random
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from targets.domain import periods
from targets.domain.models import AdministrativeUnit, ProgressEntry, Target
from targets.management.demo.schedule import Series

DEMO_NOTE = "Số liệu minh họa (demo)"
RETURN_REASON = "Mẫu số chưa khớp với số liệu trên hệ thống; đề nghị đơn vị kiểm tra lại (demo)."

PLAN_2022 = "kh74-2022"
PLAN_2025 = "nq03-2025"

Status = ProgressEntry.Status
HUNDRED = Decimal(100)
FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")


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
