"""Create the staff groups and give each its permissions (safe to run again)."""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from targets.domain.roles import GROUP_PERMISSIONS


def sync_groups() -> dict[str, Group]:
    groups = {}
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
        groups[name] = group
    return groups


class Command(BaseCommand):
    help = "Create the plan administrator, reporter and reviewer groups with their permissions."

    def handle(self, *args, **options):
        groups = sync_groups()
        self.stdout.write(f"{len(groups)} groups up to date: {', '.join(groups)}")
