"""Form fields that read typed numbers and dates with ``targets.domain.formatting``: the
admin's entry form, the period sheet, the import and the pages' date all read input
through these, so one grammar holds everywhere."""

from django import forms

from targets.domain.formatting import ParseError, parse_date, parse_number


class NumberField(forms.DecimalField):
    """A decimal typed in a form, read by ``targets.domain.formatting.parse_number``: the same
    grammar as the import (``1.234,5``; no exponent, underscore, NaN or Infinity)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(value)
        except ParseError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class DateInputField(forms.DateField):
    """A date typed in a form or a URL, read by ``targets.domain.formatting.parse_date``
    (``31/12/2022`` or ``2022-12-31``, inside the sane range)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_date(value)
        except ParseError as error:
            raise forms.ValidationError(str(error), code="invalid") from None
