"""Bad input, generated: a thousand entry forms through the admin's add form and save path,
and more posted through the whole admin page. None may give a server error; none may store
an entry that is invalid or outside the reporter's scope."""

import calendar
import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from targets.domain import scope
from targets.domain.models import AdministrativeUnit, ProgressEntry, Target

pytestmark = [
    pytest.mark.django_db,
]

ADD_URL = "/admin/targets/progressentry/add/"

TARGET_CODES = ["CQS-03c", "CQS-03b", "CQS-03a", "CQS-01", "CQS-05", "KTS-01", "KTS-03", "DTI-01"]
# In the district reporter's scope (304 and its communes), and outside it.
UNIT_CODES = ["11329", "11332", "304", "303", "11296", "31", "STTTT"]

JUNK = st.sampled_from(
    ["", " ", "abc", "-1", "0", "1e3", "999999999999", "١٢", "1; DROP TABLE x", "\x00", "None"]
)

NUMBER_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "NaN",
            "nan",
            "Infinity",
            "-Infinity",
            "inf",
            "1e400",
            "-0",
            "1,5",
            "1.5",
            "1.234,5",
            "1,234.5",
            "12,3456789",
            "1_000",
            "½",
            "10%",
            "0x10",
            "9" * 40,
            "-" + "9" * 15,
        ]
    ),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
    st.decimals(min_value=-1000, max_value=1000, places=4).map(lambda d: str(d).replace(".", ",")),
    st.text(max_size=12),
)


def _date_text(day: datetime.date, style: int) -> str:
    return [day.strftime("%d/%m/%Y"), day.isoformat(), day.strftime("%m/%d/%Y")][style]


DATE_TEXT = st.one_of(
    st.sampled_from(["30/11/2022", "31/12/2022", "30/09/2022", "31/03/2022"]),
    st.builds(
        _date_text,
        st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)),
        st.integers(0, 2),
    ),
    st.sampled_from(["31/02/2022", "00/00/0000", "30/11/22", "2022-13-01", "", "hôm nay"]),
    st.text(max_size=20),
)

LONG_TEXT = st.one_of(
    st.text(max_size=40),
    st.integers(4990, 5010).map(lambda n: "đ" * n),
    st.just("x" * 20_000),
)

URL_TEXT = st.one_of(
    st.just(""),
    st.sampled_from(
        [
            "https://haiphong.gov.vn/bao-cao.pdf",
            "javascript:alert(1)",
            "ftp://x",
            "http://",
            "haiphong.gov.vn/a b",
            "https://" + "a" * 600 + ".vn",
        ]
    ),
    st.text(max_size=30),
)


@st.composite
def entry_forms(draw, target_ids, unit_ids):
    return {
        "target": draw(st.one_of(st.sampled_from(target_ids), JUNK)),
        "unit": draw(st.one_of(st.sampled_from(unit_ids), JUNK)),
        "period_end": draw(DATE_TEXT),
        "numerator": draw(NUMBER_TEXT),
        "denominator": draw(NUMBER_TEXT),
        "value": draw(NUMBER_TEXT),
        "note": draw(LONG_TEXT),
        "evidence_url": draw(URL_TEXT),
        "seen_version": draw(st.one_of(st.just(""), JUNK)),
    }


MONTH_ENDS_2022 = [
    datetime.date(2022, month, calendar.monthrange(2022, month)[1]).strftime("%d/%m/%Y")
    for month in range(1, 13)
]
SMALL_NUMBER_TEXT = st.one_of(
    st.integers(-1, 500).map(str),
    st.decimals(min_value=0, max_value=500, places=2).map(lambda d: str(d).replace(".", ",")),
)


@st.composite
def plausible_entry_forms(draw, target_id, unit_ids):
    """Close to what a reporter types: the monthly commune ratio target (CQS-03c) for a
    commune in scope, a month end of 2022, small numbers: valid, or just off (a numerator
    above the denominator, a zero denominator, a value where none is asked). Without
    these, hardly any generated form is valid and the storing path would go untested."""
    return {
        "target": target_id,
        "unit": draw(st.sampled_from(unit_ids)),
        "period_end": draw(st.sampled_from(MONTH_ENDS_2022)),
        "numerator": draw(SMALL_NUMBER_TEXT),
        "denominator": draw(SMALL_NUMBER_TEXT),
        "value": draw(st.one_of(st.just(""), SMALL_NUMBER_TEXT)),
        "note": draw(st.one_of(st.just(""), LONG_TEXT)),
        "evidence_url": draw(st.one_of(st.just(""), URL_TEXT)),
        # A junk hidden version on an otherwise valid form is refused with no visible
        # message today (issue 14, item 5); the other forms still post junk versions.
        "seen_version": "",
    }


@pytest.fixture
def reporter_scope(cast):
    """The district reporter (304 and its communes), and the generated forms: naming
    targets and units in and out of that scope, or plausible ones."""

    def ids(queryset):
        return [str(pk) for pk in queryset.values_list("pk", flat=True)]

    target_ids = ids(Target.objects.filter(plan__code="kh74-2022", code__in=TARGET_CODES))
    unit_ids = ids(AdministrativeUnit.objects.filter(code__in=UNIT_CODES))
    commune_target = ids(Target.objects.filter(plan__code="kh74-2022", code="CQS-03c"))[0]
    communes = ids(AdministrativeUnit.objects.filter(code__in=["11329", "11332"]))
    forms = st.one_of(
        entry_forms(target_ids, unit_ids), plausible_entry_forms(commune_target, communes)
    )
    return cast.reporter, forms


