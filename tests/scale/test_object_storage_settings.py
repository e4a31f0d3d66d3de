"""MEDIA_STORAGE_URL: how it is read, what it refuses, and what it switches on."""

import json
import socket
import time
from io import StringIO

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from images.models import Image
from newsroom.storage import IMMUTABLE, MediaStorage, public_read_policy
from newsroom.storage_url import parse_media_storage_url
from tests.images import files
from tests.processes import run_manage
from tests.scale.conftest import REGION, use_media_storage


def options(url):
    return parse_media_storage_url(url).storage["OPTIONS"]


def test_a_full_url_is_read_into_storage_options_and_image_origins():
    config = parse_media_storage_url(
        "s3://news-media/prod/media/?endpoint_url=https://s3.example.net:9000/"
        "&region=eu-west-1&custom_domain=media.example.org&signed_url_seconds=300"
        "&public_acl=public-read"
    )

    assert config.storage == {
        "BACKEND": "newsroom.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": "news-media",
            "location": "prod/media",
            "endpoint_url": "https://s3.example.net:9000",
            "region_name": "eu-west-1",
            "addressing_style": "path",
            "querystring_expire": 300,
            "public_acl": "public-read",
            "url_protocol": "https:",
            "custom_domain": "media.example.org",
        },
    }
    assert config.origins == ["https://s3.example.net:9000", "https://media.example.org"]


def test_amazon_s3_defaults_to_virtual_hosted_regional_addresses():
    config = parse_media_storage_url("s3://news-media?region=eu-west-1")

    assert config.storage["OPTIONS"] == {
        "bucket_name": "news-media",
        "location": "",
        "region_name": "eu-west-1",
        "addressing_style": "virtual",
    }
    assert config.origins == ["https://news-media.s3.eu-west-1.amazonaws.com"]


@pytest.mark.parametrize(
    "url",
    [
        "s3://news-media/media?region=eu-west-1",
        "s3://news-media/media?region=eu-west-1&addressing_style=path",
        "s3://news-media/media?endpoint_url=http://127.0.0.1:9000",
        "s3://news-media/media?endpoint_url=http://minio.internal:9000&addressing_style=virtual",
        "s3://news-media/media?region=eu-west-1&custom_domain=http://cdn.test:8080",
    ],
)
def test_the_image_origins_given_to_the_csp_are_where_the_urls_point(url, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    config = parse_media_storage_url(url)
    storage = MediaStorage(**config.storage["OPTIONS"])

    public = storage.url("renditions/7/ab12/original-640.webp")
    private = storage.url("images/2026/11/0123456789abcdef.jpg")

    origin = "/".join(public.split("/", 3)[:3])
    assert origin in config.origins
    assert public.endswith("/media/renditions/7/ab12/original-640.webp")
    assert "?" not in public
    assert "/".join(private.split("/", 3)[:3]) in config.origins
    assert "X-Amz-Signature=" in private


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("s3://KEYID:secret@news-media/media", "credentials must not be in the URL"),
        ("s3://KEYID@news-media/media", "credentials must not be in the URL"),
        ("https://news-media/media", "scheme must be s3://"),
        ("s3:///media", "bucket name is missing"),
        ("s3://news-media?bucket=other", "unknown option(s) bucket"),
        ("s3://news-media?region=a&region=b", "given twice: region"),
        ("s3://news-media?endpoint_url=ftp://host", "endpoint_url must be"),
        ("s3://news-media?endpoint_url=http://k:s@host", "credentials must not be in endpoint"),
        ("s3://news-media?addressing_style=dns", "addressing_style must be"),
        ("s3://news-media?signed_url_seconds=-5", "signed_url_seconds"),
        ("s3://news-media?public_acl=public-read-write", "public_acl must be"),
        ("s3://news-media/a/../b", "must not contain '..'"),
    ],
)
def test_mistakes_are_refused_without_quoting_the_url(url, complaint):
    with pytest.raises(ImproperlyConfigured) as refused:
        parse_media_storage_url(url)

    assert complaint in str(refused.value)
    assert "secret" not in str(refused.value) and "KEYID" not in str(refused.value)


