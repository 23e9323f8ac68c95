"""Roll-ups kept in a cache shared by the app servers, correct by construction.

Off unless ``settings.FIGURE_CACHE`` names a cache (``make serve`` with ``REDIS_URL``:
Redis). Then :func:`targets.rollup.rollup` asks :func:`cached` before it runs its
query. The key holds:

- the data version (``targets.models.DataVersion``), which database triggers bump in
  the same transaction as every write that can change a roll-up: approving, returning
  or reopening an entry, deleting or importing an approved one, any change to a target
  or a unit; whatever code path or raw SQL makes it;
- the database (its name), so that two databases never share figures;
- the exact query: its SQL text and parameters, as the roll-up would run it.

The version is read *before* the figures are computed, so figures stored under a version
are never older than it. An entry stays until the cache's timeout (a day) or until
the cache evicts it; a new version simply never asks for the old keys.
"""

import hashlib
import pickle

from django.conf import settings
from django.core.cache import caches
from django.db import connections

from targets.models import DataVersion

TIMEOUT = 24 * 3600


def enabled() -> bool:
    return bool(getattr(settings, "FIGURE_CACHE", None))


def cached(alias: str, query: tuple, compute):
    """``compute()``, or its earlier result for the same ``query`` (a tuple of the SQL
    and parameters that define it) on the same database and data version."""
    if not enabled():
        return compute()
    version = DataVersion.current(using=alias)
    if version is None:
        return compute()
    database = connections[alias].settings_dict.get("NAME")
    digest = hashlib.sha256(pickle.dumps((str(database), version, query), protocol=4)).hexdigest()
    key = f"rollup:{digest}"
    cache = caches[settings.FIGURE_CACHE]
    found = cache.get(key)
    if found is not None:
        return found
    result = compute()
    cache.set(key, result, TIMEOUT)
    return result
