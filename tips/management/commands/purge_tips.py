from django.conf import settings
from django.core.management.base import BaseCommand

from tips import services


class Command(BaseCommand):
    help = (
        "Delete tips (with their files) whose last activity is older than the retention period, "
        "except tips marked to keep, and tip files left behind by interrupted uploads."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.TIPS_RETENTION_DAYS,
            help="retention in days (default: TIPS_RETENTION_DAYS, %(default)s)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be deleted; delete nothing"
        )

    def handle(self, *args, days, dry_run, **options):
        counts = services.purge(days=days, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {counts['tips']} tips older than {days} days, {counts['files']} of their "
            f"files and {counts['orphans']} orphan files."
        )
