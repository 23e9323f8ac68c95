"""The manager pages: dashboard, target table, target detail, unit scorecard,
completeness, their tables, filters, charts and downloads, and the evidence download.

Built on ``targets.domain`` only; the reports and the API may call its figure builders,
never its views (``pyproject.toml``, ``[tool.importlinter]``).
"""
