"""What ``make serve`` (gunicorn on PostgreSQL) needs from the environment.

Read by ``gunicorn.conf.py`` and by ``manage.py prepare_server``; no Django settings
needed, so gunicorn can refuse to start before it loads the app. Each helper fails
loudly on a missing or malformed value.
"""

import os

from django.core.exceptions import ImproperlyConfigured

POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://")


def production_database_url(environ=None) -> str:
    """``DATABASE_URL``, which must name a PostgreSQL database."""
    environ = os.environ if environ is None else environ
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        raise ImproperlyConfigured(
            "DATABASE_URL is not set: make serve runs on PostgreSQL only, e.g. "
            "DATABASE_URL=postgres://tracker:password@db.example:5432/tracker"
        )
    if not url.startswith(POSTGRES_SCHEMES):
        scheme = url.split(":", 1)[0]
        raise ImproperlyConfigured(
            f"DATABASE_URL must point to PostgreSQL (postgres://…), not {scheme!r}"
        )
    return url


def gunicorn_workers(environ=None) -> int:
    """``GUNICORN_WORKERS``, else 2 × CPU cores + 1 (gunicorn's own advice)."""
    environ = os.environ if environ is None else environ
    raw = environ.get("GUNICORN_WORKERS", "").strip()
    if not raw:
        return 2 * (os.cpu_count() or 1) + 1
    try:
        workers = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"GUNICORN_WORKERS={raw!r} is not a whole number") from None
    if workers < 1:
        raise ImproperlyConfigured(f"GUNICORN_WORKERS={raw!r} must be at least 1")
    return workers
