"""Tidy the translation catalogues after ``makemessages`` (``make messages`` runs it).

Source strings are written in Vietnamese, so the Vietnamese catalogue translates each
string by itself: new (or changed, "fuzzy") Vietnamese entries get msgstr = msgid; an
entry someone polished keeps its wording. The English catalogue is left for a person
to translate: the command lists the entries still empty or fuzzy, which
``tests/test_i18n.py`` refuses. Both headers lose the fields that change on every run
(creation date), so two branches that ran ``make messages`` merge cleanly.
"""

import re
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

SOURCE_LANGUAGE = "vi"
HEADER = "Theo dõi chỉ tiêu chuyển đổi số Hải Phòng / Hai Phong digital-transformation tracker."
VOLATILE = ("POT-Creation-Date", "PO-Revision-Date", "Last-Translator", "Report-Msgid-Bugs-To")


def catalogue_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def untranslated(po) -> list:
    """Entries a translator still has to write (empty or fuzzy), obsolete ones aside."""
    return [
        entry
        for entry in po
        if not entry.obsolete
        and (
            entry.fuzzy
            or (entry.msgid_plural and not all(entry.msgstr_plural.values()))
            or (not entry.msgid_plural and not entry.msgstr)
        )
    ]


def plural_forms(po) -> int:
    """How many plural forms the catalogue's language has (``nplurals`` of its header)."""
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match[1]) if match else 2


def fill_from_source(po) -> int:
    """Vietnamese: msgstr = msgid for every untranslated entry (Vietnamese has one
    plural form: the msgid_plural). Returns how many entries were filled."""
    entries = untranslated(po)
    forms = plural_forms(po)
    for entry in entries:
        if entry.msgid_plural:
            entry.msgstr_plural = dict.fromkeys(range(forms), entry.msgid_plural)
        else:
            entry.msgstr = entry.msgid
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    return len(entries)


class Command(BaseCommand):
    help = "Fill the Vietnamese catalogue from the source strings; list untranslated English."

    def handle(self, *args, **options):
        for language, _name in settings.LANGUAGES:
            path = catalogue_path(language)
            po = polib.pofile(str(path), wrapwidth=0)
            po.header = HEADER
            po.metadata_is_fuzzy = False
            for key in VOLATILE:
                po.metadata.pop(key, None)
            po.metadata["Project-Id-Version"] = "haiphong-dx-tracker"
            po.metadata["Language"] = language
            po.metadata["Language-Team"] = language
            if language == SOURCE_LANGUAGE:
                filled = fill_from_source(po)
                self.stdout.write(f"{path}: {filled} new Vietnamese entries filled")
            else:
                missing = untranslated(po)
                self.stdout.write(f"{path}: {len(missing)} entries to translate")
                for entry in missing:
                    self.stdout.write(f"  {entry.msgid!r}")
            po.save()
