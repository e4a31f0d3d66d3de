import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from images.models import Image, Rendition
from tests.images import files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]

ADD_URL = reverse("admin:images_image_add")


@pytest.fixture
def photo_editor(make_staff):
    return make_staff("Photo editor")


def upload(client, content, name="photo.jpg", **fields):
    data = {
        "file": SimpleUploadedFile(name, content),
        "licence": "agency",
        "focal_x": "0.5",
        "focal_y": "0.5",
    } | fields
    return client.post(ADD_URL, data)


def stored_files(media_root):
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


def test_iptc_credit_fields_are_prefilled_on_upload(client, photo_editor):
    client.force_login(photo_editor)

    response = upload(client, files.agency_photo())

    image = Image.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:images_image_change", args=[image.pk])
    assert image.photographer == "SERGEI SAVOSTYANOV"
    assert image.agency == "SPUTNIK"
    assert image.source == "REUTERS"
    assert image.caption == "Delegates arrive at the summit in Tehran."
    assert image.copyright_notice == "© Sputnik"
    assert image.title == "IRAN-RUSSIA/SUMMIT"


def test_xmp_fields_are_prefilled_on_upload(client, photo_editor):
    client.force_login(photo_editor)

    upload(client, files.xmp_photo())

    image = Image.objects.get()
    assert image.photographer == "ANA LÓPEZ"
    assert image.agency == "AFP"
    assert image.caption == "Protesters gather in Caracas."
    assert image.copyright_notice == "© AFP 2026"


def test_values_typed_by_the_editor_win_over_metadata(client, photo_editor):
    client.force_login(photo_editor)

    upload(client, files.agency_photo(), caption="Our own caption")

    assert Image.objects.get().caption == "Our own caption"


def test_file_without_metadata_uploads_with_empty_fields(client, photo_editor):
    client.force_login(photo_editor)

    upload(client, files.jpeg())

    image = Image.objects.get()
    assert (image.photographer, image.agency, image.caption) == ("", "", "")
    assert (image.width, image.height) == (640, 480)


def test_renditions_have_the_right_sizes_and_no_metadata(client, photo_editor, media_root):
    client.force_login(photo_editor)

    upload(client, files.rotated_with_gps())

    image = Image.objects.get()
    assert (image.width, image.height) == (480, 640)  # upright, as readers see it
    renditions = list(image.renditions.all())
    assert {(r.crop, r.format) for r in renditions} >= {
        ("original", "webp"),
        ("original", "jpeg"),
        ("16x9", "webp"),
        ("1x1", "jpeg"),
        ("social", "jpeg"),
    }
    for rendition in renditions:
        raw = rendition.file.read()
        rendition.file.close()
        with PILImage.open(io.BytesIO(raw)) as picture:
            assert picture.size == (rendition.width, rendition.height)
            assert not picture.getexif()
            assert "comment" not in picture.info
            assert "xmp" not in picture.info and "icc_profile" not in picture.info
        assert b"secret comment" not in raw and b"Exif" not in raw
    original = [r for r in renditions if r.crop == "original" and r.format == "jpeg"]
    assert all(r.height > r.width for r in original)
    social = next(r for r in renditions if r.crop == "social")
    assert abs(social.width / social.height - 1200 / 630) < 0.02


@pytest.mark.parametrize(
    "content",
    [files.cmyk_jpeg(), files.sixteen_bit_png(), files.palette_with_transparency()],
    ids=["cmyk", "16-bit", "palette-transparency"],
)
def test_unusual_colour_modes_are_converted(client, photo_editor, content):
    client.force_login(photo_editor)

    upload(client, content, name="odd.png")

    image = Image.objects.get()
    for rendition in image.renditions.filter(format="jpeg"):
        with rendition.file.open("rb") as handle, PILImage.open(handle) as picture:
            assert picture.mode == "RGB"


def test_animated_gif_uses_its_first_frame(client, photo_editor):
    client.force_login(photo_editor)

    upload(client, files.animated_gif(), name="anim.gif")

    image = Image.objects.get()
    assert image.file.name.endswith(".gif")
    assert image.renditions.filter(format="webp").exists()


def test_a_file_whose_name_lies_is_stored_under_its_real_type(client, photo_editor):
    client.force_login(photo_editor)
    png = files.encode(PILImage.new("RGB", (300, 200)), "PNG")

    upload(client, png, name="holiday.jpg")

    assert Image.objects.get().file.name.endswith(".png")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 not an image at all", "report.jpg", "This file is not an image"),
        (files.truncated_jpeg(), "cut.jpg", "damaged or incomplete"),
        (files.decompression_bomb(), "bomb.png", "megapixels"),
    ],
    ids=["not-an-image", "truncated", "bomb"],
)
def test_bad_files_are_refused_with_a_reason_and_leave_nothing_behind(
    client, photo_editor, media_root, content, name, message
):
    client.force_login(photo_editor)

    response = upload(client, content, name=name, caption="Texto que no se pierde")
    html = response.content.decode()

    assert response.status_code == 200
    assert message in html
    assert "Texto que no se pierde" in html
    assert not Image.objects.exists()
    assert not Rendition.objects.exists()
    assert stored_files(media_root) == []


def test_a_failure_while_making_renditions_leaves_no_row_and_no_file(
    client, photo_editor, media_root, monkeypatch
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("images.renditions.encode", broken)
    client.force_login(photo_editor)

    response = upload(client, files.jpeg(), caption="Pie de foto escrito a mano")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved: the database or file storage failed while saving." in html
    assert "Pie de foto escrito a mano" in html
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_bulk_upload_adds_every_file_with_its_metadata(client, photo_editor):
    client.force_login(photo_editor)

    response = client.post(
        reverse("admin:images_image_bulk_upload"),
        {
            "files": [
                SimpleUploadedFile("a.jpg", files.agency_photo()),
                SimpleUploadedFile("b.jpg", files.xmp_photo()),
            ]
        },
    )

    assert response.status_code == 302
    assert set(Image.objects.values_list("agency", flat=True)) == {"SPUTNIK", "AFP"}


def test_bulk_upload_refuses_all_when_one_file_is_bad(client, photo_editor, media_root):
    client.force_login(photo_editor)

    response = client.post(
        reverse("admin:images_image_bulk_upload"),
        {
            "files": [
                SimpleUploadedFile("good.jpg", files.jpeg()),
                SimpleUploadedFile("bad.jpg", b"not an image"),
            ]
        },
    )

    assert response.status_code == 200
    assert "bad.jpg" in response.content.decode()
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_deleting_an_image_removes_its_files(client, photo_editor, media_root, make_image):
    from django.test import TestCase

    image = make_image()
    assert stored_files(media_root)
    with TestCase.captureOnCommitCallbacks(execute=True):
        from images.services import delete_image_files

        delete_image_files(image)
        image.delete()

    assert stored_files(media_root) == []


def test_image_and_article_lists_show_small_renditions_not_originals(
    client, photo_editor, editor, make_article
):
    make_article()
    thumbnails = re.compile(r'<img src="([^"]+)" alt="" class="admin-thumb"')

    client.force_login(photo_editor)
    images = thumbnails.findall(client.get(reverse("admin:images_image_changelist")).text)
    client.force_login(editor)
    articles = thumbnails.findall(client.get(reverse("admin:articles_article_changelist")).text)

    assert images and articles
    assert all("/renditions/" in src and src.endswith(".jpg") for src in images + articles)
