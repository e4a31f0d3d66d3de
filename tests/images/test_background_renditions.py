"""Renditions of very large images are made by the task worker when one is configured.

"Very large" is RENDITIONS_IN_BACKGROUND_PIXELS (24 megapixels in production); these tests
lower it so that a 640×480 JPEG counts, which keeps them fast.
"""

import time

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from images import services
from images.inspection import inspect_upload
from images.models import Image, Rendition
from images.renditions import CROPS, planned_sizes
from images.tasks import make_renditions
from tests.images import files
from tests.tasks import DATABASE_BACKEND, queued, run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english_admin")]

# Every rendition a 640×480 picture gets (the widths no wider than each crop, per format).
ALL = sum(len(planned_sizes((640, 480), crop)) * len(crop.formats) for crop in CROPS)
PENDING = "Renditions are being made; the image appears on pages once they are ready."


@pytest.fixture(autouse=True)
def large_threshold(settings):
    settings.RENDITIONS_IN_BACKGROUND_PIXELS = 100_000


@pytest.fixture
def worker_backend(settings):
    settings.TASKS = DATABASE_BACKEND


@pytest.fixture
def photo_desk(staff_groups, make_staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make_staff("Photo editor"))
    return client


def upload(client, content):
    data = {
        "file": SimpleUploadedFile("big.jpg", content),
        "licence": "agency",
        "focal_x": "0.5",
        "focal_y": "0.5",
        "alt_text": "A crowd in the square",
        "photographer": "ANA LÓPEZ",
    }
    return client.post(reverse("admin:images_image_add"), data, follow=True)


def large_image(**fields):
    content = files.jpeg(size=(640, 480), colour=(30, 120, 60))
    upload_file = ContentFile(content, name="big.jpg")
    image = Image(file=upload_file, alt_text="A crowd", photographer="ANA LÓPEZ", **fields)
    return services.store_image(image=image, facts=inspect_upload(upload_file))


def rendition_files(media_root):
    folder = media_root / "renditions"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_without_a_worker_large_images_are_rendered_in_the_request(photo_desk, media_root):
    response = upload(photo_desk, files.jpeg(size=(640, 480)))

    image = Image.objects.get()
    assert image.renditions.count() == ALL and image.variants
    assert PENDING not in response.content.decode()
    assert not DBTaskResult.objects.exists()


def test_with_a_worker_the_upload_queues_the_renditions_and_says_so(
    photo_desk, worker_backend, media_root
):
    response = upload(photo_desk, files.jpeg(size=(640, 480)))

    image = Image.objects.get()
    assert PENDING in response.content.decode()
    assert image.renditions.count() == 0 and image.variants == []
    assert rendition_files(media_root) == []
    [row] = queued("images.tasks.make_renditions")
    assert row.args_kwargs == {"args": [image.pk], "kwargs": {}}

    run_worker()

    image.refresh_from_db()
    assert image.renditions.count() == ALL
    assert len(image.variants) == ALL and len(rendition_files(media_root)) == ALL
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    page = photo_desk.get(reverse("admin:images_image_change", args=[image.pk]))
    assert (
        PENDING not in page.content.decode() and "No renditions yet" not in page.content.decode()
    )


def test_small_images_are_rendered_in_the_request_even_with_a_worker(photo_desk, worker_backend):
    upload(photo_desk, files.jpeg(size=(320, 180)))

    assert Image.objects.get().renditions.count() > 0
    assert not DBTaskResult.objects.exists()


