"""The manager pages' content kept in the figure cache, correct by construction.

A manager page (dashboard, target table, target detail, unit page, completeness) is
the site's frame (``base.html``: the person's name, the language switcher, the logout
form and its CSRF token) around its content: the figures, tables and charts of one
question. The content is rendered from the database and from nothing else of the
person than their scope, so it can be shared by everyone who asks the same question
of the same data. :func:`content` renders it once and keeps it in
:func:`targets.domain.figure_cache.cached`, under:

- the figure cache's own parts: the database, its data version (bumped by the
  triggers of every committed write that can change a figure, a unit or a plan) and
  nothing inside a transaction; the version and today's date are read first thing in
  the request (:func:`begin`), before the scope, the plans or any figure;
- the release (:func:`release`): a digest of the project's code, templates and
  compiled translations and of the versions of the libraries that write the pages and
  their downloads;
- the question (:func:`question`): the path, every query parameter, the language,
  today's date (statuses and "latest period" marks read it when no date is asked)
  and the scope's key (:attr:`targets.domain.scope.Scope.key`: who may see which units).

Only a page whose content shows nothing but what bumps the data version may be kept
(``ManagerPageMixin.keep_content``): completeness, which shows drafts, submissions and
returns, is not. The frame is rendered for each request. A page's downloads (``?_export=csv`` or
``xlsx``: the same rows as the page) are kept the same way, by :func:`kept`.
"""

import datetime
import functools
import hashlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from targets.domain.figure_cache import cached, usable
from targets.domain.models import DataVersion

# A page's content is large (the city-scale dashboard: 1.4 MB of HTML) and every approval
# makes a new version: an hour bounds what older versions leave in Redis.
TIMEOUT = 3600

# What the content is made of: the code, the templates and the compiled catalogues.
SOURCES = ("targets", "tracker", "locale")
SUFFIXES = {".py", ".html", ".txt", ".svg", ".mo"}


@functools.cache
def release() -> str:
    """A digest of every file the content is rendered from, and of the versions of the
    libraries that render it (read once per process: a release restarts the servers)."""
    digest = hashlib.sha256()
    # The libraries that write the pages and their downloads.
    for library in ("django", "django-tables2", "django-filter", "tablib", "openpyxl"):
        digest.update(f"{library}=={metadata.version(library)}".encode())
    root = Path(settings.BASE_DIR)
    for top in SOURCES:
        for path in sorted((root / top).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Start:
    """What a page reads first, before its scope, plans or figures: the data version and
    today's date its content is kept under (read later, a write or midnight between the
    two reads would file older content under a newer key)."""

    version: int | None
    today: datetime.date


def begin(request) -> None:
    """Marks the start of a page that may be kept (a view calls it first thing)."""
    version = DataVersion.current() if usable(DEFAULT_DB_ALIAS) else None
    request.page_start = Start(version, timezone.localdate())


def _start(request) -> Start:
    start = getattr(request, "page_start", None)
    return start if start is not None else Start(None, timezone.localdate())


def question(request, scope) -> tuple:
    """What the content of ``request``'s page depends on, besides the data and the code."""
    return (
        "page",
        request.path,
        tuple(sorted((key, tuple(values)) for key, values in request.GET.lists())),
        translation.get_language(),
        _start(request).today.isoformat(),
        scope.key,
    )


def kept(request, scope, compute):
    """``compute()`` (anything pickle writes), or what it returned earlier for the same
    question on the same data and release."""
    return cached(
        DEFAULT_DB_ALIAS,
        release(),
        question(request, scope),
        compute,
        TIMEOUT,
        version=_start(request).version,
    )


def content(request, scope, render) -> str:
    """``render()`` (the page's content, HTML), or the same content rendered earlier for
    the same question on the same data and release."""
    html = kept(request, scope, lambda: str(render()))
    return mark_safe(html)  # noqa: S308 -- HTML our templates rendered
