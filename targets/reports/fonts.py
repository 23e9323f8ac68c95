"""The fonts of the PDF report: Liberation Serif (metric-compatible with Times New Roman,
the font Nghị định 30/2020/NĐ-CP prescribes), shipped in ``targets/static/targets/fonts``
with its licence (LICENSE-LiberationSerif.txt, SIL Open Font License 1.1, from Debian's
fonts-liberation2 2.1.5), registered with reportlab and embedded (subset) in every PDF so
that Vietnamese diacritics render on any machine."""

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "targets" / "fonts"
FONT = "LiberationSerif"
FONT_BOLD = "LiberationSerif-Bold"
FONT_ITALIC = "LiberationSerif-Italic"
FONT_BOLD_ITALIC = "LiberationSerif-BoldItalic"
# The family name Word documents ask for: Liberation Serif has its metrics.
WORD_FONT = "Times New Roman"

_FILES = {
    FONT: "LiberationSerif-Regular.ttf",
    FONT_BOLD: "LiberationSerif-Bold.ttf",
    FONT_ITALIC: "LiberationSerif-Italic.ttf",
    FONT_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}


def register_fonts():
    """Register the Liberation Serif family once per process."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT_ITALIC)
    addMapping(FONT, 1, 1, FONT_BOLD_ITALIC)