def test_production_on_object_storage_passes_the_deploy_check_and_serves_no_media(tmp_path):
    script = (
        "from django.conf import settings;"
        "print(settings.SERVE_MEDIA, settings.STORAGES['default']['BACKEND'],"
        " settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'][-1])"
    )
    env = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x9!" + "k" * 60 + "Zq7_vT2#pL4mN8",
        "DJANGO_ALLOWED_HOSTS": "news.example.org",
        "TIPS_PUBLIC_KEY": "2kKOP0y1nN4cBP0mYpRmBKGF9/oVQOTwWzFFh2ljo1U=",
        "DJANGO_SERVE_MEDIA": "1",
        "MEDIA_STORAGE_URL": "s3://news-media/media?region=eu-west-1"
        "&custom_domain=media.example.org",
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
    }

    check = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=env, tmp_path=tmp_path
    )
    shown = run_manage("shell", "-c", script, env_overrides=env, tmp_path=tmp_path)

    assert check.returncode == 0, check.stderr
    assert "System check identified no issues" in check.stdout
    assert shown.stdout.strip().splitlines()[-1] == (
        "False newsroom.storage.MediaStorage https://media.example.org"
    )
    assert "not-a-real-secret" not in check.stdout + check.stderr + shown.stdout + shown.stderr


def test_without_the_url_media_stays_on_the_local_disk(tmp_path):
    script = (
        "from django.conf import settings;"
        "print(settings.SERVE_MEDIA, settings.STORAGES['default']['BACKEND'])"
    )
    shown = run_manage("shell", "-c", script, env_overrides={}, tmp_path=tmp_path)

    assert shown.stdout.strip().splitlines()[-1] == (
        "True django.core.files.storage.FileSystemStorage"
    )


def test_the_bucket_policy_command_prints_the_renditions_only_policy(settings, make_bucket):
    with pytest.raises(CommandError):
        call_command("media_bucket_policy")
    bucket = make_bucket()
    use_media_storage(settings, bucket.url)
    out = StringIO()

    call_command("media_bucket_policy", stdout=out)

    policy = json.loads(out.getvalue())
    assert policy == public_read_policy(bucket.name, "media")
    assert policy["Statement"][0]["Resource"] == [f"arn:aws:s3:::{bucket.name}/media/renditions/*"]


@pytest.mark.django_db
def test_with_public_acl_renditions_are_public_without_a_bucket_policy(
    settings, make_bucket, make_image
):
    bucket = make_bucket(policy=False, options="public_acl=public-read")
    use_media_storage(settings, bucket.url)

    image = make_image()

    rendition = image.renditions_for("original")["jpeg"][0]
    answer = requests.get(rendition.file.url, timeout=10)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == IMMUTABLE
    assert requests.get(image.file.url.split("?")[0], timeout=10).status_code == 403


@pytest.mark.django_db
def test_without_policy_or_acl_nothing_is_public(settings, make_bucket, make_image):
    bucket = make_bucket(policy=False)
    use_media_storage(settings, bucket.url)

    image = make_image()

    rendition = image.renditions_for("original")["jpeg"][0]
    assert requests.get(rendition.file.url, timeout=10).status_code == 403


@pytest.mark.django_db
def test_a_custom_domain_serves_renditions_and_originals_stay_signed_on_the_bucket(
    settings, make_bucket, make_image, s3_endpoint
):
    bucket = make_bucket(options="custom_domain=https://media.example.org")
    use_media_storage(settings, bucket.url)

    image = make_image()

    rendition = image.renditions_for("16x9")["webp"][0]
    assert rendition.file.url == f"https://media.example.org/media/{rendition.file.name}"
    assert image.file.url.startswith(f"{s3_endpoint}/{bucket.name}/media/images/")
    assert requests.get(image.file.url, timeout=10).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("english_admin", "s3_environment")
def test_an_unreachable_store_fails_the_save_quickly_and_says_so(client, editor, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    use_media_storage(
        settings, f"s3://gone/media?endpoint_url=http://127.0.0.1:{closed_port}&region={REGION}"
    )
    client.force_login(editor)

    started = time.monotonic()
    response = client.post(
        reverse("admin:images_image_add"),
        {"file": SimpleUploadedFile("p.jpg", files.jpeg()), "licence": "agency"}
        | {"focal_x": "0.5", "focal_y": "0.5"},
    )

    assert time.monotonic() - started < 15
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert not Image.objects.exists()
