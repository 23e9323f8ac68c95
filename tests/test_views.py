"""Manager pages: login, scope, the figures shown, the plan and date read from the URL,
and a fixed number of queries whatever the number of entries."""

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from targets.domain.models import AdministrativeUnit, Plan, ProgressEntry, Target
from targets.domain.plans import default_plan

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)
PERIOD = "plan=kh74-2022&as_of=2022-12-31"
PAGES = {
    "dashboard": f"/?{PERIOD}",
    "target-list": f"/chi-tieu/?{PERIOD}",
    "target-detail": "/kh74-2022/CQS-03c/?as_of=2022-12-31",
    "unit-detail": f"/don-vi/304/?{PERIOD}",
    "completeness": f"/tinh-hinh-bao-cao/?{PERIOD}",
}


@pytest.fixture(autouse=True)
def _pages():
    """Every test here renders pages (and makes users quickly)."""


def fill_entries(upto, created_by, start=0):
    """Approved entries for each 2022 target, from the ``start``-th to the ``upto``-th
    (period end, unit) slot (as many as its units and periods allow), bulk-created;
    returns how many were stored."""
    plan = Plan.objects.get(code="kh74-2022")
    entries = []
    for target in Target.objects.filter(plan=plan).select_related("plan"):
        units = list(AdministrativeUnit.objects.at_reporting_level(target.reporting_units))
        slots = itertools.product(target.period_ends(), sorted(units, key=lambda u: u.code))
        for period_end, unit in itertools.islice(slots, start, upto):
            entries.append(
                ProgressEntry(
                    target=target,
                    unit=unit,
                    period_end=period_end,
                    numerator=Decimal(1) if target.measure == "ratio" else None,
                    denominator=Decimal(4) if target.measure == "ratio" else None,
                    value=Decimal(25) if target.measure != "milestone" else Decimal(0),
                    status=ProgressEntry.Status.APPROVED,
                    created_by=created_by,
                )
            )
    ProgressEntry.objects.bulk_create(entries)
    return len(entries)


@pytest.mark.parametrize("name", PAGES)
def test_page_answers_a_manager(manager_client, name):
    response = manager_client.get(PAGES[name])
    assert response.status_code == 200
    assert b'href="/static/targets/tracker.css"' in response.content
    assert b'rel="icon" href="/static/targets/favicon.svg"' in response.content


@pytest.mark.parametrize("name", PAGES)
def test_page_sends_an_anonymous_visitor_to_login(client, name):
    response = client.get(PAGES[name])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_favicon_needs_no_login(client):
    """Responses that name no icon (downloads, a bare error page) make the browser ask
    for /favicon.ico: it must not be a 404."""
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, "/static/targets/favicon.svg")


def test_home_is_the_dashboard(manager_client):
    assert reverse("targets:dashboard") == "/"
    response = manager_client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "targets/target_dashboard.html"


# Queries every page starts with: session, user, plan-administrator group check, the
# manager's top unit (scope), the plans.
COMMON = 5
# A page builder reads the unit tree once (``targets.domain.tree.Units``), then its
# figures: the roll-up of the current period's reports, and the same roll-up of the
# previous period (the change ↑ ↓ = beside each figure), each one query whatever the
# targets' frequencies; a unit's own figures (the city's, for the city-wide targets) are
# one query each time.
QUERY_COUNTS = {
    # + targets, units; roll-up and the city's own figures, then both for the previous
    #   period; the league's roll-up of each district, and of the previous period
    "dashboard": COMMON + 2 + 4 + 2,
    # + targets, units; roll-up and the city's own figures, then both for the previous
    #   period; pillars and agencies for the filter form
    "target-list": COMMON + 2 + 4 + 2,
    # + the target, whether a unit of the scope reports it (404 before any figure);
    #   units; roll-up and previous roll-up (its figure); the units' latest entries, their
    #   notes and evidence (sources), their latest entries of the previous period; the
    #   series (one roll-up over every period); each district's roll-up; districts for
    #   the filter form
    "target-detail": COMMON + 2 + 1 + 2 + 3 + 1 + 1 + 1,
    # + the unit; units; the filtered targets and every target; the unit's own latest
    #   entries and the roll-up of its communes, and both for the previous period; its
    #   communes' latest entries, now and as of the previous period; the league's
    #   roll-up, now and before; the notes and evidence (sources); the trend's series;
    #   pillars and agencies for the filter form
    "unit-detail": COMMON + 1 + 1 + 2 + 4 + 2 + 2 + 1 + 1 + 2,
    # + units, targets; the entries of the periods due, of any status (states); the
    #   latest approved entries of the pairs not approved (none when every report is
    #   approved: one query fewer); districts for the filter form
    "completeness": COMMON + 2 + 1 + 1 + 1,
}


