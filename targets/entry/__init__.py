"""Data entry: the Django admin (reference data, the entry form and list, the review
buttons), the period sheet, the review queue, the bulk import and the reminders of the
reporting round.

Built on ``targets.domain`` only: it never imports the manager pages
(``pyproject.toml``, ``[tool.importlinter]``).
"""
