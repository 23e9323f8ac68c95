"""What every ModelAdmin of the project shares: autocomplete widgets that never fail
on a posted value, localized name columns, typed numbers read by the import's grammar."""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models

from targets.domain.fields import NumberField

# Django's own label of the selection checkbox, translated by Django's catalogue.
DJANGO_CHECKBOX_LABEL = "Select this object for an action - {}"

# Numbers typed in the admin are read by the import's grammar (targets.domain.formatting).
LOCALIZED_NUMBERS = {models.DecimalField: {"form_class": NumberField, "localize": True}}


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget queries the posted value when it shows the form
    again; a value that is not an id (" ", "abc") made that query raise (a 500).
    Such values are dropped here: the field's own error says what was wrong."""

    def optgroups(self, name, value, attr=None):
        pk = self.field.remote_field.model._meta.pk

        def is_id(raw):
            try:
                pk.to_python(raw)
            except ValidationError:
                return False
            return True

        return super().optgroups(name, [raw for raw in value if is_id(raw)], attr)


class SafeAutocompleteMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def name_column(description):
    """A name column in the active language (``display_name``: the English name when the
    admin is in English and there is one), sorted by the Vietnamese name."""

    @admin.display(description=description, ordering="name")
    def localized_name(self, obj):
        return obj.display_name

    return localized_name


def autocomplete_for(request, model_name: str, field_name: str) -> bool:
    """Whether ``request`` is the admin autocomplete of ``targets.<model_name>.<field_name>``."""
    match = request.resolver_match
    return (
        match is not None
        and match.url_name == "autocomplete"
        and request.GET.get("app_label") == "targets"
        and request.GET.get("model_name") == model_name
        and request.GET.get("field_name") == field_name
    )
