"""The entry list at city scale (issue 19): a count that stops at 10,000 rows, and a
search that matches units and targets in their own tables.

At city scale the entry list holds a million entries; counting them all (or all of a
district's) on every load cost more than reading the page. The count stops at
``CappedCountPaginator.cap`` rows: below it the list shows the exact number, above it
"hơn 10.000 số liệu" and the pages up to the cap (a filter or a search narrows the list
to what is further down). The deepest page reads at most ``cap`` rows.
"""

from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal

from targets.domain.formatting import number


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

    @property
    def cap_text(self) -> str:
        """The cap as people read it ("10.000")."""
        return number(self.cap)


class RelatedSearchMixin:
    """Django's search over ``search_fields`` that name fields of the model's foreign
    keys (``unit__code``): every word must match one of them, case-insensitive, as
    "contains", as in Django. The words are matched in the small related tables first
    (one query per relation); the rows are then found by those ids through their
    indexes, where matching the joined names read every row (issue 19)."""

    def get_search_results(self, request, queryset, search_term):
        words = [
            unescape_string_literal(word) if word[:1] in "\"'" and word[0] == word[-1] else word
            for word in smart_split(search_term)
        ]
        if not words:
            return queryset, False
        by_relation: dict[str, list[str]] = {}
        for field in self.get_search_fields(request):
            relation, _sep, name = field.partition("__")
            by_relation.setdefault(relation, []).append(name)
        matches: dict[tuple[str, int], list[int]] = {}  # (relation, word) -> ids
        for relation, names in by_relation.items():
            related = self.model._meta.get_field(relation).related_model
            found = {
                f"word_{n}": Q.create(
                    [(f"{name}__icontains", word) for name in names], connector=Q.OR
                )
                for n, word in enumerate(words)
            }
            flags = {key: ExpressionWrapper(q, BooleanField()) for key, q in found.items()}
            rows = related._default_manager.filter(Q.create(list(found.values()), connector=Q.OR))
            for pk, *hits in rows.annotate(**flags).values_list("pk", *flags):
                for n, hit in enumerate(hits):
                    if hit:
                        matches.setdefault((relation, n), []).append(pk)
        for n in range(len(words)):
            either = [
                (f"{relation}__in", matches.get((relation, n), [])) for relation in by_relation
            ]
            queryset = queryset.filter(Q.create(either, connector=Q.OR))
        return queryset, False