@pytest.mark.parametrize("name", PAGES)
def test_page_query_count_does_not_grow_with_entries(
    manager_client, admin_user, django_assert_num_queries, name
):
    assert fill_entries(10, admin_user) > 0
    with django_assert_num_queries(QUERY_COUNTS[name]):
        assert manager_client.get(PAGES[name]).status_code == 200
    assert fill_entries(1000, admin_user, start=10) > 1000
    assert ProgressEntry.objects.filter(target__code="CQS-03c").count() == 1000
    with django_assert_num_queries(QUERY_COUNTS[name]):
        assert manager_client.get(PAGES[name]).status_code == 200


@pytest.fixture
def hand_made(target, unit, make_entry):
    """CQS-03c in Ngô Quyền: 30/60 and 10/40, so 40/100 = 40,00% (not the 32,50% mean of
    50% and 25%); a later draft and an entry after the date do not count."""
    cqs = target("CQS-03c")
    make_entry(cqs, unit("11329"), numerator=30, denominator=60)
    make_entry(cqs, unit("11332"), numerator=10, denominator=40)
    make_entry(cqs, unit("11335"), numerator=99, denominator=100, status="draft")
    make_entry(target("DTI-01"), unit("31"), value=14)
    return cqs


def test_target_table_shows_the_hand_computed_city_figure(manager_client, hand_made):
    response = manager_client.get(f"/chi-tieu/?{PERIOD}&q=CQS-03c")
    assert response.status_code == 200
    html = response.content.decode()
    assert "40,00%" in html and "32,50%" not in html
    assert ">2/217<" in html  # completeness: reported / expected
    assert "≥ 30,00%" in html
    assert "Đã đạt" in html
    assert "31/12/2022" in html


def test_target_detail_shows_units_district_rollup_and_missing_units(manager_client, hand_made):
    response = manager_client.get("/kh74-2022/CQS-03c/?as_of=2022-12-31&district=304")
    assert response.status_code == 200
    html = response.content.decode()
    assert "40,00%" in html  # city figure, and Ngô Quyền's roll-up
    assert "(40/100)" in html
    assert "50,00%" in html and "25,00%" in html  # the two communes' own figures
    assert "Máy Chai" in html
    assert "215 đơn vị chưa báo cáo kỳ 31/12/2022" in html
    rows = response.context["table"].rows
    assert len(rows) == 12  # Ngô Quyền's 12 communes
    assert "<svg" in html and '<title id="chart-wide-title">' in html and "<desc" in html
    assert '<title id="chart-narrow-title">' in html  # the drawing for phones


def test_target_detail_filters_by_status_and_reporting(manager_client, hand_made):
    url = "/kh74-2022/CQS-03c/?as_of=2022-12-31"
    reported = manager_client.get(url + "&reported=yes").context["table"]
    assert sorted(r.record.unit.code for r in reported.rows) == ["11329", "11332"]
    achieved = manager_client.get(url + "&status=achieved").context["table"]
    assert [r.record.unit.code for r in achieved.rows] == ["11329"]  # 50% ≥ 30%; 25% misses
    missed = manager_client.get(url + "&status=missed").context["table"]
    assert [r.record.unit.code for r in missed.rows] == ["11332"]


