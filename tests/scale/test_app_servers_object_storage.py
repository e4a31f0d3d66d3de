"""Two app servers with media on object storage (moto's S3 server on 127.0.0.1): an image uploaded
through one is on the other's pages, served from the bucket with its renditions, and a tip's
attachment sent through either is in the bucket encrypted."""

import json
import re

import pytest
import requests

from tests.forms import as_items, form_with
from tests.images import files
from tests.scale.conftest import REGION, S3_ENVIRONMENT
from tests.scale.servers import (
    running_site,
    scratch_database,
    site_environment,
)
from tests.scale.test_app_servers import edit_article, sign_in

pytestmark = pytest.mark.scale

MARKER = b"PLAINTEXT-MARKER-7f3a"


@pytest.fixture(scope="module")
def site_on_s3(tmp_path_factory, s3_endpoint):
    import boto3

    from newsroom.storage import public_read_policy

    tmp = tmp_path_factory.mktemp("two-servers-s3")
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=S3_ENVIRONMENT["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_ENVIRONMENT["AWS_SECRET_ACCESS_KEY"],
    )
    bucket = "newsroom-scale"
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read_policy(bucket, "media")))
    storage_url = f"s3://{bucket}/media?endpoint_url={s3_endpoint}&region={REGION}"
    with scratch_database(tmp, "scale_s3") as database_url:
        env = site_environment(
            tmp,
            database_url,
            MEDIA_STORAGE_URL=storage_url,
            AWS_CONFIG_FILE="/dev/null",
            AWS_SHARED_CREDENTIALS_FILE="/dev/null",
            **S3_ENVIRONMENT,
        )
        with running_site(tmp, env) as (facts, (a, b)):
            yield {"a": a, "b": b, "client": client, "bucket": bucket, "tmp": tmp} | facts
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", ()):
            client.delete_object(Bucket=bucket, Key=entry["Key"])
    client.delete_bucket(Bucket=bucket)


def keys(site, prefix):
    listing = site["client"].list_objects_v2(Bucket=site["bucket"], Prefix=f"media/{prefix}")
    return [entry["Key"] for entry in listing.get("Contents", ())]


def test_an_image_uploaded_through_one_server_is_served_from_the_bucket_on_the_other(site_on_s3):
    a, b = site_on_s3["a"], site_on_s3["b"]
    editor = sign_in(a, "marta", site_on_s3["password"])
    add = f"{a.url}/admin/images/image/add/"
    fields, _options = form_with(editor.get(add, timeout=30).text, "focal_x")
    fields |= {
        "alt_text": ["Ministers at the table"],
        "photographer": ["ANA LÓPEZ"],
        "agency": ["AFP"],
    }
    photo = files.jpeg(size=(1600, 900), colour=(200, 30, 30))

    uploaded = editor.post(
        add,
        data=as_items(fields),
        files={"file": ("summit.jpg", photo, "image/jpeg")},
        timeout=60,
        allow_redirects=False,
    )

    assert uploaded.status_code == 302, uploaded.text[:1000]
    image_id = int(re.search(r"/image/(\d+)/change/", uploaded.headers["Location"]).group(1))
    renditions = keys(site_on_s3, f"renditions/{image_id}/")
    assert renditions and any(key.endswith(".webp") for key in renditions)
    saved = edit_article(editor, a, site_on_s3["article_id"], lead_image=str(image_id))
    assert saved.status_code == 302

    page = requests.get(f"{b.url}{site_on_s3['article_url']}", timeout=30)

    sources = re.findall(rf'src="([^"]+/renditions/{image_id}/[^"]+)"', page.text)
    assert sources, "the article page on server B shows no rendition of the new image"
    assert all(source.startswith("http://127.0.0.1:") for source in sources)
    picture = requests.get(sources[0], timeout=30)
    assert picture.status_code == 200
    assert picture.content[:3] == b"\xff\xd8\xff" or picture.content[8:12] == b"WEBP"
    assert picture.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_tip_attachments_sent_through_either_server_are_encrypted_in_the_bucket(site_on_s3):
    before = set(keys(site_on_s3, "tips/"))
    for server in (site_on_s3["a"], site_on_s3["b"]):
        source = requests.Session()
        page = source.get(f"{server.url}/en/tips/", timeout=30)
        fields, _options = form_with(page.text, "token")
        fields |= {"message": [MARKER.decode()], "identity": ["anonymous"]}
        sent = source.post(
            f"{server.url}/en/tips/",
            data=as_items(fields),
            files={"attachments": ("notes.pdf", minimal_pdf(), "application/pdf")},
            timeout=60,
        )
        assert sent.status_code == 200 and "receipt-code" in sent.text

    stored = set(keys(site_on_s3, "tips/")) - before
    assert len(stored) == 2
    for key in stored:
        body = site_on_s3["client"].get_object(Bucket=site_on_s3["bucket"], Key=key)["Body"]
        content = body.read()
        assert MARKER not in content and b"%PDF" not in content


def minimal_pdf():
    """A one-page PDF whose text holds the marker."""
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Info = pdf.make_indirect(pikepdf.Dictionary(Title=MARKER.decode()))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue().replace(b"%PDF-1.3", b"%PDF-1.4") + b"\n% " + MARKER + b"\n"
