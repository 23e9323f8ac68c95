"""The API (/api/v1/): tokens, scope, the write path through the services, batches,
messages in the caller's language, throttling, and the admin's token pages."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from targets.domain.models import ApiToken, ProgressEntry

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)
NOV = datetime.date(2022, 11, 30)
JSON = "application/json"


@pytest.fixture(autouse=True)
def _fresh_counts_and_language():
    """Throttle counts live in the cache; a request in English leaves English active."""
    cache.clear()
    yield
    cache.clear()
    translation.deactivate()


def bearer(user) -> dict:
    """Request headers carrying a new token of ``user``."""
    _token, key = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def cqs(target):
    return target("CQS-03c")


@pytest.fixture
def two_communes(cqs, unit, make_entry, cast):
    """A draft of Máy Chai (11329, the commune reporter's) and one of 11332, both in
    Ngô Quyền (304)."""
    own = make_entry(cqs, unit("11329"), NOV, numerator=1, denominator=2, status="draft")
    other = make_entry(cqs, unit("11332"), NOV, numerator=3, denominator=4, status="draft")
    return own, other


# --- Authentication -------------------------------------------------------------------

ENDPOINTS = [
    "/api/v1/plans/",
    "/api/v1/pillars/",
    "/api/v1/targets/",
    "/api/v1/units/",
    "/api/v1/figures/",
    "/api/v1/entries/",
    "/api/v1/entries/1/",
    "/api/v1/schema",
    "/api/v1/no-such-thing/",
]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_request_without_token_is_401_with_www_authenticate(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert json.loads(response.content)["detail"].startswith(
        "Chưa có thông tin xác thực: hãy gửi khóa API"
    )


def test_wrong_or_revoked_token_is_401(client, cast):
    headers = bearer(cast.commune_reporter)
    assert client.get("/api/v1/plans/", **headers).status_code == 200
    wrong = headers["HTTP_AUTHORIZATION"][:-3] + "abc"
    assert client.get("/api/v1/plans/", HTTP_AUTHORIZATION=wrong).status_code == 401
    assert client.get("/api/v1/plans/", HTTP_AUTHORIZATION="Bearer x y").status_code == 401
    ApiToken.objects.all().revoke()
    response = client.get("/api/v1/plans/", **headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "Khóa API không đúng hoặc đã bị thu hồi."


def test_token_of_a_deactivated_user_is_401(client, cast):
    headers = bearer(cast.commune_reporter)
    cast.commune_reporter.is_active = False
    cast.commune_reporter.save()
    assert client.get("/api/v1/plans/", **headers).status_code == 401


def test_token_is_stored_hashed_and_records_its_last_use(client, cast):
    token, key = ApiToken.issue(user=cast.commune_reporter, name="Phần mềm của phường")
    assert key.startswith(token.prefix + "_")
    stored = ApiToken.objects.get()
    assert key not in {stored.prefix, stored.key_hash} and len(stored.key_hash) == 64
    assert stored.last_used_at is None
    assert client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    stored.refresh_from_db()
    assert timezone.now() - stored.last_used_at < datetime.timedelta(minutes=1)


def test_browser_session_reads_the_api_and_the_docs(client, cast):
    client.force_login(cast.city_viewer)
    assert client.get("/api/v1/plans/").status_code == 200
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "https://" not in html.replace("https://github.com", "")  # no CDN
    script = client.get("/api/v1/docs?script=")  # a file of its own, not an inline script
    assert script["Content-Type"].startswith("application/javascript")
    assert "X-CSRFTOKEN" in script.content.decode()  # "Try it out" posts with the session


def test_docs_send_an_anonymous_visitor_to_login(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Scope ----------------------------------------------------------------------------


def test_commune_reporter_cannot_read_another_communes_entry(client, cast, two_communes):
    own, other = two_communes
    headers = bearer(cast.commune_reporter)
    listed = client.get("/api/v1/entries/", **headers).json()["results"]
    assert [row["id"] for row in listed] == [own.pk]
    assert client.get(f"/api/v1/entries/{own.pk}/", **headers).status_code == 200
    assert client.get(f"/api/v1/entries/{other.pk}/", **headers).status_code == 404
    assert client.get("/api/v1/figures/?unit=11332", **headers).status_code == 404


def test_commune_reporter_cannot_write_another_communes_entry(client, cast, two_communes):
    _own, other = two_communes
    headers = bearer(cast.commune_reporter)
    change = {"expected_version": 1, "numerator": "1", "denominator": "4"}
    assert (
        client.patch(f"/api/v1/entries/{other.pk}/", change, content_type=JSON, **headers)
    ).status_code == 404
    submit = client.post(
        f"/api/v1/entries/{other.pk}/submit/", {"expected_version": 1}, JSON, **headers
    )
    assert submit.status_code == 404
    other.refresh_from_db()
    assert (other.numerator, other.status, other.version) == (Decimal(3), "draft", 1)


def test_commune_reporter_cannot_create_an_entry_for_another_commune(client, cast):
    body = {
        "plan": "kh74-2022",
        "target": "CQS-03c",
        "unit": "11332",
        "period_end": "2022-11-30",
        "numerator": "1",
        "denominator": "2",
    }
    response = client.post("/api/v1/entries/", body, JSON, **bearer(cast.commune_reporter))
    assert response.status_code == 403
    assert not ProgressEntry.objects.exists()


def test_viewer_token_cannot_write(client, cast, two_communes):
    own, _other = two_communes
    headers = bearer(cast.viewer)  # viewer of Ngô Quyền: reads 11329's entries past draft
    assert client.get(f"/api/v1/entries/{own.pk}/", **headers).status_code == 404  # a draft
    ProgressEntry.objects.filter(pk=own.pk).update(status=ProgressEntry.Status.SUBMITTED)
    assert client.get(f"/api/v1/entries/{own.pk}/", **headers).status_code == 200
    body = {
        "plan": "kh74-2022",
        "target": "CQS-03c",
        "unit": "11329",
        "period_end": "2022-10-31",
        "numerator": "1",
        "denominator": "2",
    }
    assert client.post("/api/v1/entries/", body, JSON, **headers).status_code == 403
    change = {"expected_version": 1, "numerator": "2"}
    assert (
        client.patch(f"/api/v1/entries/{own.pk}/", change, content_type=JSON, **headers)
    ).status_code == 403
    assert (
        client.post(f"/api/v1/entries/{own.pk}/submit/", {"expected_version": 1}, JSON, **headers)
    ).status_code == 403
    batch = {"plan": "kh74-2022", "period_end": "2022-10-31", "entries": [body]}
    assert client.post("/api/v1/entries/batch/", batch, JSON, **headers).status_code == 400
    assert ProgressEntry.objects.count() == 2
    own.refresh_from_db()
    assert (own.numerator, own.status, own.version) == (Decimal(1), "submitted", 1)


# --- The write path -------------------------------------------------------------------


def test_reporter_creates_edits_and_submits_a_draft_with_history(client, cast):
    headers = bearer(cast.commune_reporter)
    body = {
        "plan": "kh74-2022",
        "target": "CQS-03c",
        "unit": "11329",
        "period_end": "2022-11-30",
        "numerator": "30",
        "denominator": "60",
        "note": "Từ phần mềm một cửa",
    }
    created = client.post("/api/v1/entries/", body, JSON, **headers)
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["status"], data["version"], data["value"]) == ("draft", 1, "50.0000")
    assert data["created_by"] == cast.commune_reporter.username
    url = f"/api/v1/entries/{data['id']}/"
    edited = client.patch(
        url, {"expected_version": 1, "numerator": "45"}, content_type=JSON, **headers
    )
    assert edited.status_code == 200, edited.content
    assert (edited.json()["value"], edited.json()["version"]) == ("75.0000", 2)
    submitted = client.post(url + "submit/", {"expected_version": 2}, JSON, **headers)
    assert submitted.status_code == 200
    assert (submitted.json()["status"], submitted.json()["version"]) == ("submitted", 3)
    entry = ProgressEntry.objects.get()
    reasons = [h.history_change_reason for h in entry.history.order_by("history_date")]
    assert reasons == ["Tạo mới", "Sửa số liệu", "Gửi duyệt"]
    assert {h.history_user for h in entry.history.all()} == {cast.commune_reporter}
    # Submitted: no longer editable.
    again = client.patch(
        url, {"expected_version": 3, "numerator": "1"}, content_type=JSON, **headers
    )
    assert again.status_code == 403


def test_stale_version_is_409_naming_who_saved_and_changes_nothing(client, cast, two_communes):
    own, _other = two_communes
    headers = bearer(cast.commune_reporter)
    url = f"/api/v1/entries/{own.pk}/"
    assert (
        client.patch(url, {"expected_version": 1, "numerator": "2"}, content_type=JSON, **headers)
    ).status_code == 200
    stale = client.patch(
        url, {"expected_version": 1, "numerator": "0"}, content_type=JSON, **headers
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert "phiên bản 2" in stale.json()["detail"]
    own.refresh_from_db()
    assert (own.numerator, own.version) == (Decimal(2), 2)


def test_reviewer_approves_or_returns_with_a_reason(client, cast, cqs, unit, make_entry):
    first = make_entry(cqs, unit("11329"), NOV, numerator=1, denominator=2, status="submitted")
    second = make_entry(cqs, unit("11332"), NOV, numerator=1, denominator=2, status="submitted")
    headers = bearer(cast.reviewer)
    approved = client.post(
        f"/api/v1/entries/{first.pk}/approve/", {"expected_version": 1}, JSON, **headers
    )
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["approved_by"]) == (
        "approved",
        cast.reviewer.username,
    )
    url = f"/api/v1/entries/{second.pk}/return/"
    no_reason = client.post(url, {"expected_version": 1, "reason": "  "}, JSON, **headers)
    assert no_reason.status_code == 400
    assert list(no_reason.json()) == ["reason"]
    returned = client.post(url, {"expected_version": 1, "reason": "Sai mẫu số"}, JSON, **headers)
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["review_note"]) == ("returned", "Sai mẫu số")


def test_reporter_cannot_approve(client, cast, cqs, unit, make_entry):
    entry = make_entry(cqs, unit("11329"), NOV, numerator=1, denominator=2, status="submitted")
    response = client.post(
        f"/api/v1/entries/{entry.pk}/approve/",
        {"expected_version": 1},
        JSON,
        **bearer(cast.commune_reporter),
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == "submitted"


BAD = {
    "plan": "kh74-2022",
    "target": "CQS-03c",
    "unit": "11329",
    "period_end": "2022-11-29",
    "numerator": "5",
    "denominator": "3",
}


def test_refused_figures_are_400_by_field_in_vietnamese(client, cast):
    response = client.post("/api/v1/entries/", BAD, JSON, **bearer(cast.commune_reporter))
    assert response.status_code == 400
    assert response["Content-Language"] == "vi"
    assert response.json() == {
        "numerator": ["Tử số (5) không được lớn hơn mẫu số (3)."],
        "period_end": [
            "Ngày 29/11/2022 không phải ngày cuối của một kỳ báo cáo hằng tháng của chỉ tiêu này."
        ],
    }
    missing = client.post("/api/v1/entries/", {}, JSON, **bearer(cast.commune_reporter))
    assert missing.json()["plan"] == ["Trường này là bắt buộc."]


def test_refused_figures_are_in_english_with_accept_language_en(client, cast):
    response = client.post(
        "/api/v1/entries/", BAD, JSON, HTTP_ACCEPT_LANGUAGE="en", **bearer(cast.commune_reporter)
    )
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert response.json()["numerator"] == [
        "The numerator (5) cannot be greater than the denominator (3)."
    ]
    assert "Accept-Language" in response["Vary"]


def test_hostile_input_is_refused_not_a_500(client, cast, two_communes):
    own, _other = two_communes
    headers = bearer(cast.commune_reporter)
    url = f"/api/v1/entries/{own.pk}/"
    for body in (
        {"expected_version": "x"},
        {"expected_version": 1, "numerator": "NaN"},
        {"expected_version": 1, "numerator": "1e400"},
        {"expected_version": 10**30},
        {"expected_version": 1, "evidence_url": "javascript:alert(1)"},
        {"expected_version": 1, "note": "a\x00b"},  # PostgreSQL cannot store NUL
    ):
        assert client.patch(url, body, content_type=JSON, **headers).status_code == 400, body
    assert client.patch(url, "{not json", content_type=JSON, **headers).status_code == 400
    assert client.get("/api/v1/entries/?changed_since=yesterday", **headers).status_code == 400
    for moment in ("0001-01-01T00:00:00%2B07:00", "9999-12-31T23:59:59-07:00"):
        url = f"/api/v1/entries/?changed_since={moment}"
        assert client.get(url, **headers).status_code == 400
    # Broken UTF-8: refused by the request guard before the API sees it.
    assert client.get("/api/v1/entries/?cursor=%ff%fe", **headers).status_code == 400
    assert client.get("/api/v1/entries/?cursor=abc", **headers).status_code == 404
    assert client.get("/api/v1/figures/?as_of=0001-01-01", **headers).status_code == 400
    assert client.get("/api/v1/entries/abc/", **headers).status_code == 404
    for path in (
        "/api/v1/entries/?target=%00",
        "/api/v1/figures/?plan=a%00",
        "/api/v1/plans/a%00/",
    ):
        assert client.get(path, **headers).status_code == 400, path


# --- Reading entries ------------------------------------------------------------------


def test_entries_filter_by_target_unit_period_status_and_change_time(
    client, cast, target, unit, make_entry
):
    cqs = target("CQS-03c")
    old = make_entry(cqs, unit("11329"), datetime.date(2022, 10, 31), numerator=1, denominator=2)
    new = make_entry(cqs, unit("11332"), NOV, numerator=1, denominator=2, status="submitted")
    district = make_entry(target("CQS-03b"), unit("304"), NOV, numerator=1, denominator=2)
    ProgressEntry.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    headers = bearer(cast.viewer)

    def ids(query):
        response = client.get(f"/api/v1/entries/?{query}", **headers)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == [old.pk, new.pk, district.pk]
    assert ids("target=CQS-03c") == [old.pk, new.pk]
    assert ids("plan=kh74-2022&target=CQS-03b") == [district.pk]
    assert ids("unit=11332") == [new.pk]
    assert ids("period_end=2022-10-31") == [old.pk]
    assert ids("period_end_from=2022-11-01") == [new.pk, district.pk]
    assert ids("status=submitted") == [new.pk]
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert ids("changed_since=" + since.replace("+", "%2B")) == [new.pk, district.pk]


def test_entries_cursor_pages_walk_every_entry_without_counting(
    client, cast, cqs, unit, make_entry, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for month in range(1, 12):
        day = datetime.date(2022, month + 1, 1) - datetime.timedelta(days=1)
        make_entry(cqs, unit("11329"), day, numerator=1, denominator=2)
    headers = bearer(cast.commune_reporter)
    url, seen = "/api/v1/entries/?page_size=4", []
    with CaptureQueriesContext(connection) as queries:
        while url:
            page = client.get(url, **headers).json()
            seen += [row["id"] for row in page["results"]]
            url = page["next"]
    assert seen == sorted(ProgressEntry.objects.values_list("pk", flat=True))
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


# --- Reference data -------------------------------------------------------------------


def test_targets_carry_plan_wording_comparator_and_2025_value(client, cast):
    response = client.get("/api/v1/targets/?plan=kh74-2022&code=CQS-03c", **bearer(cast.viewer))
    (cqs,) = response.json()
    assert cqs["source_text"] == "30% hồ sơ công việc tại cấp xã được xử lý trên môi trường mạng"
    assert (cqs["comparator"], cqs["target_value"], cqs["measure"]) == ("gte", "30.0000", "ratio")
    assert cqs["target_2025"] == {
        "plan": "nq03-2025",
        "target_value": "60.0000",
        "deadline": "2025-12-31",
    }
    xhs = client.get("/api/v1/targets/?plan=kh74-2022&code=XHS-02", **bearer(cast.viewer)).json()
    assert xhs[0]["target_2025"] is None  # the 2025 plan does not hold it


def test_units_are_the_tree_with_codes(client, cast):
    headers = bearer(cast.commune_reporter)
    may_chai = client.get("/api/v1/units/11329/", **headers).json()
    assert (may_chai["parent"], may_chai["level"], may_chai["kind"]) == ("304", "commune", "phuong")
    communes = client.get("/api/v1/units/?parent=304&level=commune", **headers).json()
    assert "11329" in {u["code"] for u in communes} and len(communes) > 5
    assert client.get("/api/v1/units/?level=city&kind=city", **headers).json()[0]["code"] == "31"


# --- Batches from machines ------------------------------------------------------------


def batch(*rows, submit=False, period="2022-11-30"):
    return {"plan": "kh74-2022", "period_end": period, "submit": submit, "entries": list(rows)}


ROW_A = {"target": "CQS-03c", "unit": "11329", "numerator": "30", "denominator": "60"}
ROW_B = {"target": "CQS-03c", "unit": "11332", "numerator": "10", "denominator": "40"}
ROW_DISTRICT = {"target": "CQS-03b", "unit": "304", "numerator": "5", "denominator": "10"}


def test_batch_stores_every_row_through_the_import(client, cast):
    response = client.post(
        "/api/v1/entries/batch/", batch(ROW_A, ROW_B, ROW_DISTRICT), JSON, **bearer(cast.reporter)
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "stored": True,
        "received": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
    }
    entries = ProgressEntry.objects.order_by("unit__code")
    assert [(e.unit.code, e.value, e.status) for e in entries] == [
        ("11329", Decimal(50), "draft"),
        ("11332", Decimal(25), "draft"),
        ("304", Decimal(50), "draft"),
    ]
    assert entries[0].history.get().history_change_reason == "Nhập từ tệp (import): API v1: test"


def test_batch_is_all_or_nothing(client, cast):
    bad = {**ROW_B, "numerator": "50"}  # above its denominator
    response = client.post(
        "/api/v1/entries/batch/", batch(ROW_A, bad), JSON, **bearer(cast.reporter)
    )
    assert response.status_code == 400
    result = response.json()
    assert (result["stored"], result["created"]) == (False, 0)
    assert result["errors"] == [
        {"index": 1, "field": "numerator", "message": "Tử số (50) không được lớn hơn mẫu số (40)."}
    ]
    assert not ProgressEntry.objects.exists()


def test_batch_refuses_a_unit_outside_the_scope(client, cast):
    response = client.post(
        "/api/v1/entries/batch/", batch(ROW_A, ROW_B), JSON, **bearer(cast.commune_reporter)
    )
    assert response.status_code == 400
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [(1, "unit")]
    assert not ProgressEntry.objects.exists()


@pytest.mark.parametrize("submit", [False, True])
def test_sending_the_same_batch_twice_changes_nothing(client, cast, submit):
    headers = bearer(cast.reporter)
    body = batch(ROW_A, ROW_B, submit=submit)
    assert client.post("/api/v1/entries/batch/", body, JSON, **headers).json()["created"] == 2
    before = {(e.pk, e.version, e.status, e.updated_at) for e in ProgressEntry.objects.all()}
    history = ProgressEntry.history.count()
    again = client.post("/api/v1/entries/batch/", body, JSON, **headers)
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (
        0,
        0,
        2,
    )
    after = {(e.pk, e.version, e.status, e.updated_at) for e in ProgressEntry.objects.all()}
    assert after == before and ProgressEntry.history.count() == history
    # A changed figure is an update of that row only.
    changed = batch(ROW_A, {**ROW_B, "numerator": "20"})
    third = client.post("/api/v1/entries/batch/", changed, JSON, **headers)
    if submit:  # submitted entries are locked for the reporter: refused, nothing stored
        assert third.status_code == 400
    else:
        assert (third.json()["updated"], third.json()["unchanged"]) == (1, 1)


# --- Throttling -----------------------------------------------------------------------


def test_requests_beyond_the_rate_are_429_per_token(client, cast, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "3/minute", "api_import": "1/minute"},
    }
    first, second = bearer(cast.commune_reporter), bearer(cast.commune_reporter)
    codes = [client.get("/api/v1/plans/", **first).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    throttled = client.get("/api/v1/plans/", **first)
    assert int(throttled["Retry-After"]) > 0
    assert client.get("/api/v1/plans/", **second).status_code == 200  # another token


# --- Tokens in the admin --------------------------------------------------------------


def test_staff_creates_a_token_in_the_admin_sees_it_once_and_revokes_it(client, cast):
    client.force_login(cast.commune_reporter)
    page = client.post("/admin/targets/apitoken/add/", {"name": "Phần mềm một cửa"})
    assert page.status_code == 200
    token = ApiToken.objects.get()
    assert token.user == cast.commune_reporter
    key = page.context["key"]
    assert key.startswith(token.prefix) and key in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    listing = client.get("/admin/targets/apitoken/")
    assert token.prefix in listing.content.decode() and key not in listing.content.decode()
    assert client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    client.post(
        "/admin/targets/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_staff_sees_only_their_own_tokens_and_plan_admins_issue_for_others(client, cast):
    mine, _key = ApiToken.issue(user=cast.commune_reporter, name="mine")
    theirs, _key = ApiToken.issue(user=cast.reporter, name="theirs")
    client.force_login(cast.commune_reporter)
    assert client.get(f"/admin/targets/apitoken/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/targets/apitoken/{theirs.pk}/change/").status_code == 302
    client.post("/admin/targets/apitoken/add/", {"name": "x", "user": cast.reporter.pk})
    assert ApiToken.objects.filter(name="x").get().user == cast.commune_reporter
    client.force_login(cast.plan_admin)
    page = client.post(
        "/admin/targets/apitoken/add/", {"name": "Cổng dữ liệu", "user": cast.city_viewer.pk}
    )
    assert page.status_code == 200
    assert ApiToken.objects.get(name="Cổng dữ liệu").user == cast.city_viewer


def test_plan_admin_cannot_issue_a_token_for_an_account_above_their_power(client, cast, admin_user):
    """A token acts with its owner's rights: a plan administrator issuing one for a
    reviewer or a superuser would gain the right to approve."""
    client.force_login(cast.plan_admin)
    for account in (admin_user, cast.reviewer):
        page = client.post("/admin/targets/apitoken/add/", {"name": "x", "user": account.pk})
        assert page.status_code == 200  # the form again, with the field's error
        assert not ApiToken.objects.filter(user=account).exists()
