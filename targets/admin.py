"""The admin site of the app, which Django imports at start: each layer registers its
own ModelAdmins (data entry, the status reports, the API's tokens)."""

from targets.api import admin as api_admin  # noqa: F401
from targets.entry import admin as entry_admin  # noqa: F401
from targets.reports import admin as reports_admin  # noqa: F401
