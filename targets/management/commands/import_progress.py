"""Import a unit's figures from an XLSX or CSV file, as a given user: the web import
without the web.

    python manage.py import_progress so-lieu.xlsx --user baocao.huyen [--dry-run] [--submit]

Prints the same preview as the admin (rows to create, update, unchanged, empty, and
every error with its row and column); stores all rows or none. Exits with status 1
when any row is refused (nothing is stored then), and stores nothing with --dry-run.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from targets.entry.importing import MAX_BYTES, FileError, read_dataset
from targets.entry.importing.run import entries_import


class Command(BaseCommand):
    help = "Nhập số liệu báo cáo từ tệp XLSX hoặc CSV (xem trước, lưu tất cả hoặc không lưu gì)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx hoặc .csv theo mẫu nhập số liệu.")
        parser.add_argument(
            "--user", required=True, help="Tên đăng nhập của người nhập (phạm vi, lịch sử)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ xem trước, không lưu gì.")
        parser.add_argument("--submit", action="store_true", help="Gửi duyệt các số liệu vừa nhập.")

    def handle(self, *args, file, user, dry_run, submit, **options):
        path = Path(file)
        try:
            importer = get_user_model().objects.get(username=user, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có người dùng “{user}” đang hoạt động.") from None
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"Tệp lớn quá {MAX_BYTES // (1024 * 1024)} MB.")
        try:
            dataset = read_dataset(path.read_bytes(), path.name)
        except FileError as error:
            raise CommandError(str(error)) from None
        with tqdm(total=len(dataset), unit=" dòng", disable=None, file=self.stderr) as bar:
            report = entries_import(
                dataset=dataset,
                file_name=path.name,
                user=importer,
                submit=submit,
                dry_run=dry_run,
                on_row=lambda: bar.update(1),
            )
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} lỗi: không lưu số liệu nào. Sửa tệp rồi nhập lại."
            )
        if dry_run:
            self.stdout.write("Xem trước (--dry-run): chưa lưu số liệu nào.")
        else:
            self.stdout.write(self.style.SUCCESS("Đã lưu tất cả các dòng."))
