"""The one seam where a page's figures are kept: the call of its builder.

Every manager page has one builder (``targets.pages.builders``: period, scope, parameters
→ rows), which its view, its CSV/XLSX download, the API and the status report call.
:func:`kept` wraps that call: with ``settings.FIGURE_CACHE`` set (``REDIS_URL``), the
builder's result is kept in the shared cache and given again to whoever asks the same
question of the same data. The key holds:

- the question: the builder, the plan, the date, the scope's key
  (:attr:`targets.domain.scope.Scope.key`: who sees which units), the object asked about
  (a target, a unit) and the parameters the builder reads;
- the data version (``targets.domain.models.DataVersion``), read once, before the builder
  reads anything: database triggers bump it with every committed write that can change
  a figure, a unit, a target or a plan, whatever code or SQL makes the write;
- the database and the release (a digest of the code: a new release never reads an
  older one's figures): ``targets.domain.figure_cache`` holds these rules.

Nothing is kept inside a transaction, nor when the cache does not answer (the figures
are then computed as without a cache, and the log says so). The result is data (figures,
units, targets), never HTML: each request renders its page in its own language, with
its own frame (name, language switcher, the logout form's CSRF token).
"""

import datetime
import functools
import hashlib
import inspect
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from targets.domain.figure_cache import cached

# Figures kept for an hour at most: a page's question includes its date, and every write
# makes a new version; an hour bounds what older versions leave in the cache.
TIMEOUT = 3600

# What the figures are computed by: the project's code.
SOURCES = ("targets",)


@functools.cache
def release() -> str:
    """A digest of the project's Python code and of the versions of the libraries whose
    objects the figures hold (read once per process: a release restarts the servers)."""
    digest = hashlib.sha256()
    for library in ("django", "django-filter"):
        digest.update(f"{library}=={metadata.version(library)}".encode())
    root = Path(settings.BASE_DIR)
    for top in SOURCES:
        for path in sorted((root / top).rglob("*.py")):
            if "migrations" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _part(value):
    """A key part for an argument: a model instance by its primary key, a date as ISO
    text, a query dict as its sorted items."""
    if hasattr(value, "_meta") and hasattr(value, "pk"):
        return (value._meta.label, value.pk)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "lists"):
        return tuple(sorted((key, tuple(values)) for key, values in value.lists()))
    if isinstance(value, dict):
        return tuple(sorted((key, _part(item)) for key, item in value.items()))
    if hasattr(value, "key") and hasattr(value, "unit"):  # a Scope
        return ("scope", value.key, value.unit.pk)
    return value


def kept(parameters=()):
    """Makes a builder (a function of the pages layer) kept: called with the same
    arguments on the same data, it answers with the earlier result (see the module).
    Of its keyword ``params`` (the query string), only the names in ``parameters`` are
    part of the question: they are all it reads."""
    wanted = tuple(parameters)

    def decorate(builder):
        name = f"{builder.__module__}.{builder.__qualname__}"
        signature = inspect.signature(builder)

        @functools.wraps(builder)
        def wrapper(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            parts = []
            for key, value in bound.arguments.items():
                if key == "params":
                    value = _parameters(value, wanted)
                parts.append((key, _part(value)))
            question = ("page", name, tuple(parts))
            return cached(
                DEFAULT_DB_ALIAS, release(), question, lambda: builder(*args, **kwargs), TIMEOUT
            )

        wrapper.builder = builder
        return wrapper

    return decorate


def _parameters(params, wanted) -> tuple:
    """The values of the ``wanted`` names in ``params`` (a query dict, a dict or None),
    sorted: the part of the query string a builder reads."""
    if not params:
        return ()
    found = []
    for name in wanted:
        if name in params:
            values = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
            found.append((name, tuple(str(v) for v in values)))
    return tuple(found)
