from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ImagesConfig(AppConfig):
    name = "images"
    verbose_name = _("Image library")

    def ready(self):
        from PIL import Image

        # Pillow's own bomb guard then errors at twice our limit instead of 179 megapixels.
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
