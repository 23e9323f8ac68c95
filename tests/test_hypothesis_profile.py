"""The generated-input tests draw the same examples on every run (tests/conftest.py)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import hypothesis_profile


def test_ci_always_runs_the_fixed_profile():
    assert hypothesis_profile({"CI": "true", "HYPOTHESIS_PROFILE": "explore"}) == "fixed"
    assert hypothesis_profile({}) == "fixed"
    assert hypothesis_profile({"HYPOTHESIS_PROFILE": "explore"}) == "explore"


def test_the_fixed_profile_has_a_seed_and_no_time_limit():
    fixed = settings.get_profile("fixed")
    assert fixed.derandomize and fixed.database is None and fixed.deadline is None


def drawn_texts() -> list[str]:
    drawn = []

    @settings(settings.get_profile("fixed"), max_examples=30)
    @given(st.text())
    def draw(text):
        drawn.append(text)

    draw()
    return drawn


def test_the_fixed_profile_draws_the_same_examples_twice():
    first = drawn_texts()
    assert drawn_texts() == first and len(set(first)) > 10
