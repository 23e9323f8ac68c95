"""The domain layer: the data and every rule about it, with no page, form or admin.

- ``models``: plans, pillars, targets, the unit tree, progress entries, memberships,
  status reports, API tokens, the data version;
- ``scope``: who sees and may change which units and entries; ``roles``: the groups;
- ``periods``, ``deadlines``: reporting periods and when their reports are due;
- ``rollup``: the one aggregate over entries; ``progress``: figures from its rows;
  ``status``: the one status rule; ``freshness``: a figure's period and change;
  ``completeness``: where each report stands; ``sources``: where a figure comes from;
- ``services``: every write to an entry; ``plausibility``: warnings on a figure;
- ``formatting``: every number and date as people read and type it; ``fields``: the
  form fields that read them; ``plans``: which plan a date is about;
- ``figure_cache``, ``evidence``, ``sqltext``, ``language``: the cache of roll-ups,
  evidence files, SQL text helpers, the language on the account.

It imports nothing of the layers above it (``pyproject.toml``, ``[tool.importlinter]``).
"""
