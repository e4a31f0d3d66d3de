"""S3 fixtures: a local S3-compatible endpoint (moto in server mode) for media on object storage.

`s3_endpoint` starts one moto server per test session on 127.0.0.1 (a free port), in a thread
of the test process, and stops it at the end. `make_bucket()` creates a fresh bucket with the
bucket policy docs/deployment.md gives (public read of the renditions prefix only) and returns
its MEDIA_STORAGE_URL; `s3_environment` holds the AWS_* variables an app server started in a
subprocess needs to reach it. `s3_media` points this process's settings at a fresh bucket for
one test (STORAGES is restored afterwards, so other tests keep the local file storage).
"""

import json
import logging
import secrets
from dataclasses import dataclass

import boto3
import pytest

REGION = "eu-west-1"
PREFIX = "media"
# moto accepts any credentials; these are what the app's boto3 reads from the environment.
S3_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "moto-testing",
    "AWS_SECRET_ACCESS_KEY": "moto-testing-secret",
}


@pytest.fixture(scope="session")
def s3_endpoint():
    """URL of a moto S3 server on 127.0.0.1, running for the whole session."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_environment(monkeypatch):
    """AWS_* variables for the app (and for app servers started from the test)."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    for name, value in S3_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    return dict(S3_ENVIRONMENT)


@pytest.fixture
def s3_client(s3_endpoint, s3_environment):
    """A boto3 client for looking inside the buckets (not the app's own connection)."""
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)


@dataclass
class Bucket:
    name: str
    prefix: str
    url: str  # MEDIA_STORAGE_URL
    client: object

    def keys(self, under=""):
        """Every object key in the bucket (under a prefix, relative to the media prefix)."""
        found = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.name, Prefix=self.key(under)):
            found += [entry["Key"] for entry in page.get("Contents", ())]
        return sorted(found)

    def key(self, name):
        return f"{self.prefix}/{name}" if self.prefix else name

    def get(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)

    def body(self, key):
        return self.get(key)["Body"].read()

    def empty(self):
        for key in self.keys():
            self.client.delete_object(Bucket=self.name, Key=key)


@pytest.fixture
def make_bucket(s3_endpoint, s3_client):
    """Create buckets with the renditions-only public-read policy; remove them afterwards."""
    from newsroom.storage import public_read_policy

    made = []

    def make(*, prefix=PREFIX, policy=True, options=""):
        name = f"media-{secrets.token_hex(6)}"
        s3_client.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        if policy:
            s3_client.put_bucket_policy(
                Bucket=name, Policy=json.dumps(public_read_policy(name, prefix))
            )
        path = f"/{prefix}" if prefix else ""
        url = f"s3://{name}{path}?endpoint_url={s3_endpoint}&region={REGION}"
        bucket = Bucket(name, prefix, url + (f"&{options}" if options else ""), s3_client)
        made.append(bucket)
        return bucket

    yield make
    for bucket in made:
        bucket.empty()
        s3_client.delete_bucket(Bucket=bucket.name)


def use_media_storage(settings, url):
    """Point default storage at MEDIA_STORAGE_URL `url` for this test (restored afterwards)."""
    from newsroom.storage_url import parse_media_storage_url

    config = parse_media_storage_url(url)
    settings.STORAGES = {**settings.STORAGES, "default": config.storage}
    settings.SERVE_MEDIA = False
    return config


@pytest.fixture
def s3_media(settings, make_bucket):
    """Media of this test on a fresh bucket of the local S3 server."""
    bucket = make_bucket()
    use_media_storage(settings, bucket.url)
    return bucket
