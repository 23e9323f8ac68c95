"""The marks after a figure (``targets.pages.marks``): a change since the previous
period reads as a mark of its own, in words for screen readers."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from targets.domain.freshness import Freshness
from targets.domain.progress import Figure
from targets.pages.marks import marks_html

DEC, SEP = datetime.date(2022, 12, 31), datetime.date(2022, 9, 30)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("vi", "(Không đổi so với kỳ 30/09/2022)"),
        ("en", "(Unchanged since the period ending 30 Sep 2022)"),
    ],
)
def test_no_change_mark_is_words_in_brackets_for_screen_readers(target, language, words):
    """ "Chưa đạt =" read aloud is "Chưa đạt (Không đổi so với kỳ 30/09/2022)": the sign
    is hidden from screen readers, the words are set apart from the figure."""
    cqs = target("CQS-05")
    figure = Figure(target=cqs, as_of=DEC, value=Decimal(0), last_period=DEC)
    previous = Figure(target=cqs, as_of=SEP, value=Decimal(0))
    with translation.override(language):
        html = marks_html(Freshness(figure, previous))
    assert html.startswith(' <span class="change same"')  # apart from the figure
    assert '<span aria-hidden="true">=</span>' in html
    assert f'<span class="visually-hidden">{words}</span>' in html
