"""Image library operations that touch both the database and file storage."""

from django.conf import settings
from django.db import transaction

from images.inspection import UploadFacts
from images.models import Image
from images.renditions import create_renditions, delete_renditions
from images.tasks import make_renditions
from newsroom.saving import atomic_with_files, save_field_file
from newsroom.tasks import enqueue_on_commit, runs_inline

PREFILLED_FIELDS = ("photographer", "agency", "source", "caption", "copyright_notice", "title")


def prefill_from_metadata(image: Image, metadata: dict) -> list[str]:
    """Fill the image's empty credit fields from the file's metadata; return those filled."""
    filled = []
    for field in PREFILLED_FIELDS:
        value = metadata.get(field, "")
        limit = Image._meta.get_field(field).max_length
        if value and not getattr(image, field):
            setattr(image, field, value[:limit] if limit else value)
            filled.append(field)
    return filled


def renders_in_background(image: Image) -> bool:
    """True if this image's renditions are made by the task worker rather than in the request:
    a worker is configured and the picture has more than RENDITIONS_IN_BACKGROUND_PIXELS."""
    pixels = (image.width or 0) * (image.height or 0)
    return pixels > settings.RENDITIONS_IN_BACKGROUND_PIXELS and not runs_inline(make_renditions)


def store_image(*, image: Image, facts: UploadFacts | None, recrop: bool = False) -> Image:
    """Save the image and (re)make its renditions; on failure leave no row and no file behind
    (the original and renditions are written inside one atomic_with_files block).

    `facts` describe a newly uploaded file; `recrop` remakes renditions for a new focal point.
    Files that a replacement makes obsolete are removed only once the change is committed.

    A very large picture, with a task worker configured, gets its renditions from the
    `make_renditions` task once the save commits (`image.renditions_pending` is then True);
    until they exist, pages show the neutral placeholder, never the original.
    """
    new_file = facts is not None
    old_name = None
    with atomic_with_files():
        if new_file:
            if image.pk:
                old_name = Image.objects.filter(pk=image.pk).values_list("file", flat=True).first()
            save_field_file(image.file, f"upload.{facts.extension}", image.file.file)
            image.width, image.height = facts.width, facts.height
        image.save()
        image.renditions_pending = False
        if new_file or recrop:
            delete_renditions(image)
            if renders_in_background(image):
                enqueue_on_commit(make_renditions, image.pk)
                image.renditions_pending = True
            else:
                create_renditions(image)
        if old_name and old_name != image.file.name:
            storage = image.file.storage

            def remove_old_original():
                storage.delete(old_name)

            # A function, not a partial: Django's robust on_commit logs the callback's name.
            transaction.on_commit(remove_old_original, robust=True)
    return image


def delete_image_files(image: Image) -> None:
    """Remove the original and every rendition from storage once the deletion is committed."""
    names = [image.file.name, *image.renditions.values_list("file", flat=True)]
    storage = image.file.storage

    def remove():
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(remove, robust=True)
