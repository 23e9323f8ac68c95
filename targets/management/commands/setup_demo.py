"""Demo accounts for a local ``make run``: one per role, all with the same known password.

Never run by migrations or by the production path (``make serve``); ``check --deploy``
warns when these accounts exist.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from targets.domain.models import AdministrativeUnit, Membership
from targets.domain.roles import PLAN_ADMINISTRATORS, REPORTERS, REVIEWERS
from targets.management.commands.setup_roles import sync_groups

DEMO_PASSWORD = "demo-haiphong-2022"

# username, full name, unit code, role, staff group (None: no admin access)
DEMO_ACCOUNTS = [
    ("quantri", "Quản trị kế hoạch (demo)", "31", None, PLAN_ADMINISTRATORS),
    ("baocao.xa", "Cán bộ phường Máy Chai (demo)", "11329", Membership.Role.REPORTER, REPORTERS),
    ("baocao.huyen", "Cán bộ quận Ngô Quyền (demo)", "304", Membership.Role.REPORTER, REPORTERS),
    (
        "baocao.so",
        "Cán bộ Sở Thông tin và Truyền thông (demo)",
        "STTTT",
        Membership.Role.REPORTER,
        REPORTERS,
    ),
    (
        "duyet.huyen",
        "Người duyệt quận Ngô Quyền (demo)",
        "304",
        Membership.Role.REVIEWER,
        REVIEWERS,
    ),
    (
        "duyet.thanhpho",
        "Người duyệt Sở TT&TT, toàn thành phố (demo)",
        "31",
        Membership.Role.REVIEWER,
        REVIEWERS,
    ),
    ("lanhdao", "Lãnh đạo thành phố (demo)", "31", Membership.Role.VIEWER, None),
    ("lanhdao.huyen", "Lãnh đạo quận Ngô Quyền (demo)", "304", Membership.Role.VIEWER, None),
]

DEMO_USERNAMES = [account[0] for account in DEMO_ACCOUNTS]


@transaction.atomic
def create_demo_accounts():
    groups = sync_groups()
    User = get_user_model()
    accounts = []
    for username, full_name, unit_code, role, group in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = full_name
        user.is_staff = group is not None
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([groups[group]] if group else [])
        unit = AdministrativeUnit.objects.get(code=unit_code)
        if role:
            Membership.objects.get_or_create(user=user, unit=unit, role=role)
        accounts.append((username, full_name))
    return accounts


class Command(BaseCommand):
    help = "Create or reset the demo accounts (local use only)."

    def handle(self, *args, **options):
        accounts = create_demo_accounts()
        self.stdout.write(
            "Tài khoản demo / demo accounts (mật khẩu / password: %s):" % DEMO_PASSWORD
        )
        for username, full_name in accounts:
            self.stdout.write(f"  {username:<16} {full_name}")
