"""Helpers every model module shares: plain numbers, localized names."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import get_language


def plain_number(number: Decimal) -> str:
    """A decimal without trailing zeros, in the active language's format (120; 1,5)."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text))


class LocalizedNameMixin:
    """``display_name``: ``name_en`` in English when there is one, else ``name``."""

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("en") and getattr(self, "name_en", ""):
            return self.name_en
        return self.name
