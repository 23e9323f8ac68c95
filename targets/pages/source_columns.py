"""The "Nguồn" column of the unit tables: the note and evidence of the entry behind
each figure (``figure.source``, set by ``targets.domain.sources.attach_sources``)."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def source_html(source) -> str:
    """The note, then links to the evidence (a web page, a file); "" without a source."""
    if not source:
        return ""
    links = []
    if source.evidence_url:
        links.append((source.evidence_url, _("Minh chứng")))
    if source.evidence_file:
        links.append((source.evidence_file_url, source.evidence_file_name))
    return format_html(
        '<span class="source">{}{}</span>',
        source.note,
        format_html_join(
            "",
            ' <a href="{}" rel="noopener noreferrer" target="_blank">{}</a>',
            links,
        ),
    )


class SourceColumn(tables.Column):
    """A figure's source; exports the note and the evidence link as text."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", gettext_lazy("Nguồn, ghi chú"))
        kwargs.setdefault("accessor", "source")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("default", "")
        kwargs.setdefault("attrs", {"td": {"class": "source"}})
        super().__init__(**kwargs)

    def render(self, value):
        return source_html(value)

    def value(self, value):
        if not value:
            return ""
        return " ".join(
            part for part in (value.note, value.evidence_url, value.evidence_file) if part
        )
