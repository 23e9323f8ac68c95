"""``manage.py import_progress``: the preview on the terminal, all or nothing, exit codes."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from targets.domain.models import ProgressEntry
from tests.test_import import csv_file, ratio_row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def write(tmp_path):
    def to(name, content):
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return to


def test_dry_run_stores_nothing(cast, write, capsys):
    path = write("so-lieu.xlsx", xlsx([ratio_row("11329", 1, 2)]))
    call_command("import_progress", path, user=cast.commune_reporter.username, dry_run=True)
    out = capsys.readouterr().out
    assert "tạo mới 1, cập nhật 0" in out and "chưa lưu" in out
    assert not ProgressEntry.objects.exists()


def test_errors_exit_non_zero_and_store_nothing(cast, write, capsys):
    path = write(
        "loi.csv", csv_file([ratio_row("11329", 1, 2), ratio_row("11329", 3, 2, day="31/10/2022")])
    )
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_progress", path, user=cast.commune_reporter.username)
    assert "Dòng 3, Tử số: Tử số (3) không được lớn hơn mẫu số (2)." in capsys.readouterr().out
    assert not ProgressEntry.objects.exists()


def test_success_stores_and_submits(cast, write, capsys):
    path = write("so-lieu.csv", csv_file([ratio_row("11329", "91,8", 100)], bom=True))
    call_command("import_progress", path, user=cast.commune_reporter.username, submit=True)
    entry = ProgressEntry.objects.get()
    assert (entry.value, entry.status, entry.created_by) == (
        Decimal("91.8"),
        ProgressEntry.Status.SUBMITTED,
        cast.commune_reporter,
    )
    assert "Đã lưu" in capsys.readouterr().out


def test_errors_give_exit_status_1(cast, write):
    # Run as a program, Django turns a CommandError into ``sys.exit(returncode)``.
    # (Not run through ManagementUtility here: it closes the test's connection.)
    path = write("loi.xlsx", xlsx([ratio_row("11332", 1, 2)]))
    with pytest.raises(CommandError) as refused:
        call_command("import_progress", path, user=cast.commune_reporter.username)
    assert refused.value.returncode == 1
    assert not ProgressEntry.objects.exists()


def test_unknown_user_and_file_are_refused(write):
    with pytest.raises(CommandError, match="Không có người dùng"):
        call_command("import_progress", write("a.csv", b""), user="khong-co")
