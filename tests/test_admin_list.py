"""The admin entry list at city scale (issue 19): a fixed number of queries for every
role whatever the number of entries, a count that stops at a cap (pages and "more
than" text), newest period first from an index, and a search and district filter that
mean what Django's do."""

import re

import pytest
from django.contrib.admin.views.main import ChangeList
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.domain import scope
from targets.domain.models import ProgressEntry
from targets.entry.admin.changelist import CappedCountPaginator
from tests.test_views import fill_entries

pytestmark = pytest.mark.django_db

URL = reverse("admin:targets_progressentry_changelist")

# Every role: session, user, its permissions (user, groups), the plan-administrator
# group check; the plans (plan filter, chosen plan), pillars, the chosen plan's targets
# of the scope, the districts of the scope (filters); the capped count and the page.
# Members of a unit read the ids of their scope's units once (targets.domain.scope).
QUERY_COUNTS = {"root": 8, "city_reviewer": 12, "reviewer": 12, "reporter": 12}


@pytest.mark.parametrize("who", QUERY_COUNTS)
def test_entry_list_query_count_is_fixed_for_every_role(
    cast, login, admin_user, django_assert_num_queries, who
):
    client = login(getattr(cast, who))
    assert fill_entries(10, admin_user) > 0
    with django_assert_num_queries(QUERY_COUNTS[who]):
        small = client.get(URL)
    assert fill_entries(1000, admin_user, start=10) > 1000
    with django_assert_num_queries(QUERY_COUNTS[who]):
        large = client.get(URL)
    assert small.status_code == large.status_code == 200
    assert large.context["cl"].result_list


def test_entry_list_counts_up_to_the_cap_and_says_more_than(cast, login, admin_user, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 300)
    fill_entries(1000, admin_user)
    assert ProgressEntry.objects.count() > 300
    client = login(cast.root)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    cl = response.context["cl"]
    assert cl.paginator.per_page == 50
    assert (cl.result_count, cl.paginator.capped, cl.paginator.num_pages) == (300, True, 6)
    html = response.content.decode()
    assert "hơn 300 số liệu" in html and "hơn 300 kết quả" in html
    assert "Chọn mọi số liệu khớp bộ lọc (hơn 300)" in html
    assert 'href="?p=6"' in html and 'href="?p=7"' not in html
    # The count reads at most cap + 1 rows.
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1 and re.search(r"LIMIT 301\b", counts[0])

    last = client.get(URL, {"p": 6})
    assert last.status_code == 200 and len(last.context["cl"].result_list) == 50
    # Past the last page: Django's "?e=1" redirect; not a page: the first. Never a 500.
    for page in ("7", "999999", "0", "-1"):
        assert client.get(URL, {"p": page}).status_code == 302
    assert client.get(URL, {"p": "abc"}).context["cl"].page_num == 1


def test_entry_list_below_the_cap_shows_the_exact_count(cast, login, admin_user, target):
    fill_entries(10, admin_user)
    shown = ProgressEntry.objects.filter(target=target("CQS-03c")).count()
    response = login(cast.root).get(URL, {"target__id__exact": target("CQS-03c").pk})
    cl = response.context["cl"]
    assert (cl.result_count, cl.paginator.capped) == (shown, False)
    html = response.content.decode()
    assert f"{shown} số liệu báo cáo" in html and "hơn " not in html


def test_entry_list_shows_the_newest_period_first_in_an_indexed_order(cast, login, admin_user):
    fill_entries(40, admin_user)
    response = login(cast.root).get(URL)
    rows = [(e.period_end, e.target_id, e.unit_id) for e in response.context["cl"].result_list]
    newest = ProgressEntry.objects.order_by("-period_end").first().period_end
    assert rows[0][0] == newest
    assert rows == sorted(rows, key=lambda row: (-row[0].toordinal(), row[1], row[2]))
    # The order is that of an index of the entries, so a page never sorts them all.
    admin_order = response.context["cl"].model_admin.ordering
    indexed = [
        ["-period_end", "target_id", "unit_id"]
        if index.fields == ["-period_end", "target", "unit"]
        else None
        for index in ProgressEntry._meta.indexes
    ]
    assert admin_order in indexed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_entry_list_page_is_read_from_the_index_without_sorting(cast, login, admin_user):
    fill_entries(40, admin_user)
    page = login(cast.root).get(URL).context["cl"].result_list
    with connection.cursor() as cursor:
        # Forbid sorting and scanning: the plan still sorts if no index serves the order.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = page.explain()
    assert "targets_entry_period" in plan and "Sort" not in plan


SEARCHES = ["11329", "máy chai", "Máy", "CQS-03", '"Máy Chai"', "304 CQS", "nothing-like-this"]


