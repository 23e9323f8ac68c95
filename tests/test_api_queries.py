"""The API's lists cost a fixed number of queries whatever the number of entries."""

import pytest
from django.core.cache import cache

from targets.domain.models import ProgressEntry
from tests.test_api import bearer
from tests.test_views import fill_entries

pytestmark = pytest.mark.django_db

PERIOD = "plan=kh74-2022&as_of=2022-12-31"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()


# Queries of every API request with a token: the token and its user; its last use is
# written at most once a minute (the first request here, made before counting).
AUTH = 1
# + the plan-administrator group check (scope).
SCOPE = 1
LISTS = {
    # + the plans
    "/api/v1/plans/": AUTH + 1,
    # + the targets, the same targets in the 2025 plan
    "/api/v1/targets/?plan=kh74-2022": AUTH + 2,
    # + the units
    "/api/v1/units/": AUTH + 1,
    # + scope (the manager's top unit), the plan; the target table's builder: targets,
    #   units, roll-up, the city's own figures, and the same two as of the previous period
    f"/api/v1/figures/?{PERIOD}": AUTH + SCOPE + 2 + 6,
    # + the ids of the scope's units (see targets.api.rollup.entries), one page of
    #   entries (the scope itself is a subquery)
    "/api/v1/entries/": AUTH + SCOPE + 2,
    "/api/v1/entries/?target=CQS-03c&status=approved&page_size=1000": AUTH + SCOPE + 2,
}


@pytest.mark.parametrize("url", LISTS)
def test_list_query_count_does_not_grow_with_entries(
    client, cast, admin_user, django_assert_num_queries, url
):
    headers = bearer(cast.city_viewer)
    assert fill_entries(10, admin_user) > 0
    assert client.get(url, **headers).status_code == 200  # records the token's use
    with django_assert_num_queries(LISTS[url]):
        assert client.get(url, **headers).status_code == 200
    assert fill_entries(1000, admin_user, start=10) > 1000
    assert ProgressEntry.objects.filter(target__code="CQS-03c").count() == 1000
    with django_assert_num_queries(LISTS[url]):
        response = client.get(url, **headers)
    assert response.status_code == 200
    if url.startswith("/api/v1/entries/?"):
        assert len(response.json()["results"]) == 1000  # a full page, one query
