"""The Django admin of data entry: the reference data plan administrators keep
(``reference``), progress entries with their form, list, review buttons, period sheet and
review queue (``entries``, ``round``), the history pages in scope (``history``) and the
accounts below one's own power (``users``). Importing this package registers them."""

from targets.entry.admin import entries, reference, users  # noqa: F401