def assert_stored_entry_is_valid(entry, reporter):
    """What a stored entry must be, whatever was posted."""
    entry.full_clean()  # every rule of the model holds
    assert scope.may_report(reporter, entry.target, entry.unit)
    assert entry.status == ProgressEntry.Status.DRAFT
    assert entry.created_by == reporter
    if entry.target.measure == Target.Measure.RATIO:
        expected = Decimal(100) * entry.numerator / entry.denominator
        assert entry.value == expected.quantize(Decimal("0.0001"))


# Every example is bad input by design: Hypothesis must not stop on it being slow (the
# machine is shared) or large (20,000-character notes).
FUZZ_HEALTH_CHECKS = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]


def test_a_thousand_generated_entry_forms_never_fail_and_never_store_bad_data(rf, reporter_scope):
    """The admin's own add form and save path, without the HTTP round trip: the form
    class is built once for the reporter exactly as the add view builds it (fieldsets,
    scope-limited choices), then each generated POST is validated, saved through
    ``save_model`` as the view saves it, and a refused form's errors and widgets are
    rendered with the posted values, as on the page. The whole page is posted by the
    test below."""
    reporter, generated_forms = reporter_scope
    model_admin = admin.site.get_model_admin(ProgressEntry)
    request = rf.post(ADD_URL)
    request.user = reporter
    fields = flatten_fieldsets(model_admin.get_fieldsets(request))
    entry_form = model_admin.get_form(request, None, change=False, fields=fields)
    outcomes = {"stored": 0, "refused": 0}
    shown = set()

    @settings(
        max_examples=1000, deadline=None, database=None, suppress_health_check=FUZZ_HEALTH_CHECKS
    )
    @given(data=generated_forms)
    def validate_one(data):
        form = entry_form(data, {}, instance=None)  # as the add view: POST, FILES, no object
        if form.is_valid():
            with transaction.atomic():  # the view's transaction; rolled back below
                try:
                    entry = model_admin.save_form(request, form, change=False)
                    model_admin.save_model(request, entry, form, False)
                except ValidationError as refusal:  # the view shows the form again
                    assert refusal.messages
                    transaction.set_rollback(True)
                    outcomes["refused"] += 1
                    return
                stored = ProgressEntry.objects.select_related("target", "unit").get()
                assert_stored_entry_is_valid(stored, reporter)
                transaction.set_rollback(True)
            outcomes["stored"] += 1
        else:
            # The page shows the errors and every posted value back in its widget: a
            # server error there raises here. A widget shows the same value the same way,
            # so each (field, value) is rendered once.
            assert 'class="errorlist' in form.errors.as_ul()
            for field in form:
                shown_once = (field.name, repr(field.value()))
                if shown_once not in shown:
                    str(field)
                    shown.add(shown_once)
            outcomes["refused"] += 1

    validate_one()
    assert outcomes["stored"] + outcomes["refused"] >= 1000
    assert outcomes["refused"] > 0 and outcomes["stored"] > 0
    assert not ProgressEntry.objects.exists()


def test_generated_entry_forms_posted_to_the_admin_never_give_a_server_error(
    client, reporter_scope
):
    """The same generated forms through the whole request: middleware, the add view, its
    page. Fewer examples: each costs a full request and page."""
    reporter, generated_forms = reporter_scope
    client.force_login(reporter)
    outcomes = {"stored": 0, "refused": 0}

    @settings(
        max_examples=40, deadline=None, database=None, suppress_health_check=FUZZ_HEALTH_CHECKS
    )
    @given(form=generated_forms)
    def post_one(form):
        response = client.post(ADD_URL, form)  # a server error raises here
        if response.status_code == 302:
            outcomes["stored"] += 1
            entry = ProgressEntry.objects.select_related("target", "unit").get()
            assert_stored_entry_is_valid(entry, reporter)
            entry.delete()
        else:
            assert response.status_code == 200
            assert not ProgressEntry.objects.exists()
            page = response.content.decode()
            assert "errornote" in page and 'class="errorlist' in page
            outcomes["refused"] += 1

    post_one()
    assert outcomes["stored"] + outcomes["refused"] >= 40
    assert outcomes["refused"] > 0


def test_refusals_speak_vietnamese(client, cast, target, unit):
    client.force_login(cast.reporter)
    base = {
        "target": target("CQS-03c").pk,
        "unit": unit("11329").pk,
        "period_end": "30/11/2022",
        "numerator": "1",
        "denominator": "2",
        "value": "",
        "note": "",
        "evidence_url": "",
    }
    cases = [
        ({"numerator": "abc"}, "“abc” không phải là một số."),
        ({"numerator": "NaN"}, "“NaN” không phải là một số."),
        ({"denominator": "0"}, "Mẫu số phải lớn hơn 0."),
        ({"numerator": "-1"}, "Tử số không được âm."),
        ({"numerator": "3"}, "Tử số (3) không được lớn hơn mẫu số (2)."),
        ({"period_end": "29/11/2022"}, "không phải ngày cuối của một kỳ báo cáo"),
        ({"period_end": "31/01/2023"}, "Kỳ báo cáo phải nằm trong thời gian của kế hoạch"),
        ({"unit": unit("304").pk}, "không thuộc cấp đó"),
        ({"unit": unit("11296").pk}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"note": "x" * 5001}, "Ghi chú dài quá 5.000 ký tự."),
    ]
    for change, message in cases:
        response = client.post(ADD_URL, {**base, **change})
        assert response.status_code == 200, change
        assert message in response.content.decode(), (change, message)
    assert not ProgressEntry.objects.exists()
    # The valid form goes in, with a decimal comma.
    response = client.post(ADD_URL, {**base, "numerator": "1,5", "denominator": "2"})
    assert response.status_code == 302
    assert ProgressEntry.objects.get().value == Decimal(75)
    assert reverse("admin:targets_progressentry_changelist") in response["Location"]
