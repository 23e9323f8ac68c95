"""The entry list's paginator: it counts at most a few thousand rows (issue 19).

At city scale the entry list holds a million entries; counting them all (or all of a
district's) on every load cost more than reading the page. The count stops at
``CappedCountPaginator.cap`` rows: below it the list shows the exact number, above it
"hơn 10.000 số liệu" and the pages up to the cap (a filter or a search narrows the list
to what is further down). The deepest page reads at most ``cap`` rows.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """A Paginator whose count reads at most ``cap + 1`` rows (a LIMITed subquery)."""

    cap = 10_000

    @cached_property
    def counted(self) -> int:
        """The rows found, up to ``cap + 1`` (one past the cap says "more")."""
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def capped(self) -> bool:
        """Whether there are more rows than the list counts."""
        return self.counted > self.cap

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)
