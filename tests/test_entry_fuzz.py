"""Bad input, generated: a thousand entry forms posted through the admin. None may give a
server error; none may store an entry that is invalid or outside the reporter's scope."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from targets import scope
from targets.models import AdministrativeUnit, ProgressEntry, Target

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


def test_a_thousand_generated_entry_forms_never_fail_and_never_store_bad_data(client, cast):
    reporter = cast.reporter  # district 304 and its communes
    client.force_login(reporter)
    target_ids = [
        str(pk)
        for pk in Target.objects.filter(plan__code="kh74-2022", code__in=TARGET_CODES).values_list(
            "pk", flat=True
        )
    ]
    unit_ids = [
        str(pk)
        for pk in AdministrativeUnit.objects.filter(code__in=UNIT_CODES).values_list(
            "pk", flat=True
        )
    ]
    outcomes = {"stored": 0, "refused": 0}

    @settings(
        max_examples=1000,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(form=entry_forms(target_ids, unit_ids))
    def post_one(form):
        before = ProgressEntry.objects.count()
        response = client.post(ADD_URL, form)  # a server error raises here
        if response.status_code == 302:
            outcomes["stored"] += 1
            entry = ProgressEntry.objects.select_related("target", "unit").get()
            entry.full_clean()  # every rule of the model holds
            assert scope.may_report(reporter, entry.target, entry.unit)
            assert entry.status == ProgressEntry.Status.DRAFT
            assert entry.created_by == reporter
            if entry.target.measure == Target.Measure.RATIO:
                expected = Decimal(100) * entry.numerator / entry.denominator
                assert entry.value == expected.quantize(Decimal("0.0001"))
            entry.delete()
        else:
            assert response.status_code == 200
            assert ProgressEntry.objects.count() == before
            page = response.content.decode()
            assert "errornote" in page and 'class="errorlist' in page
            outcomes["refused"] += 1

    post_one()
    assert outcomes["stored"] + outcomes["refused"] >= 1000
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
