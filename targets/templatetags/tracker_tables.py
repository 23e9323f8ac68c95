"""``{% table_rows table %}``: the body rows of a django-tables2 table, rendered in Python.

django-tables2's template computes every column's ``<td>`` attributes again for each
cell (``BoundColumn.attrs``) and runs several template nodes per cell: on the target
detail page, with a few hundred cells, that was most of the page's time. This tag
writes the same markup (``django_tables2/table.html``'s ``<tr>`` and ``<td>``, cell
values localized and escaped as ``{{ cell }}`` does), with each column's ``<td>``
attributes computed once per table. The project's columns have no per-record ``td``
attributes (``tests/test_views.py`` checks that the two renderings are identical). It
stays while it saves at least a fifth of a page's time (21-24% of the target detail
page when last measured: bench/notes.md).

A column with a ``cells_html(records, table)`` method writes all its cells at once (a
list of safe strings, one per record: what its ``render`` gives for each): the
scorecard grid's target columns (``targets.pages.scorecard_tables.CellColumn``), 2,700 cells
on the city-scale dashboard, where django-tables2's per-cell machinery (finding the
column by name, inspecting ``render``'s signature) was most of the page's time.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def table_rows(table) -> str:
    """The ``<tr>`` rows of ``table``'s current page ("" when it has none)."""
    columns = list(table.columns)
    for column in columns:  # attributes computed without a record, as for a header
        column.current_record = column.current_value = None
    rows = list(table.paginated_rows)
    cells = []
    for column in columns:
        bulk = getattr(column.column, "cells_html", None)
        if bulk is not None:
            bulk = bulk([row.record for row in rows], table)
        cells.append((column.name, f"<td {column.attrs['td'].as_html()}>", bulk))
    parts = []
    for index, row in enumerate(rows):
        parts.append(f"<tr {row.attrs.as_html()}>")
        for name, opening, bulk in cells:
            if bulk is not None:
                value = bulk[index]
            else:
                value = conditional_escape(localize(row.get_cell(name)))
            parts.append(f"{opening}{value}</td>")
        parts.append("</tr>")
    return mark_safe("".join(parts))