def test_dashboard_counts_statuses_and_ranks_districts(manager_client, hand_made):
    response = manager_client.get(f"/?{PERIOD}")
    summaries = {s.pillar.code: s for s, _bars in response.context["summaries"]}
    counts = dict(summaries["government"].counts)
    assert counts["achieved"] == 1 and counts["missed"] == 1  # CQS-03c and DTI-01 (14 > 10)
    assert counts["no_data"] == 6
    scorecard = response.context["scorecard"]
    assert scorecard.rows[0].unit.code == "304" and scorecard.rows[0].rank == 1
    assert "40,00%" in response.content.decode()


def test_unit_scorecard_lists_district_then_its_communes(manager_client, hand_made):
    response = manager_client.get(f"/don-vi/304/?{PERIOD}")
    rows = [r.record for r in response.context["table"].rows]
    assert [(f.unit.code, f.target.code) for f in rows[:2]] == [
        ("304", "CQS-03b"),
        ("304", "CQS-03c"),
    ]
    assert len(rows) == 2 + 12
    assert rows[1].value == Decimal(40)
    assert "40,00%" in response.content.decode()


def test_completeness_lists_missing_reports_per_district(manager_client, hand_made):
    response = manager_client.get(f"/tinh-hinh-bao-cao/?{PERIOD}&district=304")
    rows = [r.record for r in response.context["table"].rows]
    assert {f.target.code for f in rows} == {"CQS-03b", "CQS-03c"}
    assert len(rows) == 1 + 10  # the district's own CQS-03b, 10 of 12 communes
    counts = {c.name: c for c in response.context["count_table"].data.data}
    assert (counts["Ngô Quyền"].expected, counts["Ngô Quyền"].reported) == (13, 2)


def test_district_viewer_sees_only_their_district(client, make_user, hand_made):
    client.force_login(make_user("ngoquyen", memberships=[("304", "viewer")]))
    assert client.get(f"/don-vi/303/?{PERIOD}").status_code == 404  # Hồng Bàng
    assert client.get(f"/don-vi/11296/?{PERIOD}").status_code == 404  # a Hồng Bàng commune
    assert client.get(f"/don-vi/304/?{PERIOD}").status_code == 200
    assert client.get(f"/don-vi/11329/?{PERIOD}").status_code == 200
    assert client.get("/kh74-2022/CQS-01/?as_of=2022-12-31").status_code == 404  # city target
    detail = client.get("/kh74-2022/CQS-03c/?as_of=2022-12-31")
    assert len(detail.context["table"].rows) == 12
    # A district's dashboard ranks its own communes (the level below its unit).
    dashboard = client.get(f"/?{PERIOD}")
    communes = [row.unit.code for row in dashboard.context["scorecard"].rows]
    assert len(communes) == 12 and set(communes) >= {"11329", "11332"}
    table = client.get(f"/chi-tieu/?{PERIOD}").context["table"]
    assert [r.record.target.code for r in table.rows] == ["CQS-03b", "CQS-03c"]


def test_user_without_a_unit_is_refused(client, make_user):
    client.force_login(make_user("nobody"))
    assert client.get(f"/?{PERIOD}").status_code == 403


@pytest.mark.parametrize(
    ("as_of", "shown"),
    [("2022-12-31", "31/12/2022"), ("31/12/2022", "31/12/2022"), ("30/6/2022", "30/06/2022")],
)
def test_as_of_reads_iso_and_vietnamese_dates(manager_client, as_of, shown):
    response = manager_client.get(f"/chi-tieu/?plan=kh74-2022&as_of={as_of}")
    assert response.status_code == 200
    assert f"Tính đến ngày {shown}" in response.content.decode()


@pytest.mark.parametrize("as_of", ["31/02/2022", "hôm qua", "1899-01-01", "9999-12-31"])
def test_invalid_date_gives_a_message_not_an_error(manager_client, as_of):
    response = manager_client.get(f"/?as_of={as_of}")
    assert response.status_code == 200
    assert "Ngày" in response.context["period"].errors[0]
    assert response.context["period"].errors[0] in response.content.decode()


def test_unknown_plan_in_query_falls_back_with_a_message(manager_client):
    response = manager_client.get("/chi-tieu/?plan=khong-co&as_of=2022-05-01")
    assert response.status_code == 200
    assert response.context["period"].plan.code == "kh74-2022"
    assert "khong-co" in response.content.decode()


