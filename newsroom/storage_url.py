"""Read MEDIA_STORAGE_URL, the one setting that moves media to S3-compatible object storage.

    s3://BUCKET[/PREFIX][?option=value&...]

options (all optional):

    endpoint_url        S3-compatible endpoint, e.g. http://127.0.0.1:9000 (MinIO, Ceph, R2…);
                        unset: Amazon S3
    region              region name, e.g. eu-west-1
    custom_domain       host (a CDN, or a domain mapped to the bucket) serving the public
                        renditions, e.g. media.example.org or http://media.test:8080
    addressing_style    path or virtual; default: virtual on Amazon S3, path on an endpoint_url
    signed_url_seconds  lifetime of the signed URLs of private objects (default 600)
    public_acl          canned ACL for renditions, e.g. public-read, for stores that grant public
                        reads per object rather than by bucket policy (default: none)

Credentials never go in the URL: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or
AWS_SESSION_TOKEN, a profile, an instance role…) from the environment. A URL carrying a user or
password is refused, and no error message here quotes the URL.

This module imports nothing heavy: settings import it on every start, with or without S3.
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKEND = "newsroom.storage.MediaStorage"
OPTIONS = {
    "endpoint_url",
    "region",
    "custom_domain",
    "addressing_style",
    "signed_url_seconds",
    "public_acl",
}
PUBLIC_ACLS = {"public-read"}


@dataclass
class MediaStorageConfig:
    # STORAGES["default"]
    storage: dict
    # Origins images are loaded from (public renditions and signed originals), for the CSP.
    origins: list[str] = field(default_factory=list)


def refuse(problem):
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE_URL: {problem} (see README, Media on object storage)."
    )


def origin_of(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def parse_media_storage_url(url: str) -> MediaStorageConfig:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        refuse("not a valid URL")
    if parts.scheme != "s3":
        refuse("the scheme must be s3://")
    if parts.username is not None or parts.password is not None:
        refuse(
            "credentials must not be in the URL; set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY in the environment"
        )
    bucket = parts.hostname or ""
    if not bucket:
        refuse("the bucket name is missing (s3://BUCKET/PREFIX)")
    if parts.fragment:
        refuse("a #fragment has no meaning here")
    location = parts.path.strip("/")
    if ".." in location.split("/"):
        refuse("the prefix must not contain '..'")

    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=False)
    unknown = sorted(set(query) - OPTIONS)
    if unknown:
        refuse(f"unknown option(s) {', '.join(unknown)}; known: {', '.join(sorted(OPTIONS))}")
    repeated = sorted(name for name, values in query.items() if len(values) > 1)
    if repeated:
        refuse(f"option(s) given twice: {', '.join(repeated)}")
    values = {name: found[0].strip() for name, found in query.items() if found[0].strip()}

    options = {"bucket_name": bucket, "location": location}
    endpoint_url = values.get("endpoint_url")
    if endpoint_url:
        endpoint = urlsplit(endpoint_url)
        if endpoint.scheme not in ("http", "https") or not endpoint.hostname:
            refuse("endpoint_url must be an http:// or https:// URL")
        if endpoint.username is not None or endpoint.password is not None:
            refuse("credentials must not be in endpoint_url")
        options["endpoint_url"] = endpoint_url.rstrip("/")
    if "region" in values:
        options["region_name"] = values["region"]

    style = values.get("addressing_style", "path" if endpoint_url else "virtual")
    if style not in ("path", "virtual"):
        refuse("addressing_style must be path or virtual")
    options["addressing_style"] = style

    if "signed_url_seconds" in values:
        try:
            seconds = int(values["signed_url_seconds"])
        except ValueError:
            seconds = 0
        if not 1 <= seconds <= 7 * 24 * 3600:
            refuse("signed_url_seconds must be a whole number of seconds, at most 7 days")
        options["querystring_expire"] = seconds

    if "public_acl" in values:
        if values["public_acl"] not in PUBLIC_ACLS:
            refuse(f"public_acl must be one of {', '.join(sorted(PUBLIC_ACLS))}")
        options["public_acl"] = values["public_acl"]

    # Where browsers fetch images from: the bucket's own address (signed originals in the
    # admin, and renditions unless a custom domain serves them) and the custom domain.
    if endpoint_url:
        endpoint = urlsplit(options["endpoint_url"])
        host = endpoint.netloc if style == "path" else f"{bucket}.{endpoint.netloc}"
        origins = [f"{endpoint.scheme}://{host}"]
    else:
        region = options.get("region_name")
        if style == "path":
            host = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
        else:
            host = (
                f"{bucket}.s3.{region}.amazonaws.com" if region else f"{bucket}.s3.amazonaws.com"
            )
        origins = [f"https://{host}"]

    custom_domain = values.get("custom_domain")
    if custom_domain:
        if "://" in custom_domain:
            domain = urlsplit(custom_domain)
            if domain.scheme not in ("http", "https") or not domain.hostname:
                refuse("custom_domain must be a host name or an http(s):// address")
            options["url_protocol"] = f"{domain.scheme}:"
            options["custom_domain"] = (domain.netloc + domain.path).rstrip("/")
        else:
            options["url_protocol"] = "https:"
            options["custom_domain"] = custom_domain.strip("/")
        origins.append(origin_of(f"{options['url_protocol']}//{options['custom_domain']}"))

    return MediaStorageConfig(storage={"BACKEND": BACKEND, "OPTIONS": options}, origins=origins)
