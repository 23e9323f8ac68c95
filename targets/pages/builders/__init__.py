"""One builder per manager page: (plan, date, scope, parameters) → the page's rows.

Each page's figures come from one function here, which its HTML view, its CSV/XLSX
download, the API's figures endpoint and the status report call; ``targets.pages.cache``
keeps its result at that one seam. A builder returns data (figures, units, targets),
never HTML, and decides nothing about who may see what: its caller has already read the
scope and refused what is outside it (a 404), before any figure is computed.

- ``targets``: the target table (one figure per target of the plan, for the scope);
- ``dashboard``: pillar summaries, a bar per target, the league of the units one level
  below the scope's unit;
- ``detail``: one target's figure over time, its units, its branches' roll-ups;
- ``unit``: one unit's figures, its own units' league, a trend;
- ``completeness``: where each report of the current period stands.
"""
