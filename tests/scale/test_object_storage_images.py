"""Images on S3-compatible object storage (a local moto server): upload through the admin,
renditions read back from the bucket, public and signed URLs fetched over real HTTP, and
every object removed when an image is replaced or deleted."""

import html
import io
import re
from urllib.parse import urlsplit

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from images.models import Image
from newsroom.storage import IMMUTABLE
from tests.images import files
from tests.scale.conftest import use_media_storage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]

ADD_URL = reverse("admin:images_image_add")


def upload(client, content, name="photo.jpg", **fields):
    data = {
        "file": SimpleUploadedFile(name, content, content_type="text/html"),
        "licence": "agency",
        "focal_x": "0.5",
        "focal_y": "0.5",
        "alt_text": "Voters queue outside a school",
    } | fields
    return client.post(ADD_URL, data)


def stored_keys(bucket, image):
    """The keys an image's rows point to."""
    names = [image.file.name, *image.renditions.values_list("file", flat=True)]
    return sorted(bucket.key(name) for name in names)


def test_an_uploaded_image_and_its_renditions_are_served_from_the_bucket(
    client, editor, s3_media, s3_endpoint
):
    client.force_login(editor)
    photo = files.agency_photo()

    response = upload(client, photo)

    assert response.status_code == 302
    image = Image.objects.get()
    assert image.photographer == "SERGEI SAVOSTYANOV"  # the metadata was read from the upload
    # Everything is in the bucket under the prefix, and nothing else is.
    assert image.renditions.count() >= 10
    assert s3_media.keys() == stored_keys(s3_media, image)
    assert image.file.name.startswith("images/")
    # The original, byte for byte, private, typed by its content (not by the browser's claim).
    original = s3_media.get(s3_media.key(image.file.name))
    assert original["Body"].read() == photo
    assert original["ContentType"] == "image/jpeg"
    grants = s3_media.client.get_object_acl(
        Bucket=s3_media.name, Key=s3_media.key(image.file.name)
    )
    assert [grant["Permission"] for grant in grants["Grants"]] == ["FULL_CONTROL"]
    assert grants["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"

    for kind, mime, pil_format in (("jpeg", "image/jpeg", "JPEG"), ("webp", "image/webp", "WEBP")):
        for rendition in image.renditions_for("original")[kind]:
            url = rendition.file.url
            # A stable, unsigned URL on the bucket's address.
            assert url == f"{s3_endpoint}/{s3_media.name}/media/{rendition.file.name}"
            answer = requests.get(url, timeout=10)
            assert answer.status_code == 200, url
            assert answer.headers["Content-Type"] == mime
            assert answer.headers["Cache-Control"] == IMMUTABLE
            with PILImage.open(io.BytesIO(answer.content)) as picture:
                assert picture.format == pil_format
                assert picture.width == rendition.width
                assert not picture.getexif()


def test_the_original_is_only_reachable_through_a_short_lived_signed_url(client, editor, s3_media):
    client.force_login(editor)
    photo = files.jpeg()
    upload(client, photo)
    image = Image.objects.get()

    signed = image.file.url

    query = urlsplit(signed).query
    assert "X-Amz-Signature=" in query and "X-Amz-Expires=600" in query
    assert requests.get(signed, timeout=10).content == photo
    unsigned = signed.split("?")[0]
    assert requests.get(unsigned, timeout=10).status_code == 403
    # The admin shows the original through the signed URL.
    page = client.get(reverse("admin:images_image_change", args=[image.pk]))
    assert html.escape(signed.split("?")[0]) in page.content.decode()


def test_article_pages_point_at_the_bucket_and_the_images_load(
    client, make_article, s3_media, s3_endpoint
):
    article = make_article()
    page = client.get(article.get_absolute_url()).content.decode()

    sources = re.findall(r'(?:src|srcset)="([^"]+)"', page)
    urls = {html.unescape(part.split()[0]) for value in sources for part in value.split(", ")}
    media = sorted(url for url in urls if url.startswith(s3_endpoint))
    assert media, "no image of the article points at object storage"
    assert all("/renditions/" in url and "?" not in url for url in media)
    for url in media:
        answer = requests.get(url, timeout=10)
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == IMMUTABLE
    # The social card is the bucket's absolute URL, not glued to this site's host.
    social = re.search(r'<meta property="og:image" content="([^"]+)"', page).group(1)
    assert social.startswith(f"{s3_endpoint}/{s3_media.name}/media/renditions/")
    assert requests.get(html.unescape(social), timeout=10).status_code == 200


def test_replacing_an_image_removes_its_old_objects_after_commit(
    client, editor, make_image, s3_media, django_capture_on_commit_callbacks
):
    image = make_image()
    old_keys = set(s3_media.keys())
    assert old_keys == set(stored_keys(s3_media, image))
    client.force_login(editor)

    url = reverse("admin:images_image_change", args=[image.pk])
    fields = {"licence": "agency", "focal_x": "0.5", "focal_y": "0.5", "alt_text": "New"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, fields | {"file": SimpleUploadedFile("n.jpg", files.jpeg())})

    assert response.status_code == 302
    image.refresh_from_db()
    assert set(s3_media.keys()) == set(stored_keys(s3_media, image))
    assert old_keys.isdisjoint(s3_media.keys())


def test_deleting_an_image_removes_every_object_after_commit(
    client, make_staff, make_image, s3_media, django_capture_on_commit_callbacks
):
    image = make_image()
    kept = make_image()
    assert len(s3_media.keys()) > 10
    client.force_login(make_staff("Photo editor"))

    url = reverse("admin:images_image_delete", args=[image.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()
    assert s3_media.keys() == stored_keys(s3_media, kept)


def test_a_store_that_fails_during_the_save_leaves_nothing(client, editor, settings, make_bucket):
    bucket = make_bucket()
    missing = bucket.url.replace(bucket.name, bucket.name + "-missing", 1)
    use_media_storage(settings, missing)
    client.force_login(editor)

    response = upload(client, files.jpeg())

    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert not Image.objects.exists()
    assert bucket.keys() == []


def test_a_rendition_write_that_fails_midway_removes_what_was_written(
    client, editor, s3_media, monkeypatch
):
    from newsroom.storage import MediaStorage

    real_save = MediaStorage._save
    saved = []

    def fail_after_three(self, name, content):
        if len(saved) == 3:
            raise OSError("the store went away")
        saved.append(name)
        return real_save(self, name, content)

    monkeypatch.setattr(MediaStorage, "_save", fail_after_three)
    client.force_login(editor)

    response = upload(client, files.jpeg())

    assert "Nothing was saved" in response.content.decode()
    assert len(saved) == 3  # the original and two renditions were written…
    assert not Image.objects.exists()
    assert s3_media.keys() == []  # …and removed again
