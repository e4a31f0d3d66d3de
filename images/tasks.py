"""Background work of the image library (see newsroom/tasks.py)."""

import logging

from django_tasks import task

from images.models import Image
from images.renditions import create_renditions
from newsroom.saving import atomic_with_files

logger = logging.getLogger(__name__)


@task()
def make_renditions(image_id):
    """Make the missing renditions of a very large image outside the request (store_image).

    Safe to run again: only missing renditions are made. If the image was deleted meanwhile
    there is nothing to do. One transaction, like a save: if it fails, no row and no file of
    this run is kept. Once the renditions exist the image is saved, so the pages that showed
    its placeholder are purged when this commits (articles/caching.py). Returns how many
    renditions were made.
    """
    try:
        with atomic_with_files():
            # Locked (on PostgreSQL) so that two runs, or a run and a new upload, take turns.
            image = Image.objects.select_for_update().filter(pk=image_id).first()
            if image is None:
                logger.info("Image %s was deleted before its renditions were made.", image_id)
                return 0
            created = create_renditions(image)
            if created:
                image.save(update_fields=["variants"])
    except Exception:
        # Deleted while this ran (its file gone, whatever the storage, or its row gone before
        # ours were written) is not a failure; anything else is.
        if Image.objects.filter(pk=image_id).exists():
            raise
        logger.info("Image %s was deleted before its renditions were made.", image_id)
        return 0
    return len(created)
