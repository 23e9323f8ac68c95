"""The API's figures are the pages' figures: the same roll-up, the same scope."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from targets.domain.formatting import format_value
from targets.domain.models import ApiToken

pytestmark = pytest.mark.django_db

PERIOD = "plan=kh74-2022&as_of=2022-12-31"
FOUR_PLACES = Decimal("0.0001")


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


def bearer(user) -> dict:
    _token, key = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def page_figures(client, user, url):
    """The rows of a table page as the user sees them, by target code."""
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    client.logout()
    return {row.record.target.code: row.record for row in response.context["table"].rows}


def api_figures(client, user, query):
    response = client.get(f"/api/v1/figures/?{query}", **bearer(user))
    assert response.status_code == 200, response.content
    return {figure["target"]: figure for figure in response.json()["figures"]}


def as_number(text):
    return None if text is None else Decimal(text)


def four_places(number):
    return None if number is None else number.quantize(FOUR_PLACES)


def assert_same_figures(api, page):
    assert set(api) == set(page)
    for code, shown in page.items():
        figure = api[code]
        # The machine value at full precision, the person's value as the page writes it.
        assert as_number(figure["value"]) == shown.value, code
        assert figure["value_display"] == format_value(shown.target, shown.value), code
        assert figure["provisional"] == shown.provisional, code
        assert as_number(figure["numerator"]) == four_places(shown.numerator), code
        assert as_number(figure["denominator"]) == four_places(shown.denominator), code
        assert figure["status"] == shown.status.value, code
        assert (figure["reports_received"], figure["reports_expected"]) == (
            shown.reported,
            shown.expected,
        ), code
        assert figure["last_period"] == (shown.last_period and shown.last_period.isoformat())


def test_figures_equal_the_target_table_for_every_2022_target(demo_entries_once, client, cast):
    page = page_figures(client, cast.city_viewer, f"/chi-tieu/?{PERIOD}")
    api = api_figures(client, cast.city_viewer, PERIOD)
    assert len(page) == 16
    assert_same_figures(api, page)
    # Not a comparison of empty tables: the demo data gives figures of several statuses.
    assert len({f["status"] for f in api.values()}) >= 3
    assert sum(f["value"] is not None for f in api.values()) >= 12


def test_district_figures_equal_the_district_managers_target_table(demo_entries_once, client, cast):
    page = page_figures(client, cast.viewer, f"/chi-tieu/?{PERIOD}")
    assert_same_figures(api_figures(client, cast.viewer, PERIOD), page)
    # The city manager asking for Ngô Quyền's roll-up gets the same numbers.
    assert_same_figures(api_figures(client, cast.city_viewer, PERIOD + "&unit=304"), page)