def test_unknown_plan_or_target_in_path_is_404(manager_client):
    assert manager_client.get("/khong-co/CQS-01/").status_code == 404
    assert manager_client.get("/kh74-2022/KHONG-01/").status_code == 404


def test_error_pages_are_the_sites_own_in_vietnamese(manager_client, client, make_user):
    missing = manager_client.get("/kh74-2022/KHONG-01/")
    assert missing.status_code == 404
    assert "<h1>Không tìm thấy trang</h1>" in missing.content.decode()
    assert b'href="/static/targets/tracker.css"' in missing.content
    client.force_login(make_user("nobody"))
    refused = client.get(f"/?{PERIOD}")
    assert refused.status_code == 403
    assert "<h1>Không có quyền truy cập</h1>" in refused.content.decode()


def test_default_plan_is_the_one_running_on_the_date():
    plans = list(Plan.objects.all())
    assert default_plan(plans, datetime.date(2022, 6, 1)).code == "kh74-2022"
    assert default_plan(plans, datetime.date(2024, 6, 1)).code == "nq03-2025"
    assert default_plan(plans, datetime.date(2027, 1, 1)).code == "nq03-2025"
    assert default_plan(plans, datetime.date(2020, 1, 1)).code in {"kh74-2022", "nq03-2025"}
    assert default_plan([], datetime.date(2022, 6, 1)) is None


@pytest.mark.parametrize(
    "sort",
    [
        "status",
        "-status",
        "value",
        "-value",
        "target_value",
        "pillar",
        "completeness",
        "last_period",
        "target_name",
    ],
)
def test_target_table_sorts_by_any_column(manager_client, hand_made, sort):
    response = manager_client.get(f"/chi-tieu/?{PERIOD}&sort={sort}")
    assert response.status_code == 200
    codes = [r.record.target.code for r in response.context["table"].rows]
    assert len(codes) == 16
    if sort == "status":
        assert codes[0] == "CQS-03c"  # achieved first


def test_target_table_filters(manager_client, hand_made):
    def codes(query):
        table = manager_client.get(f"/chi-tieu/?{PERIOD}&{query}").context["table"]
        return [r.record.target.code for r in table.rows]

    assert codes("status=achieved") == ["CQS-03c"]
    assert codes("status=missed") == ["DTI-01"]
    assert len(codes("pillar=economy")) == 3
    assert codes("reporting_units=communes") == ["CQS-03c"]
    assert len(codes("responsible_unit=STTTT")) == 16
    assert codes("q=DTI") == ["DTI-01"]


def test_target_table_is_paginated_with_links_to_detail(manager_client):
    response = manager_client.get(f"/chi-tieu/?{PERIOD}")
    assert response.context["table"].paginator.per_page == 25
    assert 'href="/kh74-2022/CQS-03c/?as_of=2022-12-31"' in response.content.decode()


def test_base_template_has_nav_language_switch_and_post_logout(manager_client):
    html = manager_client.get(f"/?{PERIOD}").content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert f'<form action="{reverse("logout")}" method="post"' in html
    assert reverse("targets:completeness") in html
    # No asset from elsewhere (a CDN): every src and href is the app's own. (Not a search
    # for "cdn": the page's random CSRF token may hold those letters.)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert "googleapis" not in html


def test_completeness_skips_targets_with_no_period_ended_yet(manager_client):
    response = manager_client.get("/tinh-hinh-bao-cao/?plan=kh74-2022&as_of=2022-09-30")
    codes = {r.record.target.code for r in response.context["table"].rows}
    assert "CQS-03c" in codes  # monthly: September is due
    assert not codes & {"KTS-01", "KTS-02", "KTS-03", "XHS-03", "DTI-01"}  # annual: not yet


def table_bodies(html: str) -> list[str]:
    """Every ``<tbody>`` of a page, whitespace between tags removed."""
    import re

    bodies = re.findall(r"<tbody[^>]*>(.*?)</tbody>", html, re.S)
    return [re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body)).strip() for body in bodies]
