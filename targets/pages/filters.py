"""One FilterSet per list page (django-filter).

Filters on stored fields narrow the page's queryset. Status and "reported or not" are
computed in Python (``targets.domain.status`` via ``targets.domain.progress``), never in a query, so
their filters leave the queryset alone and :meth:`narrow` applies them to the computed
rows. Exports reuse the same FilterSet, so a file holds the rows on screen.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from targets.domain import scope
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
    """Units of a page (target detail, completeness): by district and by name or code."""

    q = django_filters.CharFilter(label=_("Tìm đơn vị"), method="search")
    district = django_filters.ModelChoiceFilter(
        widget=Select,
        label=_("Quận, huyện"),
        queryset=AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.DISTRICT),
        to_field_name="code",
        method="in_district",
    )

    class Meta(FigureFilterSet.Meta):
        model = AdministrativeUnit
        fields = ["district", "q"]

    def __init__(self, *args, units=None, request=None, **kwargs):
        """``units``: the manager's (``targets.domain.scope.Scope.units``; default: read from
        ``request.user``)."""
        super().__init__(*args, request=request, **kwargs)
        if units is None and request is not None:
            units = scope.visible_units(request.user)
        if units is not None:
            # Only the districts the manager may see.
            self.filters["district"].queryset = units.filter(
                level=AdministrativeUnit.Level.DISTRICT
            )

    def in_district(self, queryset, name, value):
        """The district and its communes."""
        return queryset.filter(Q(pk=value.pk) | Q(parent=value.pk))

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


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
