"""Should-fix items of issue 13 on input: the raw CSV's scope follows the admin's, ranks
have an upper bound; and the request guard and parameter parsing (no 500s)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from targets.domain import scope
from targets.domain.models import ProgressEntry
from targets.domain.models.entries import RANK_MAX
from tracker.middleware import malformed_request

pytestmark = pytest.mark.django_db

QUERY = {"plan": "kh74-2022", "as_of": "2022-12-31"}
DEC = datetime.date(2022, 12, 31)
S = ProgressEntry.Status


def raw_units_and_notes(client):
    response = client.get(reverse("targets:entries-csv"), QUERY, secure=True)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return sorted((row["Mã đơn vị"], row["Ghi chú"]) for row in csv.DictReader(io.StringIO(text)))


@pytest.fixture
def draft_and_submitted(target, unit, make_entry):
    cqs = target("CQS-03c")
    draft = make_entry(cqs, unit("11329"), numerator=1, denominator=2, status=S.DRAFT)
    submitted = make_entry(cqs, unit("11332"), numerator=1, denominator=2, status=S.SUBMITTED)
    ProgressEntry.objects.filter(pk=draft.pk).update(note="nháp riêng")
    ProgressEntry.objects.filter(pk=submitted.pk).update(note="đã gửi")
    return draft, submitted


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("reviewer", [("11332", "đã gửi")]),  # the admin hides drafts from reviewers
        ("viewer", [("11332", "đã gửi")]),  # managers likewise
        ("reporter", [("11329", "nháp riêng"), ("11332", "đã gửi")]),  # their own work
        ("root", [("11329", "nháp riêng"), ("11332", "đã gửi")]),
    ],
)
def test_raw_csv_shows_what_the_admin_shows(client, cast, draft_and_submitted, who, seen):
    user = getattr(cast, who)
    client.force_login(user)
    assert raw_units_and_notes(client) == seen
    if who != "viewer":  # viewers have no admin
        admin_units = set(scope.admin_entries(user).values_list("unit__code", flat=True))
        assert {code for code, _note in seen} == admin_units


@pytest.mark.parametrize(("rank", "ok"), [(RANK_MAX, True), (RANK_MAX + 1, False), (1000, False)])
def test_ranks_stop_at_the_number_of_provinces(target, unit, rank, ok):
    entry = ProgressEntry(target=target("DTI-01"), unit=unit("31"), period_end=DEC)
    entry.value = Decimal(rank)
    if ok:
        entry.clean()
        return
    with pytest.raises(ValidationError) as refused:
        entry.clean()
    assert refused.value.message_dict["value"] == [
        "Thứ hạng không thể lớn hơn 63 (số tỉnh, thành phố được xếp hạng)."
    ]


@pytest.mark.parametrize(
    ("path", "query", "malformed"),
    [
        (b"/don-vi/304/", "", False),
        ("/don-vi/Máy/".encode(), "q=M%C3%A1y%20Chai", False),
        (b"/don-vi/\x00/", "", True),
        (b"/don-vi/\xff/", "", True),
        (b"/", "plan=%00", True),
        (b"/", "q=%C3%28", True),
    ],
)
def test_the_guard_refuses_nul_and_broken_utf8(path, query, malformed):
    request = RequestFactory().get("/")
    request.META["PATH_INFO"] = path.decode("latin-1")  # how WSGI servers hand bytes over
    request.META["QUERY_STRING"] = query
    assert malformed_request(request) is malformed


def test_nul_in_an_autocomplete_term_is_a_400_page(client, cast):
    client.force_login(cast.reporter)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "targets",
            "model_name": "progressentry",
            "field_name": "unit",
            "term": "\x00",
        },
    )
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_non_numeric_history_ids_are_404(client, cast, target, unit, make_entry):
    entry = make_entry(target("CQS-03c"), unit("11329"), numerator=1, denominator=2)
    client.force_login(cast.root)
    for path in (
        "/admin/targets/progressentry/abc/history/",
        f"/admin/targets/progressentry/{entry.pk}/history/abc/",
        "/admin/targets/membership/0001-01-01/history/",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("period", ["garbage", "2022-02-30", "0001-01-01"])
def test_a_bad_period_filter_says_so_and_lists_nothing(client, cast, period, draft_and_submitted):
    client.force_login(cast.root)
    response = client.get(reverse("admin:targets_progressentry_changelist"), {"period": period})
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode() or "khoảng" in response.content.decode()
    assert response.context["cl"].result_count == 0


def test_a_negative_page_size_shows_the_first_page(client, cast):
    client.force_login(cast.city_viewer)
    response = client.get(reverse("targets:target-list"), {**QUERY, "per_page": "-1"})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 1
