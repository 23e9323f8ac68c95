"""The tree of units of any date, read once: which units exist on a day, which are below
a unit, which report a target there, and the grouping a roll-up sums over.

A unit row exists for a time (``valid_from`` – ``valid_to``) and keeps its parent all its
life (a parent is valid over its child's whole life), so the tree of a day is the units
valid that day with their parents. :class:`Units` reads every unit once (a few hundred
rows, one query) and answers for any day in Python; the roll-up
(``targets.domain.rollup``) gets from it the units to sum and the group of each.
"""

import datetime
from collections import defaultdict
from functools import cached_property

from targets.domain.models import AdministrativeUnit
from targets.domain.models.units import level_reports


class Units:
    """Every unit of every date. ``units[pk]`` is the unit; the methods take a day."""

    def __init__(self, units):
        self.by_pk: dict[int, AdministrativeUnit] = {unit.pk: unit for unit in units}
        self._memo: dict[tuple, list] = {}  # (method, arguments) -> units: a page asks often
        for unit in self.by_pk.values():
            # Parents come from this same read: no query when a page climbs the tree.
            if unit.parent_id is not None and unit.parent_id in self.by_pk:
                unit.parent = self.by_pk[unit.parent_id]

    @classmethod
    def load(cls) -> "Units":
        """Every unit (one query)."""
        return cls(AdministrativeUnit.objects.order_by("code", "valid_from"))

    def __getitem__(self, pk: int) -> AdministrativeUnit:
        return self.by_pk[pk]

    def get(self, pk):
        return self.by_pk.get(pk)

    @cached_property
    def _children(self) -> dict[int | None, list[AdministrativeUnit]]:
        children = defaultdict(list)
        for unit in self.by_pk.values():
            children[unit.parent_id].append(unit)
        return children

    def children(self, unit, day: datetime.date) -> list[AdministrativeUnit]:
        """The units directly below ``unit`` (a unit or None for the roots) valid on
        ``day``, by code."""
        pk = getattr(unit, "pk", unit)
        return sorted(
            (child for child in self._children.get(pk, []) if child.is_active_on(day)),
            key=lambda child: child.code,
        )

    def below(self, root, day: datetime.date) -> list[AdministrativeUnit]:
        """``root`` (a unit, or None for every root) and every unit below it, valid on
        ``day``: the units of a scope on that day."""
        key = ("below", getattr(root, "pk", None), day)
        if key in self._memo:
            return self._memo[key]
        found = []
        pending = [root] if root is not None else self.children(None, day)
        while pending:
            unit = pending.pop()
            if unit.is_active_on(day):
                found.append(unit)
                pending.extend(self.children(unit, day))
        self._memo[key] = sorted(found, key=lambda unit: unit.code)
        return self._memo[key]

    def at_level(self, reporting_units: str, day: datetime.date, root=None):
        """The units of :meth:`below` ``root`` that report targets at ``reporting_units``
        on ``day``."""
        key = ("at_level", reporting_units, getattr(root, "pk", None), day)
        if key not in self._memo:
            self._memo[key] = [
                unit
                for unit in self.below(root, day)
                if level_reports(reporting_units, unit.level, unit.kind)
            ]
        return self._memo[key]

    def branch(self, unit, root) -> AdministrativeUnit | None:
        """The unit directly below ``root`` on the way to ``unit`` (``unit`` itself when
        it is directly below ``root``); None for ``root`` itself or a unit not below it."""
        root_pk = getattr(root, "pk", root)
        while unit is not None:
            if unit.parent_id == root_pk:
                return unit
            unit = self.by_pk.get(unit.parent_id)
        return None

    def contains(self, root, unit) -> bool:
        """Whether ``unit`` is ``root`` or below it (any date: a parent outlives its
        children)."""
        if root is None:
            return True
        while unit is not None:
            if unit.pk == root.pk:
                return True
            unit = self.by_pk.get(unit.parent_id)
        return False

    def city(self) -> AdministrativeUnit | None:
        """The city (the unit of kind "city")."""
        return next(
            (u for u in self.by_pk.values() if u.kind == AdministrativeUnit.Kind.CITY), None
        )

    def level_end(self, reporting_units: str) -> datetime.date | None:
        """The last day on which some unit of the city reports at ``reporting_units``
        (None: such units exist to this day). After 30/06/2025 no district exists: a
        district target is judged on the last period districts existed."""
        city = self.city()
        ends = [
            unit.valid_to
            for unit in self.by_pk.values()
            if level_reports(reporting_units, unit.level, unit.kind) and self.contains(city, unit)
        ]
        if not ends or any(end is None for end in ends):
            return None
        return max(ends)
