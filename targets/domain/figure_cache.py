"""Roll-ups kept in a cache shared by the app servers, correct by construction.

Off unless ``settings.FIGURE_CACHE`` names a cache (``make serve`` with ``REDIS_URL``:
Redis). Then :func:`targets.domain.rollup.rollup` asks :func:`cached` before it runs its
query. The key holds:

- the data version (``targets.domain.models.DataVersion``), which database triggers bump with
  every committed write that can change a roll-up: approving, returning or reopening an
  entry, deleting or importing an approved one, any change to a plan, pillar, target,
  unit or membership; whatever code path or raw SQL makes it. It only grows, also
  across a restore from an older dump;
- the database (engine, host, port and name), so that two databases never share figures;
- the code that computes the figures (:func:`code_version`, a digest of its modules'
  source), so that a new release never reads an older one's figures;
- the question: the backend, the grouping, the date and the compiled SQL (with its
  parameters) of the targets and units asked about.

The version is read *before* the figures are computed, so figures stored under a version
are never older than it. Inside a transaction (``atomic``) nothing is read from or
written to the cache: the transaction may see its own writes, which the version does not
show until they commit. When the cache does not answer (Redis down), the figures are
computed as if there were no cache, and the failure is logged.
"""

import hashlib
import inspect
import logging
import pickle

from django.conf import settings
from django.core.cache import caches
from django.db import connections

from targets.domain.models import DataVersion

logger = logging.getLogger(__name__)

TIMEOUT = 24 * 3600


def code_version(*modules) -> str:
    """A digest of the source of ``modules``: the code behind the cached figures."""
    source = "".join(inspect.getsource(module) for module in modules)
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def enabled() -> bool:
    return bool(getattr(settings, "FIGURE_CACHE", None))


def usable(alias: str) -> bool:
    """Whether the cache may be used now on the database ``alias``."""
    return enabled() and not connections[alias].in_atomic_block


def cached(alias: str, code: str, query: tuple, compute, timeout: int = TIMEOUT, version=None):
    """``compute()``, or its earlier result for the same ``query`` (a tuple of the SQL
    and parameters that define it) on the same database, ``code`` (:func:`code_version`
    of the modules that compute it) and data version; kept ``timeout`` seconds (an
    older version's entries are never read again and only wait to expire).

    ``version``: the data version read before anything ``compute`` depends on was read
    (a page reads it first thing); by default it is read now."""
    connection = connections[alias]
    if not usable(alias):
        return compute()
    if version is None:
        version = DataVersion.current(using=alias)
    if version is None:
        return compute()
    database = connection.settings_dict
    where = (
        database.get("ENGINE"),
        database.get("HOST"),
        database.get("PORT"),
        database.get("NAME"),
    )
    digest = hashlib.sha256(
        pickle.dumps((tuple(map(str, where)), code, version, query), protocol=4)
    ).hexdigest()
    key = f"rollup:{digest}"
    cache = caches[settings.FIGURE_CACHE]
    try:
        found = cache.get(key)
    except Exception:  # the cache is an optimisation: never fail a page for it
        logger.warning("figure cache: read failed; computing without it", exc_info=True)
        return compute()
    if found is not None:
        return found
    result = compute()
    try:
        cache.set(key, result, timeout)
    except Exception:
        logger.warning("figure cache: write failed", exc_info=True)
    return result
