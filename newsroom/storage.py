"""Media on S3-compatible object storage (django-storages), used when MEDIA_STORAGE_URL is set.

What is public and what is not is decided by the object's name:

- `renditions/…` are public: a stable, unsigned URL (on the custom domain when one is set), and
  `Cache-Control: public, max-age=31536000, immutable` stored with the object. A rendition's name
  is unique per batch (images/renditions.py), so what a URL points to never changes. Readers get
  them through a bucket policy granting `s3:GetObject` on `PREFIX/renditions/*` only
  (`public_read_policy()`; `manage.py media_bucket_policy` prints it), through a CDN, or with
  `public_acl=public-read` on stores that grant reads per object.
- Everything else is private: originals (`images/…`, shown in the admin) get a signed URL that
  lasts `signed_url_seconds`; tip attachments (`tips/…`, encrypted before they get here) are
  never linked at all: the desk downloads them through a Django view that decrypts them.

No object is ever overwritten (names are random, and a cached URL must never change meaning),
content types come from the name (never from the uploading browser), and every failure of the
store is raised as an OSError, as a full disk would be, so a save that fails leaves nothing
behind and says so (newsroom/saving.py).
"""

import json
import mimetypes
import posixpath
from contextlib import contextmanager
from functools import cached_property

from boto3.exceptions import Boto3Error
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3File, S3Storage
from storages.utils import clean_name

IMMUTABLE = "public, max-age=31536000, immutable"
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
}


class StorageUnavailable(OSError):
    """The object store refused or failed a request (unreachable, missing bucket, denied…)."""


@contextmanager
def storage_errors():
    """Raise failures of the object store as OSError, naming only the kind and the code."""
    try:
        yield
    except (BotoCoreError, ClientError, Boto3Error) as error:
        code = ""
        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "")
        raise StorageUnavailable(
            f"object storage: {type(error).__name__} {code}".strip()
        ) from error


class MediaFile(S3File):
    """An S3File whose lazy download raises OSError too."""

    def _get_file(self):
        with storage_errors():
            return super()._get_file()

    file = property(_get_file, S3File._set_file)


class MediaStorage(S3Storage):
    public_prefixes = ("renditions/",)
    # Never overwrite: a name already taken gets a suffix (names are random, so it never is).
    file_overwrite = False
    signature_version = "s3v4"
    querystring_auth = True
    querystring_expire = 600
    default_acl = None

    def get_default_settings(self):
        return {**super().get_default_settings(), "public_acl": None}

    def __init__(self, **settings):
        super().__init__(**settings)
        if "client_config" not in settings:
            # Fail within seconds, not minutes, when the store is away: a save then says
            # "nothing was saved" while the person is still looking at the form.
            self.client_config = self.client_config.merge(
                Config(
                    connect_timeout=5,
                    read_timeout=30,
                    retries={"max_attempts": 3, "mode": "standard"},
                )
            )

    # What is public
    def is_public(self, name):
        """`name` as the application knows it (relative to the prefix)."""
        return clean_name(name).startswith(self.public_prefixes)

    def _relative(self, key):
        if self.location and key.startswith(self.location + "/"):
            return key[len(self.location) + 1 :]
        return key

    def get_object_parameters(self, name):
        # `name` is the object key here (with the prefix).
        params = super().get_object_parameters(name)
        relative = self._relative(name)
        extension = posixpath.splitext(relative)[1].lstrip(".").lower()
        if self.is_public(relative):
            params.setdefault("CacheControl", IMMUTABLE)
            params.setdefault("ContentType", CONTENT_TYPES.get(extension) or self._guess(name))
            if self.public_acl:
                params.setdefault("ACL", self.public_acl)
        elif relative.startswith("tips/"):
            params.setdefault("CacheControl", "private, no-store")
            params.setdefault("ContentType", "application/octet-stream")
            params.setdefault("ContentDisposition", "attachment")
        else:
            params.setdefault("CacheControl", "private")
            params.setdefault("ContentType", CONTENT_TYPES.get(extension) or self._guess(name))
        return params

    def _guess(self, name):
        content_type, encoding = mimetypes.guess_type(name)
        return content_type if content_type and not encoding else self.default_content_type

    # URLs
    @cached_property
    def public_base_url(self):
        """Where public objects live, ending in '/': the custom domain or the bucket's address."""
        if self.custom_domain:
            return f"{self.url_protocol}//{self.custom_domain}/"
        # boto3 knows how this store addresses a bucket (path or virtual host, region): ask it
        # once for an unsigned URL and keep everything before the key.
        probe = "p"
        client = self.unsigned_connection.meta.client
        url = client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket_name, "Key": probe}
        )
        if not url.endswith("/" + probe):
            raise StorageUnavailable("object storage: unexpected URL layout")
        return url[: -len(probe)]

    def url(self, name, parameters=None, expire=None, http_method=None):
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        if self.is_public(cleaned) and not parameters and http_method in (None, "GET"):
            return self.public_base_url + filepath_to_uri(key)
        # Private: signed, on the bucket's own address (a CDN domain cannot check signatures).
        params = {**(parameters or {}), "Bucket": self.bucket_name, "Key": key}
        with storage_errors():
            return self.connection.meta.client.generate_presigned_url(
                "get_object",
                Params=params,
                ExpiresIn=expire or self.querystring_expire,
                HttpMethod=http_method,
            )

    # Every call that reaches the store raises OSError on failure
    def _open(self, name, mode="rb"):
        name = self._normalize_name(clean_name(name))
        with storage_errors():
            try:
                return MediaFile(name, mode, self)
            except ClientError as error:
                if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                    raise FileNotFoundError(f"File does not exist: {name}") from None
                raise

    def _save(self, name, content):
        with storage_errors():
            return super()._save(name, content)

    def delete(self, name):
        with storage_errors():
            return super().delete(name)

    def exists(self, name):
        with storage_errors():
            return super().exists(name)

    def listdir(self, name):
        with storage_errors():
            return super().listdir(name)

    def size(self, name):
        with storage_errors():
            return super().size(name)

    def get_modified_time(self, name):
        with storage_errors():
            return super().get_modified_time(name)


def public_read_policy(bucket, location="", prefixes=MediaStorage.public_prefixes):
    """The bucket policy that lets anyone read the renditions, and nothing else."""
    base = f"{location.strip('/')}/" if location.strip("/") else ""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicReadRenditions",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::{bucket}/{base}{prefix}*" for prefix in prefixes],
            }
        ],
    }


def public_read_policy_json(bucket, location=""):
    return json.dumps(public_read_policy(bucket, location), indent=2)
