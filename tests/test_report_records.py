"""Status report records: drafted, issued and frozen; who may create, see and issue them;
the admin's buttons and downloads; ``export_report --report``."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from targets.domain import services
from targets.domain.models import StatusReport
from targets.reports.records import report_document, report_issue
from tests.report_builders import (
    DEC,
    SIGNER,
    add_entries,
    docx_of,
    docx_text,
    make_report,
    pdf_of,
    pdf_text,
)

pytestmark = pytest.mark.django_db


def download(client, report, extension):
    url = reverse("admin:targets_statusreport_download", args=[report.pk, extension])
    return client.get(url, secure=True)


def correct_entry(entry, user, numerator):
    """Reopen an approved entry, change its numerator, submit it again, and have it
    approved by another superuser (whoever submits never approves)."""
    services.entry_reopen(entry=entry, user=user, reason="Sửa số liệu sai")
    entry.refresh_from_db()
    entry.numerator = numerator
    services.entry_update(entry=entry, user=user, expected_version=entry.version)
    services.entry_submit(entry=entry, user=user)
    approver, _created = get_user_model().objects.get_or_create(
        username="approver", defaults={"is_superuser": True, "is_staff": True}
    )
    services.entry_approve(entry=entry, user=approver)


def cqs03c_figure(document):
    return document["figures"]["CQS-03c"]["text"]


# --- freezing ----------------------------------------------------------------------------


def test_issued_report_keeps_its_figures_after_an_entry_is_corrected(
    target, unit, make_entry, admin_user
):
    second = add_entries(target, unit, make_entry)
    issued = report_issue(report=make_report(), user=admin_user)
    draft = make_report(number="")
    before_pdf = pdf_of(report_document(issued))
    before_docx = docx_text(docx_of(report_document(issued)))
    assert cqs03c_figure(report_document(draft)) == "40,00%"

    correct_entry(second, admin_user, numerator=30)  # (30 + 30) / (60 + 40)

    issued.refresh_from_db()
    after_pdf = pdf_of(report_document(issued))
    assert after_pdf == before_pdf  # the same bytes, so the same figures
    assert docx_text(docx_of(report_document(issued))) == before_docx
    assert "40,00%" in pdf_text(after_pdf)
    # The draft follows the data.
    assert cqs03c_figure(report_document(draft)) == "60,00%"


def test_reissuing_makes_a_new_version_and_the_history_says_who_issued_what(
    target, unit, make_entry, admin_user, cast
):
    second = add_entries(target, unit, make_entry)
    report = report_issue(report=make_report(), user=admin_user)
    correct_entry(second, admin_user, numerator=30)
    report = report_issue(report=report, user=cast.plan_admin)

    assert (report.version, report.issued_by) == (2, cast.plan_admin)
    assert cqs03c_figure(report.snapshot) == "60,00%"
    issues = report.history.filter(history_change_reason__startswith="Ban hành").order_by(
        "history_date"
    )
    assert [(h.history_change_reason, h.history_user, h.version) for h in issues] == [
        ("Ban hành phiên bản 1", admin_user, 1),
        ("Ban hành phiên bản 2", cast.plan_admin, 2),
    ]
    assert cqs03c_figure(issues[0].snapshot) == "40,00%"  # what version 1 showed


def test_issuing_takes_today_as_issue_date_when_none_is_set(admin_user):
    report = make_report(issue_date=None, number="7")
    report = report_issue(report=report, user=admin_user, today=datetime.date(2023, 1, 9))
    assert report.issue_date == datetime.date(2023, 1, 9)
    assert report.snapshot["heading"]["place_and_date"] == "Hải Phòng, ngày 09 tháng 01 năm 2023"
    assert report.snapshot["heading"]["draft_mark"] == ""


def test_a_report_cannot_be_issued_before_its_data_date(admin_user):
    from django.core.exceptions import ValidationError

    report = make_report(issue_date=None)
    with pytest.raises(ValidationError, match="Ngày ban hành không thể trước ngày số liệu"):
        report_issue(report=report, user=admin_user, today=DEC - datetime.timedelta(days=1))
    report.refresh_from_db()
    assert (report.status, report.version, report.snapshot) == ("draft", 0, None)


# --- scope ---------------------------------------------------------------------------------


@pytest.fixture
def two_districts():
    """Reports of Ngô Quyền (304) and Hồng Bàng (303)."""
    return make_report("304", number="11"), make_report("303", number="12")


def add_form(unit_pk, plan_pk, **extra):
    data = {
        "plan": plan_pk,
        "as_of": "31/12/2022",
        "unit": unit_pk,
        "symbol": "BC-UBND",
        "signer_position": "PHÓ CHỦ TỊCH",
        "recipients": "Lưu: VT.",
        "authority": "TM. ỦY BAN NHÂN DÂN",
        "signer_capacity": "KT. CHỦ TỊCH",
    }
    data.update(extra)
    return data


def test_district_reviewer_cannot_create_another_districts_report(client, cast, unit, plan):
    client.force_login(cast.reviewer)  # reviewer of Ngô Quyền (304)
    url = reverse("admin:targets_statusreport_add")
    response = client.post(url, add_form(unit("303").pk, plan.pk), secure=True)
    assert response.status_code == 200  # the form again, with the error
    assert not StatusReport.objects.exists()
    assert "errorlist" in response.content.decode()
    response = client.post(url, add_form(unit("304").pk, plan.pk), secure=True)
    assert response.status_code == 302
    report = StatusReport.objects.get()
    assert (report.unit.code, report.created_by, report.status) == ("304", cast.reviewer, "draft")


def test_district_reviewer_cannot_see_another_districts_report(client, cast, two_districts):
    own, other = two_districts
    client.force_login(cast.reviewer)
    listing = client.get(reverse("admin:targets_statusreport_changelist"), secure=True)
    assert listing.status_code == 200
    assert str(own) in listing.content.decode() and str(other) not in listing.content.decode()
    change = client.get(reverse("admin:targets_statusreport_change", args=[other.pk]), secure=True)
    assert change.status_code == 302  # the admin's "does not exist" redirect
    for extension in ("pdf", "docx"):
        assert download(client, other, extension).status_code == 404
    history = reverse("admin:targets_statusreport_history", args=[other.pk])
    assert client.get(history, secure=True).status_code == 404


def test_district_reviewer_cannot_issue_another_districts_report(client, cast, two_districts):
    own, other = two_districts
    client.force_login(cast.reviewer)
    url = reverse("admin:targets_statusreport_issue", args=[other.pk])
    assert client.post(url, secure=True).status_code == 404
    changelist = reverse("admin:targets_statusreport_changelist")
    client.post(
        changelist,
        {"action": "issue_selected", "_selected_action": [own.pk, other.pk]},
        secure=True,
    )
    other.refresh_from_db()
    own.refresh_from_db()
    assert (own.status, other.status) == ("issued", "draft")
    with pytest.raises(PermissionDenied):
        report_issue(report=other, user=cast.reviewer)


def test_reporters_and_viewers_cannot_create_reports(client, cast):
    for user in (cast.reporter, cast.city_viewer):
        client.force_login(user)
        response = client.get(reverse("admin:targets_statusreport_add"), secure=True)
        assert response.status_code in (302, 403)


def test_plan_administrator_may_report_for_any_district_agency_or_the_city(client, cast, plan):
    client.force_login(cast.plan_admin)
    response = client.get(reverse("admin:targets_statusreport_add"), secure=True)
    units = response.context["adminform"].form.fields["unit"].queryset
    assert {"31", "303", "304", "STTTT"} <= set(units.values_list("code", flat=True))
    assert not units.filter(level="commune").exists()


# --- admin buttons and downloads ------------------------------------------------------------


def test_admin_issue_button_and_downloads_of_an_issued_report(
    client, cast, target, unit, make_entry
):
    add_entries(target, unit, make_entry)
    report = make_report("304")
    client.force_login(cast.reviewer)
    page = client.get(reverse("admin:targets_statusreport_change", args=[report.pk]), secure=True)
    content = page.content.decode()
    assert "Tải PDF" in content and "Tải DOCX" in content and 'name="_issue"' in content
    issue = reverse("admin:targets_statusreport_issue", args=[report.pk])
    assert client.get(issue, secure=True).status_code == 405
    assert client.post(issue, secure=True).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.version, report.issued_by) == ("issued", 1, cast.reviewer)
    response = download(client, report, "pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-so-125-bc-ubnd-v1-kh74-2022-304-2022-12-31.pdf"'
    )
    assert response.content == pdf_of(report.snapshot)
    text = pdf_text(response.content)
    assert "QUẬN NGÔ QUYỀN" in text and SIGNER in text and "Số: 125/BC-UBND" in text
    word = download(client, report, "docx")
    assert word["Content-Type"].endswith("wordprocessingml.document")
    assert "Phường Máy Chai" in docx_text(word.content)
    assert download(client, report, "exe").status_code == 404
    # Editing the record after issuing changes neither the document nor its name.
    type(report).objects.filter(pk=report.pk).update(number="999")
    report.refresh_from_db()
    again = download(client, report, "pdf")
    assert again["Content-Disposition"] == response["Content-Disposition"]
    assert again.content == response.content
    # An issued report stays on record.
    delete = reverse("admin:targets_statusreport_delete", args=[report.pk])
    assert client.get(delete, secure=True).status_code == 403


# --- the command -----------------------------------------------------------------------------


def test_export_report_writes_an_issued_report_as_issued(
    tmp_path, target, unit, make_entry, admin_user
):
    second = add_entries(target, unit, make_entry)
    report = report_issue(report=make_report(), user=admin_user)
    correct_entry(second, admin_user, numerator=30)
    call_command(
        "export_report", f"--report={report.pk}", "--format=pdf", f"--output={tmp_path}",
        stdout=io.StringIO(),
    )  # fmt: skip
    (path,) = tmp_path.iterdir()
    assert path.name == "bao-cao-so-125-bc-ubnd-v1-kh74-2022-2022-12-31.pdf"
    assert path.read_bytes() == pdf_of(report.snapshot)
    output = tmp_path / "bao-cao.docx"
    call_command(
        "export_report", f"--report={report.pk}", "--format=docx", f"--output={output}",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert "40,00%" in docx_text(output.read_bytes())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--report=999999", "--format=pdf"], "Không có báo cáo số hiệu 999999"),
        (["--report=1", "--format=xlsx"], "chỉ xuất ra PDF hoặc DOCX"),
        (["--format=pdf"], "Cần --plan"),
    ],
)
def test_export_report_refuses_a_missing_report_or_format(tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_report", *arguments, f"--output={tmp_path}/x", stdout=io.StringIO())


def test_report_list_query_count_does_not_grow_with_reports(
    client, cast, django_assert_num_queries
):
    make_report("304", number="1")
    client.force_login(cast.reviewer)
    url = reverse("admin:targets_statusreport_changelist")
    client.get(url, secure=True)
    # session, user, user and group permissions, plan-administrator check, the plan
    # filter's choices, count, filtered count (the scope is a subquery of both), the page
    # of reports with plan, unit and issuer
    with django_assert_num_queries(9):
        assert client.get(url, secure=True).status_code == 200
    make_report("304", number="2")
    make_report("304", number="3")
    with django_assert_num_queries(9):
        assert client.get(url, secure=True).status_code == 200
