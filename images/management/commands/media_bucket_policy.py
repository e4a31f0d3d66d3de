"""Print the bucket policy that makes the renditions (and only them) publicly readable.

    python manage.py media_bucket_policy > policy.json
    aws s3api put-bucket-policy --bucket BUCKET --policy file://policy.json

Only for media on object storage (MEDIA_STORAGE_URL); see docs/deployment.md.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom.storage_url import BACKEND


class Command(BaseCommand):
    help = "Print the S3 bucket policy granting public read of the renditions prefix only."

    def handle(self, *args, **options):
        default = settings.STORAGES["default"]
        if default.get("BACKEND") != BACKEND:
            raise CommandError("Media is not on object storage: MEDIA_STORAGE_URL is not set.")
        from newsroom.storage import public_read_policy_json

        storage = default.get("OPTIONS", {})
        self.stdout.write(public_read_policy_json(storage["bucket_name"], storage["location"]))
