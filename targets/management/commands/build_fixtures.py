"""Regenerate ``fixtures/*.json`` from the sources in ``fixtures/source/``.

The JSON uses natural keys and no primary keys, so ``loaddata`` updates rows that
exist instead of duplicating them: seeding twice leaves one copy of everything.
"""

import csv
import json
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

SOURCE = Path(settings.BASE_DIR) / "fixtures" / "source"
OUTPUT = Path(settings.BASE_DIR) / "fixtures"

CITY_CODE = "31"
KINDS = {
    "thành phố trực thuộc trung ương": "city",
    "quận": "quan",
    "huyện": "huyen",
    "phường": "phuong",
    "xã": "xa",
    "thị trấn": "thi_tran",
}


def unaccented(name: str) -> str:
    """Vietnamese name without diacritics, the usual English spelling (Hồng Bàng -> Hong Bang)."""
    name = name.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", name)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def read_csv(name: str) -> list[dict]:
    with open(SOURCE / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def unit_records() -> list[dict]:
    records = []
    for row in read_csv("admin-units-2022.csv"):
        parent = row["parent_code"].strip()
        records.append(
            {
                "model": "targets.administrativeunit",
                "fields": {
                    "code": row["code"].strip(),
                    "name": row["name"].strip(),
                    "name_en": unaccented(row["name"].strip()),
                    "level": row["level"].strip(),
                    "kind": KINDS[row["unit_type"].strip()],
                    "parent": [parent] if parent else None,
                    "valid_from": None,
                    "valid_to": None,
                },
            }
        )
    city_first = sorted(
        records, key=lambda r: ("city", "district", "commune").index(r["fields"]["level"])
    )
    agencies = [
        {
            "model": "targets.administrativeunit",
            "fields": {
                "code": row["code"].strip(),
                "name": row["name"].strip(),
                "name_en": row["name_en"].strip(),
                "level": "city",
                "kind": "agency",
                "parent": [CITY_CODE],
                "valid_from": None,
                "valid_to": None,
            },
        }
        for row in read_csv("city-agencies-2022.csv")
    ]
    return city_first[:1] + agencies + city_first[1:]


def plan_records() -> list[dict]:
    records = [
        {"model": "targets.pillar", "fields": {**row, "order": int(row["order"])}}
        for row in read_csv("pillars.csv")
    ]
    records += [
        {"model": "targets.plan", "fields": {**row, "year": int(row["year"])}}
        for row in read_csv("plans.csv")
    ]
    for row in read_csv("targets.csv"):
        fields = dict(row)
        plan = fields.pop("plan")
        fields.update(
            plan=[plan],
            pillar=[fields["pillar"]],
            order=int(fields["order"]),
            responsible_unit=[fields["responsible_unit"]] if fields["responsible_unit"] else None,
            baseline_value=None,
            baseline_date=None,
        )
        records.append({"model": "targets.target", "fields": fields})
    return records


class Command(BaseCommand):
    help = "Regenerate fixtures/units.json and fixtures/plans.json from fixtures/source/."

    def handle(self, *args, **options):
        for name, records in (("units.json", unit_records()), ("plans.json", plan_records())):
            path = OUTPUT / name
            path.write_text(
                json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            self.stdout.write(f"{path}: {len(records)} records")
