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

from targets.management.demo.figures import (
    DEMO_NOTE,
    PLAN_2022,
    PLAN_2025,
    PUBLISHED,
    Published,
    entry_from_row,
    plan_entries,
    plan_rows,
    ratio_value,
)
from targets.management.demo.plans import (
    DEMO_SEED,
    SERVICES_PLAN,
    CapacityError,
    city_scale_series,
    demo_2022_series,
    yearly_copy_code,
)
from targets.management.demo.schedule import (
    Series,
    count_entries,
    cut_in_time,
    plan_series,
    stopping_units,
    units_by_reporting_level,
)
from targets.management.demo.store import (
    GENERATOR_USERNAME,
    analyze_entries,
    delete_generated_entries,
    delete_untouched_entries,
    generator_user,
    insert_rows,
    validate,
)

__all__ = [
    "DEMO_NOTE",
    "DEMO_SEED",
    "GENERATOR_USERNAME",
    "PLAN_2022",
    "PLAN_2025",
    "PUBLISHED",
    "SERVICES_PLAN",
    "CapacityError",
    "Published",
    "Series",
    "analyze_entries",
    "city_scale_series",
    "count_entries",
    "cut_in_time",
    "delete_generated_entries",
    "delete_untouched_entries",
    "demo_2022_series",
    "entry_from_row",
    "generator_user",
    "insert_rows",
    "plan_entries",
    "plan_rows",
    "plan_series",
    "ratio_value",
    "stopping_units",
    "units_by_reporting_level",
    "validate",
    "yearly_copy_code",
]
