"""One FilterSet per list page (django-filter).

Filters on stored fields narrow the page's queryset. Status and "reported or not" are
computed in Python (``targets.domain.status`` via ``targets.domain.progress``), never in a query, so
their filters leave the queryset alone and :meth:`narrow` applies them to the computed
rows. Exports reuse the same FilterSet, so a file holds the rows on screen.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.domain.completeness import EntryState
from targets.domain.models import AdministrativeUnit, Pillar, Target
from targets.domain.status import Status
from targets.pages.forms import PageForm, Select


def keep(queryset, name, value):
    """Filter method for filters applied to computed rows by ``narrow``."""
    return queryset


class FigureFilterSet(django_filters.FilterSet):
    """Adds :meth:`narrow`: the Python-side filters on computed figures. The form is
    a :class:`targets.pages.forms.PageForm` and every choice a :class:`targets.pages.forms.Select`
    (cheaper to render than Django's)."""

    class Meta:
        form = PageForm

    def narrow(self, figures):
        """The figures (``targets.domain.progress.Figure``) the Python-side filters keep."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        status = data.get("status")
        if status:
            figures = [f for f in figures if f.status == status]
        reported = data.get("reported")
        if reported:
            figures = [f for f in figures if bool(f.reported) == (reported == "yes")]
        return figures


class TargetFilter(FigureFilterSet):
    q = django_filters.CharFilter(label=_("Tìm"), method="search")
    pillar = django_filters.ModelChoiceFilter(
        widget=Select, label=_("Trụ cột"), queryset=Pillar.objects.all(), to_field_name="code"
    )
    reporting_units = django_filters.ChoiceFilter(
        widget=Select, label=_("Cấp báo cáo"), choices=Target.ReportingUnits.choices
    )
    responsible_unit = django_filters.ModelChoiceFilter(
        widget=Select,
        label=_("Cơ quan chủ trì"),
        queryset=AdministrativeUnit.objects.filter(kind=AdministrativeUnit.Kind.AGENCY),
        to_field_name="code",
    )
    status = django_filters.ChoiceFilter(
        widget=Select, label=_("Tình trạng"), choices=Status.choices, method=keep
    )

    class Meta(FigureFilterSet.Meta):
        model = Target
        fields = ["q", "pillar", "reporting_units", "responsible_unit", "status"]

    def search(self, queryset, name, value):
        """Code or name (Vietnamese or English) contains the text."""
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(name_en__icontains=value)
        )


class ScorecardFilter(TargetFilter):
    """Unit scorecard: the target table's filters, on the targets applying to the unit."""


class UnitsFilterBase(FigureFilterSet):
    """Units of a page (target detail, completeness): by district and by name or code,
    applied to the page's rows by :meth:`narrow` (the rows' units are read already)."""

    q = django_filters.CharFilter(label=_("Tìm đơn vị"), method=keep)
    district = django_filters.ModelChoiceFilter(
        widget=Select,
        label=_("Quận, huyện"),
        queryset=AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.DISTRICT),
        to_field_name="code",
        method=keep,
    )

    class Meta(FigureFilterSet.Meta):
        model = AdministrativeUnit
        fields = ["district", "q"]

    def __init__(self, *args, districts=None, **kwargs):
        """``districts``: the districts offered (those of the manager's scope on the
        page's date; none on a tree without districts)."""
        super().__init__(*args, **kwargs)
        if districts is not None:
            self.filters["district"].queryset = districts

    def narrow(self, figures):
        """The figures (or reports) whose unit is the chosen district or one of its
        communes, and whose unit's code or name contains the text."""
        figures = super().narrow(figures)
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        district = data.get("district")
        if district is not None:
            figures = [f for f in figures if district.pk in (f.unit.pk, f.unit.parent_id)]
        text = (data.get("q") or "").strip().lower()
        if text:
            figures = [
                f for f in figures if text in f.unit.code.lower() or text in f.unit.name.lower()
            ]
        return figures


class UnitFilter(UnitsFilterBase):
    """Target detail: the units expected to report, by district, status, reported or not."""

    status = django_filters.ChoiceFilter(
        widget=Select, label=_("Tình trạng"), choices=Status.choices, method=keep
    )
    reported = django_filters.ChoiceFilter(
        widget=Select,
        label=_("Kỳ này"),
        choices=[("yes", _("Đã báo cáo")), ("no", _("Chưa báo cáo"))],
        method=keep,
    )

    class Meta(UnitsFilterBase.Meta):
        model = AdministrativeUnit
        fields = ["district", "q", "status", "reported"]


class CompletenessFilter(UnitsFilterBase):
    """Completeness: the missing reports, by district, unit and target code."""

    target = django_filters.CharFilter(label=_("Mã chỉ tiêu"), method=keep)
    state = django_filters.ChoiceFilter(
        widget=Select,
        label=_("Báo cáo kỳ này"),
        choices=[c for c in EntryState.choices if c[0] != EntryState.APPROVED],
        method=keep,
    )

    class Meta(UnitsFilterBase.Meta):
        model = AdministrativeUnit
        fields = ["district", "q", "target", "state"]

    def narrow(self, figures):
        figures = super().narrow(figures)
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        code = (data.get("target") or "").strip().lower()
        if code:
            figures = [f for f in figures if f.target.code.lower() == code]
        state = data.get("state")
        if state:  # figures with their state (targets.domain.completeness.report_figures)
            figures = [f for f in figures if f.state == state]
        return figures