def test_pages_show_the_placeholder_until_the_worker_has_made_the_renditions(
    client, worker_backend, make_article, settings, media_root
):
    settings.PAGE_CACHE_ENABLED = True
    image = large_image()
    article = make_article(lead_image=image)
    # Later than the margin in which a page rendered right after a purge is not kept.
    with time_machine.travel(time.time() + 10, tick=True):
        before = client.get(article.get_absolute_url())
        feed = client.get("/es/feed/").content.decode()
        cached = client.get(article.get_absolute_url())["X-Cache"]
        run_worker()
        after = client.get(article.get_absolute_url())

    html = before.content.decode()
    # The original (full size, with its metadata) is never exposed, not even while waiting.
    assert image.file.name not in html and image.file.name not in feed
    assert '<div class="placeholder" role="img" aria-label="A crowd"></div>' in html
    assert 'property="og:image"' not in html
    assert cached == "HIT"
    html = after.content.decode()
    assert after["X-Cache"] == "MISS"  # the worker's save purged the page with the placeholder
    assert "<picture>" in html and 'class="placeholder"' not in html
    assert image.file.name not in html
    assert 'property="og:image"' in html


def test_the_task_is_idempotent(worker_backend, media_root):
    image = large_image()
    run_worker()
    assert image.renditions.count() == ALL

    assert make_renditions.call(image.pk) == 0
    Rendition.objects.filter(image=image, crop="1x1", format="webp", width=160).delete()
    assert make_renditions.call(image.pk) == 1

    assert image.renditions.count() == ALL
    assert len(rendition_files(media_root)) == ALL + 1  # the deleted row's file is an orphan here


def test_an_image_deleted_before_the_worker_runs_is_skipped(worker_backend, media_root):
    image = large_image()
    with transaction.atomic():
        services.delete_image_files(image)
        image.delete()

    run_worker()

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert DBTaskResult.objects.get().return_value == 0
    assert not Rendition.objects.exists() and rendition_files(media_root) == []


def test_a_new_focal_point_on_a_large_image_is_rendered_by_the_worker(
    photo_desk, worker_backend, media_root
):
    upload(photo_desk, files.jpeg(size=(640, 480)))
    run_worker()
    image = Image.objects.get()
    change = reverse("admin:images_image_change", args=[image.pk])
    data = {
        "licence": "agency",
        "focal_x": "0.2",
        "focal_y": "0.5",
        "alt_text": "A crowd in the square",
        "photographer": "ANA LÓPEZ",
    }

    response = photo_desk.post(change, data, follow=True)

    assert PENDING in response.content.decode()
    assert image.renditions.count() == 0
    run_worker()
    assert image.renditions.count() == ALL


def test_a_failed_save_queues_nothing(worker_backend):
    with pytest.raises(RuntimeError), transaction.atomic():
        large_image()
        raise RuntimeError("the save failed after the image was stored")

    assert not Image.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_an_edit_from_before_the_worker_ran_keeps_the_renditions_it_made(
    worker_backend, media_root
):
    image = large_image()
    seen_by_editor = Image.objects.get(pk=image.pk)  # the form was opened before the worker ran
    assert seen_by_editor.variants == []

    run_worker()
    seen_by_editor.alt_text = "A crowd in the square at dusk"
    services.store_image(image=seen_by_editor, facts=None)

    image.refresh_from_db()
    assert image.alt_text == "A crowd in the square at dusk"
    assert len(image.variants) == ALL


def test_after_a_failed_background_run_staff_can_make_the_renditions_again(
    photo_desk, worker_backend, media_root, monkeypatch
):
    image = large_image()

    def broken(image):
        raise OSError("the worker's disk was full")

    monkeypatch.setattr("images.tasks.create_renditions", broken)
    run_worker()
    assert DBTaskResult.objects.get().status == "FAILED"
    change_page = photo_desk.get(reverse("admin:images_image_change", args=[image.pk]))
    assert "No renditions yet" in change_page.content.decode()
    monkeypatch.undo()

    answer = photo_desk.post(
        reverse("admin:images_image_changelist"),
        {"action": "make_missing_renditions", "_selected_action": [image.pk]},
        follow=True,
    )
    assert "Missing renditions requested for 1 image(s)." in answer.content.decode()
    run_worker()

    image.refresh_from_db()
    assert len(image.variants) == ALL
