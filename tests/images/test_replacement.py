import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from images.inspection import inspect_upload
from images.metadata import read_xmp
from tests.images import files

pytestmark = pytest.mark.django_db


def stored(media_root):
    return {str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file()}


@pytest.fixture
def change(client, django_capture_on_commit_callbacks):
    """Post the image change form, running what the save defers until commit."""

    def post(image, **data):
        url = reverse("admin:images_image_change", args=[image.pk])
        fields = {"licence": "agency", "focal_x": image.focal_x, "focal_y": image.focal_y}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, fields | data, HTTP_ACCEPT_LANGUAGE="en")

    return post


def test_replacing_the_file_removes_the_old_original_and_renditions(
    client, change, editor, make_image, media_root
):
    image = make_image()
    old_files = stored(media_root)
    client.force_login(editor)

    response = change(
        image,
        alt_text="New",
        photographer="SERGEI SAVOSTYANOV",
        file=SimpleUploadedFile("new.jpg", files.xmp_photo()),
    )

    image.refresh_from_db()
    assert response.status_code == 302
    assert stored(media_root).isdisjoint(old_files)
    assert image.photographer == "SERGEI SAVOSTYANOV"  # what the editor typed wins
    assert image.agency == "AFP"  # the empty field is filled from the new file
    assert (image.width, image.height) == (640, 480)
    assert all(r.file.storage.exists(r.file.name) for r in image.renditions.all())


def test_a_failed_replacement_keeps_the_old_image_whole(
    client, change, editor, make_image, media_root, monkeypatch
):
    image = make_image()
    before = stored(media_root)
    monkeypatch.setattr("images.renditions.encode", lambda *a, **k: (_ for _ in ()).throw(OSError))
    client.force_login(editor)

    response = change(image, alt_text="x", file=SimpleUploadedFile("n.jpg", files.jpeg()))

    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert stored(media_root) == before
    assert all(r.file.storage.exists(r.file.name) for r in image.renditions.all())


def test_moving_the_focal_point_remakes_the_crops(client, change, editor, make_image, media_root):
    image = make_image()
    square = image.renditions.get(crop="1x1", format="jpeg", width=160)
    client.force_login(editor)

    change(image, alt_text="x", focal_x="0.0", focal_y="0.0")

    new_square = image.renditions.get(crop="1x1", format="jpeg", width=160)
    assert new_square.file.name != square.file.name
    assert not square.file.storage.exists(square.file.name)


def test_an_image_without_renditions_never_exposes_its_original(client, make_article, media_root):
    article = make_article()
    original = article.lead_image.file.url
    article.lead_image.renditions.all().delete()

    html = client.get(article.get_absolute_url()).content.decode()

    assert original not in html


def test_xmp_written_after_the_image_data_is_read():
    content = files.png_with_xmp_after_image_data(
        files.XMP_TEMPLATE.format(
            credit="EFE", source="EFE", creator="LUIS TEJIDO", description="Madrid", rights="©"
        )
    )

    facts = inspect_upload(ContentFile(content, name="late.png"))

    assert facts.metadata["photographer"] == "LUIS TEJIDO"
    assert facts.metadata["agency"] == "EFE"


def test_hostile_deeply_nested_xmp_is_read_quickly():
    picture = PILImage.new("RGB", (10, 10))
    picture.info["xmp"] = files.deeply_nested_xmp().encode()

    started = time.perf_counter()
    read_xmp(picture)

    assert time.perf_counter() - started < 2


def test_multi_picture_camera_jpegs_are_accepted():
    first = PILImage.new("RGB", (400, 300), (1, 2, 3))
    content = files.encode(
        first, "MPO", save_all=True, append_images=[PILImage.new("RGB", (400, 300))]
    )

    assert inspect_upload(ContentFile(content, name="camera.jpg")).extension == "jpg"
