"""The entry admin's polish (issue 16): figures as people read them, filters limited to
the scope and the current plan, the add form pre-filled from the query string, no
"today" shortcut on period ends, a Vietnamese history page, the language kept on the
account."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from targets.domain.models import ProgressEntry, UserProfile

pytestmark = pytest.mark.django_db

DEC = datetime.date(2022, 12, 31)
CHANGELIST = reverse("admin:targets_progressentry_changelist")
ADD = reverse("admin:targets_progressentry_add")


def test_entry_list_shows_figures_as_people_read_them(cast, login, target, unit, make_entry):
    make_entry(target("CQS-03c"), unit("11329"), DEC, numerator=1234, denominator=1344)
    html = login(cast.reporter).get(CHANGELIST).content.decode()
    assert "91,82%" in html and "1.234" in html and "1.344" in html
    assert "1234,0000" not in html and "91,8155" not in html


def test_approved_entry_page_shows_readable_figures(cast, login, target, unit, make_entry):
    entry = make_entry(target("CQS-03c"), unit("11329"), DEC, numerator=1234, denominator=1344)
    html = (
        login(cast.reporter)
        .get(reverse("admin:targets_progressentry_change", args=[entry.pk]))
        .content.decode()
    )
    assert "1.234" in html and "91,82%" in html and "1234,0000" not in html


def test_filters_offer_only_the_scope_and_the_current_plan(cast, login):
    response = login(cast.commune_reporter).get(CHANGELIST)
    specs = {spec.title: spec for spec in response.context["cl"].filter_specs}
    targets = [label for _value, label in specs["chỉ tiêu"].lookup_choices]
    # The commune reports CQS-03c; the 2022-2025 plan runs today (2025 and later:
    # the plan that ended last), one plan only.
    assert len(targets) == 1 and targets[0].startswith("CQS-03c")
    districts = [label for _value, label in specs["quận, huyện"].lookup_choices]
    assert districts == ["Ngô Quyền"]
    periods = specs["kỳ báo cáo (ngày cuối kỳ)"].lookup_choices
    plan_2022 = login(cast.commune_reporter).get(
        CHANGELIST
        + "?target__plan__id__exact="
        + str(
            ProgressEntry._meta.get_field("target")
            .related_model.objects.get(plan__code="kh74-2022", code="CQS-03c")
            .plan_id
        )
    )
    periods_2022 = {spec.title: spec for spec in plan_2022.context["cl"].filter_specs}[
        "kỳ báo cáo (ngày cuối kỳ)"
    ].lookup_choices
    assert len(periods_2022) == 12 and periods_2022[0][0] == "2022-12-31"
    assert len(periods) != len(periods_2022)


def test_add_form_is_prefilled_from_codes(cast, login, target, unit):
    html = (
        login(cast.reporter)
        .get(f"{ADD}?target=CQS-03c&unit=11329&period_end=2022-12-31")
        .content.decode()
    )
    cqs = target("CQS-03c")
    assert f'<option value="{cqs.pk}" selected>' in html
    assert f'<option value="{unit("11329").pk}" selected>' in html
    assert 'value="31/12/2022"' in html


def test_add_form_ignores_codes_it_cannot_find(cast, login):
    client = login(cast.reporter)
    for query in (
        "target=NOPE&unit=ZZZ&period_end=31-31-2022",
        "target=99999999999999999999999&unit=9223372036854775808&period_end=2022-02-30",
    ):
        response = client.get(f"{ADD}?{query}")
        assert response.status_code == 200
        assert "selected" not in response.content.decode().split('name="target"')[1][:300]
    # A NUL byte never reaches the form: the request guard refuses it.
    assert client.get(f"{ADD}?target=NOPE&unit=%00").status_code == 400


def test_period_end_has_no_today_shortcut(cast, login):
    html = login(cast.reporter).get(ADD).content.decode()
    period = html[html.index('name="period_end"') - 200 : html.index('name="period_end"') + 200]
    assert "vDateField" not in period
    assert "DateTimeShortcuts.js" not in html


def test_history_button_and_page_are_vietnamese(cast, login, target, unit, make_entry):
    entry = make_entry(target("CQS-03c"), unit("11329"), DEC, numerator=1, denominator=2)
    client = login(cast.reporter)
    page = client.get(reverse("admin:targets_progressentry_change", args=[entry.pk]))
    assert ">Lịch sử<" in page.content.decode()
    history = client.get(reverse("admin:targets_progressentry_history", args=[entry.pk]))
    html = history.content.decode()
    assert "Lịch sử: CQS-03c" in html and "1 mục" in html
    for english in (
        "History",
        "View history",
        ">Changes<",
        "Changed by",
        "Change reason",
        " entry",
    ):
        assert english not in html, english


def test_language_switch_is_stored_on_the_account_and_applied_at_login(client, cast):
    client.force_login(cast.city_viewer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert UserProfile.objects.get(user=cast.city_viewer).language == "en"
    client.post(reverse("logout"))
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)  # another browser
    client.force_login(cast.city_viewer)
    assert client.get("/?plan=kh74-2022&as_of=2022-12-31")["Content-Language"] == "en"


def test_anonymous_language_switch_stores_nothing(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert not UserProfile.objects.exists()
