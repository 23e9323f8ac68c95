"""Reminders (issue 16): ``send_reminders`` writes one message per person, to the
reporters with missing or returned reports near and after the due date and to the
reviewers with a waiting queue, in each person's language."""

import datetime
import email
import email.policy
import socket
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from targets.domain.models import AdministrativeUnit, ProgressEntry, UserProfile
from targets.domain.roles import REPORTERS, REVIEWERS

pytestmark = pytest.mark.django_db

S = ProgressEntry.Status
DEC = datetime.date(2022, 12, 31)
# December's monthly reports are due on 10 January; reminders start three days before.
NEAR_DUE = "2023-01-08"


@pytest.fixture
def people(make_user, target, unit, make_entry):
    """A district reporter (English), a commune reporter, a district reviewer with two
    entries waiting, and people who must not be written to."""
    R = "reporter", "reviewer"
    built = {
        "district": make_user("district", memberships=[("304", R[0])], groups=[REPORTERS]),
        "commune": make_user("commune", memberships=[("11329", R[0])], groups=[REPORTERS]),
        "reviewer": make_user("reviewer", memberships=[("304", R[1])], groups=[REVIEWERS]),
        # Hồng Bàng's reviewer: nothing waits in Hồng Bàng.
        "idle": make_user("idle", memberships=[("303", R[1])], groups=[REVIEWERS]),
        "no_email": make_user("noemail", memberships=[("11332", R[0])], groups=[REPORTERS]),
    }
    for name, user in built.items():
        user.email = "" if name == "no_email" else f"{name}@ngoquyen.haiphong.gov.vn"
        user.save()
    UserProfile.objects.create(user=built["district"], language="en")
    cqs_03c = target("CQS-03c")
    communes = list(AdministrativeUnit.objects.filter(parent__code="304").order_by("code"))
    # Máy Chai's figure was returned; two communes wait for review; one is approved.
    make_entry(cqs_03c, communes[0], DEC, numerator=1, denominator=2, status=S.RETURNED)
    make_entry(cqs_03c, communes[1], DEC, numerator=1, denominator=2, status=S.SUBMITTED)
    make_entry(cqs_03c, communes[2], DEC, numerator=1, denominator=2, status=S.SUBMITTED)
    make_entry(cqs_03c, communes[3], DEC, numerator=1, denominator=2)
    return built


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_one_message_per_person_to_the_right_people(people):
    run("--as-of", NEAR_DUE)
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == sorted(
        f"{name}@ngoquyen.haiphong.gov.vn" for name in ("district", "commune", "reviewer")
    )
    by_person = {message.to[0].split("@")[0]: message for message in mail.outbox}
    commune = by_person["commune"].body
    assert "CQS-03c" in commune and "11329 Máy Chai" in commune and "Kính gửi" in commune
    assert "unit=11329" in commune and "target=CQS-03c" in commune
    district = by_person["district"].body
    assert district.startswith("Dear ")  # stored language: English
    # Of Ngô Quyền's 12 communes: Máy Chai (returned) and 8 without an entry are missing.
    assert "9 units: 11329 May Chai" in district  # English names too
    assert "/admin/targets/progressentry/sheet/?" in district and "target=CQS-03c" in district
    reviewer = by_person["reviewer"].body
    assert "2 số liệu đang chờ bạn duyệt." in reviewer
    assert "/admin/targets/progressentry/review/" in reviewer
    assert "CQS-03c" not in reviewer  # reviewers are not reporters


def test_reporters_are_not_reminded_before_the_window(people):
    run("--as-of", "2023-01-06")
    assert [message.to for message in mail.outbox] == [["reviewer@ngoquyen.haiphong.gov.vn"]]


def test_overdue_reports_are_flagged_after_the_due_date(people):
    run("--as-of", "2023-01-20")
    commune = next(m for m in mail.outbox if m.to == ["commune@ngoquyen.haiphong.gov.vn"])
    assert "ĐÃ QUÁ HẠN" in commune.body


def test_dry_run_sends_nothing(people):
    out = run("--dry-run", "--as-of", NEAR_DUE)
    assert mail.outbox == []
    assert "3 thư" in out and "commune@ngoquyen.haiphong.gov.vn" in out


def test_a_bad_date_is_refused_with_a_clear_message(people):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="không hợp lệ"):
        run("--as-of", "31/02/2023")
    with pytest.raises(CommandError, match="2000"):
        run("--as-of", "0001-01-01")


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port, keeping what it receives."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.envelopes = []

        async def handle_DATA(self, server, session, envelope):
            self.envelopes.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def test_reminders_go_through_a_real_smtp_server(people, smtp_server, settings):
    handler, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    out = run("--as-of", NEAR_DUE)
    assert "Đã gửi 3 thư." in out
    assert mail.outbox == []  # not the test backend: the server got them
    assert sorted(rcpt for env in handler.envelopes for rcpt in env.rcpt_tos) == sorted(
        f"{name}@ngoquyen.haiphong.gov.vn" for name in ("district", "commune", "reviewer")
    )
    received = {
        env.rcpt_tos[0]: email.message_from_bytes(env.content, policy=email.policy.default)
        for env in handler.envelopes
    }
    commune = received["commune@ngoquyen.haiphong.gov.vn"]
    assert (
        commune["Subject"].strip() == "[Chuyển đổi số Hải Phòng] Nhắc việc báo cáo ngày 08/01/2023"
    )
    assert "11329 Máy Chai" in commune.get_content()
    run("--dry-run", "--as-of", NEAR_DUE)
    assert len(handler.envelopes) == 3