@pytest.mark.parametrize("term", SEARCHES)
def test_search_finds_what_django_s_search_finds(cast, login, admin_user, term):
    fill_entries(30, admin_user)
    response = login(cast.root).get(URL, {"q": term})
    found = set(response.context["cl"].queryset.values_list("pk", flat=True))
    # Django's own search: every word matches one of the fields, case-insensitive.
    words = [term.strip('"')] if term.startswith('"') else term.split()
    expected = ProgressEntry.objects.all()
    for word in words:
        expected = expected.filter(
            Q(unit__code__icontains=word)
            | Q(unit__name__icontains=word)
            | Q(target__code__icontains=word)
        )
    assert found == set(expected.values_list("pk", flat=True))


def test_search_and_district_filter_stay_in_the_scope(cast, login, admin_user):
    fill_entries(30, admin_user)
    client = login(cast.reporter)
    mine = set(scope.admin_entries(cast.reporter).values_list("pk", flat=True))
    for params in ({"q": "CQS"}, {"district": "303"}, {"district": "304"}, {"q": "Máy Chai"}):
        shown = set(client.get(URL, params).context["cl"].queryset.values_list("pk", flat=True))
        assert shown <= mine
    assert not client.get(URL, {"district": "303"}).context["cl"].queryset.exists()
    in_304 = client.get(URL, {"district": "304"}).context["cl"].queryset
    expected = ProgressEntry.objects.filter(Q(unit__code="304") | Q(unit__parent__code="304"))
    assert set(in_304.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True))
    assert in_304.exists()


def test_entry_list_offers_no_filter_counts(cast, login):
    # Facets count the entries once per filter choice: 30 s at a million entries.
    client = login(cast.root)
    assert "_facets" not in client.get(URL).content.decode()
    assert client.get(URL, {"_facets": "True"}).context["cl"].add_facets is False


def test_changelist_is_django_s(cast, login):
    # The list is Django's ChangeList with the documented paginator hook.
    response = login(cast.root).get(URL)
    assert type(response.context["cl"]) is ChangeList
    assert isinstance(response.context["cl"].paginator, CappedCountPaginator)


@pytest.mark.parametrize(
    "who",
    ["reporter", "commune_reporter", "agency_reporter", "reviewer", "city_reviewer", "viewer"],
)
def test_scope_read_units_first_means_the_same(cast, admin_user, who):
    fill_entries(20, admin_user)
    # Some drafts and returned entries: a reviewer sees no draft.
    ids = list(ProgressEntry.objects.order_by("pk").values_list("pk", flat=True))
    ProgressEntry.objects.filter(pk__in=ids[::3]).update(status=ProgressEntry.Status.DRAFT)
    ProgressEntry.objects.filter(pk__in=ids[1::5]).update(status=ProgressEntry.Status.RETURNED)
    user = getattr(cast, who)
    lazy = set(scope.admin_entries(user).values_list("pk", flat=True))
    first = set(scope.admin_entries(user, units_first=True).values_list("pk", flat=True))
    assert lazy == first
    assert lazy or who == "viewer"
    if who == "agency_reporter":  # the lead agency's city figure
        assert ProgressEntry.objects.filter(pk__in=lazy, unit__code="31").exists()


@pytest.mark.parametrize(
    "who",
    ["reporter", "commune_reporter", "agency_reporter", "reviewer", "city_reviewer", "viewer"],
)
def test_the_target_filter_reads_the_scope_units_once_and_agrees_with_the_rule(cast, who):
    """``visible_targets`` with the units the entry list already read is the same set as
    the rule's own SQL, for every role (the filter's choices; issue 19)."""
    from targets.domain.models import Target  # noqa: PLC0415

    user = getattr(cast, who)
    roles = [scope.REPORTER, scope.REVIEWER]
    units = [u for u in scope.admin_scope_units(user) if u.as_reporter or u.as_reviewer]
    with CaptureQueriesContext(connection) as queries:
        again = scope.admin_scope_units(user)
    assert not queries.captured_queries and again  # read once per request
    by_rule = set(scope.visible_targets(user, roles).values_list("pk", flat=True))
    by_units = set(scope.visible_targets(user, roles, units=units).values_list("pk", flat=True))
    assert by_rule == by_units
    assert by_rule or who == "viewer"
    assert by_rule != set(Target.objects.values_list("pk", flat=True)) or who == "city_reviewer"


@pytest.mark.parametrize("order", ["1", "-1"])
def test_sorting_by_target_reads_the_target_index_not_the_joined_code(
    cast, login, admin_user, order
):
    """The target column's header sorts by the catalogue (id) order, which the entries'
    own index serves; by the joined target code it sorted every entry (1.5 s at 1M)."""
    fill_entries(30, admin_user)
    cl = login(cast.root).get(URL, {"o": order}).context["cl"]
    sql = str(cl.queryset.query)
    first = sql.split("ORDER BY", 1)[1].split(",")[0].strip()
    direction = "DESC" if order.startswith("-") else "ASC"
    assert first == f'"targets_progressentry"."target_id" {direction}'
    ids = [entry.target_id for entry in cl.result_list]
    assert ids == sorted(ids, reverse=order.startswith("-")) and len(set(ids)) >= 1
