"""Faults in the middle of an editor's save: nothing half-saved, no orphan file, work kept."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Byline
from images.models import Image, Rendition
from tests.articles.admin_forms import article_form_data, change_url
from tests.faults import connection_drops_before, disk_fills_up_on, stored_files
from tests.images import files

# Transactional: on PostgreSQL the test kills the real connection, test transaction included.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("staff_groups", "english_admin"),
]

NOT_SAVED = "Nothing was saved: the database or file storage failed while saving."


def test_a_dropped_connection_during_an_article_save_keeps_the_old_article_and_the_edit(
    client, editor, make_article, caplog
):
    article = make_article(headline="Titular original", body="<p>Cuerpo original.</p>")
    versions = Version.objects.get_for_object(article).count()
    client.force_login(editor)
    edit = article_form_data(
        article, headline="Titular reescrito", body="<p>Tres párrafos nuevos de la editora.</p>"
    )

    # The article row is already updated when the connection goes, before its history entry.
    with connection_drops_before('INSERT INTO "reversion_version"') as fired:
        response = client.post(change_url(article), edit)

    assert fired, "the fault never fired"
    html = response.content.decode()
    assert response.status_code == 200
    assert NOT_SAVED in html
    assert "Titular reescrito" in html and "Tres párrafos nuevos de la editora." in html
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.body, saved.revision) == (
        "Titular original",
        "<p>Cuerpo original.</p>",
        article.revision,
    )
    assert Version.objects.get_for_object(article).count() == versions
    assert "Article could not be saved: " in caplog.text

    # Saving again from the kept form goes through.
    response = client.post(change_url(article), edit)
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Titular reescrito"


def test_a_dropped_connection_while_adding_an_article_leaves_no_article(
    client, editor, section, author
):
    client.force_login(editor)
    data = article_form_data(
        headline="Nueva crónica desde Teherán",
        slug="nueva-cronica-desde-teheran",
        section=section.pk,
        body="<p>Texto.</p>",
        bylines=[(author, "Corresponsal")],
    )

    with connection_drops_before('INSERT INTO "articles_byline"') as fired:
        response = client.post(reverse("admin:articles_article_add"), data)

    assert fired
    assert NOT_SAVED in response.content.decode()
    assert "Nueva crónica desde Teherán" in response.content.decode()
    assert not Article.objects.exists()
    assert not Byline.objects.exists()


def test_a_full_disk_while_making_renditions_leaves_no_image_and_no_file(
    client, editor, media_root, monkeypatch
):
    client.force_login(editor)
    data = {
        "file": SimpleUploadedFile("photo.jpg", files.jpeg(size=(900, 600))),
        "licence": "agency",
        "focal_x": "0.5",
        "focal_y": "0.5",
        "caption": "Pie de foto que no se pierde",
        "photographer": "SERGEI SAVOSTYANOV",
    }

    with disk_fills_up_on("renditions/", monkeypatch, after=3) as failed:
        response = client.post(reverse("admin:images_image_add"), data)

    assert failed, "the fault never fired"
    html = response.content.decode()
    assert NOT_SAVED in html
    assert "Pie de foto que no se pierde" in html and "SERGEI SAVOSTYANOV" in html
    assert not Image.objects.exists() and not Rendition.objects.exists()
    # The original, three renditions and the half-written fourth are all gone.
    assert stored_files(media_root) == []


def test_a_full_disk_in_a_bulk_upload_uploads_nothing(client, editor, media_root, monkeypatch):
    client.force_login(editor)
    uploads = [SimpleUploadedFile(f"{n}.jpg", files.jpeg(size=(400, 300))) for n in "abc"]

    with disk_fills_up_on("images/", monkeypatch, after=2) as failed:
        response = client.post(reverse("admin:images_image_bulk_upload"), {"files": uploads})

    assert failed
    assert response.status_code == 503
    assert "Nothing was uploaded: the database or file storage failed" in response.content.decode()
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_failures_are_logged_by_kind_only(client, editor, make_article, caplog):
    article = make_article()
    client.force_login(editor)
    caplog.set_level(logging.DEBUG, logger="newsroom.saving")

    with connection_drops_before('INSERT INTO "reversion_version"'):
        client.post(change_url(article), article_form_data(article, headline="Secreto editorial"))

    assert [r.getMessage() for r in caplog.records if r.name == "newsroom.saving"] == [
        f"Article could not be saved: {'OperationalError'}"
    ]


def test_a_step_failing_after_commit_keeps_the_committed_rows_files(media_root):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import transaction

    from articles.models import Section
    from newsroom.saving import atomic_with_files, save_file

    def fails_after_commit():
        raise OSError("the CDN, a mail server or a storage delete failed")

    with pytest.raises(OSError), atomic_with_files():
        name = save_file(default_storage, "images/kept.bin", ContentFile(b"committed"))
        Section.objects.create(name_es="Mundo", name_en="World", slug="mundo")
        transaction.on_commit(fails_after_commit)

    assert Section.objects.filter(slug="mundo").exists()
    assert default_storage.exists(name)


def test_an_image_replaced_while_deleting_the_old_files_fails_keeps_the_new_ones(
    client, editor, make_image, media_root, monkeypatch
):
    from django.core.files.storage import FileSystemStorage

    image = make_image()
    client.force_login(editor)

    def broken_delete(self, name):
        raise OSError("storage unreachable")

    monkeypatch.setattr(FileSystemStorage, "delete", broken_delete)
    response = client.post(
        reverse("admin:images_image_change", args=[image.pk]),
        {
            "file": SimpleUploadedFile("new.jpg", files.jpeg(size=(640, 360))),
            "licence": "agency",
            "focal_x": "0.5",
            "focal_y": "0.5",
            "alt_text": "Nueva foto",
        },
    )

    assert response.status_code == 302  # saved; the old files wait for a later clean-up
    image.refresh_from_db()
    assert image.alt_text == "Nueva foto"
    assert (media_root / image.file.name).exists()
    assert all((media_root / variant[4]).exists() for variant in image.variants)
