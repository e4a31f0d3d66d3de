"""Check an uploaded file before anything is stored: real format, pixel limit, integrity."""

import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from images.metadata import read_metadata

# Pillow format name -> file extension we store the original under.
ALLOWED_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


@dataclass
class UploadFacts:
    extension: str
    width: int
    height: int
    metadata: dict = field(default_factory=dict)


def max_pixels():
    return settings.IMAGE_MAX_PIXELS


@contextmanager
def opened_image(upload):
    """Open an uploaded image after checking its real format and its pixel count.

    Yields the decoded Pillow image; every way the file can be refused becomes a
    ValidationError with a message for the person who uploaded it.
    """
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(upload) as picture:
                kind = picture.format
                if kind not in ALLOWED_FORMATS:
                    raise ValidationError(
                        _("%(kind)s files are not accepted. Upload a JPEG, PNG, WebP or GIF.")
                        % {"kind": kind},
                        code="format",
                    )
                width, height = picture.size
                # Refuse before decoding: Pillow only warns below its own, much higher limit.
                if width * height > max_pixels():
                    raise ValidationError(
                        _(
                            "This image is %(width)s × %(height)s pixels; the limit is "
                            "%(limit)s megapixels."
                        )
                        % {
                            "width": width,
                            "height": height,
                            "limit": round(max_pixels() / 1_000_000),
                        },
                        code="too_large",
                    )
                picture.load()
                yield picture
    except ValidationError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ValidationError(
            _(
                "This image has too many pixels to process safely; the limit is "
                "%(limit)s megapixels."
            )
            % {"limit": round(max_pixels() / 1_000_000)},
            code="too_large",
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            _("This file is not an image. Upload a JPEG, PNG, WebP or GIF."), code="not_image"
        ) from None
    except ValueError as error:
        if "Decompressed data too large" in str(error):
            raise ValidationError(
                _("This image carries too much embedded metadata to be read safely."),
                code="metadata_too_large",
            ) from None
        raise ValidationError(
            _("This image is damaged or incomplete and cannot be read."), code="damaged"
        ) from None
    except (OSError, SyntaxError, EOFError):
        raise ValidationError(
            _("This image is damaged or incomplete and cannot be read."), code="damaged"
        ) from None
    finally:
        upload.seek(0)


def inspect_upload(upload) -> UploadFacts:
    """Return what an uploaded image is, or raise ValidationError saying why it is refused."""
    with opened_image(upload) as picture:
        kind = picture.format
        # After load(): PNG text chunks stored after the image data are read only then.
        metadata = read_metadata(picture)
        width, height = ImageOps.exif_transpose(picture).size
    return UploadFacts(
        extension=ALLOWED_FORMATS[kind], width=width, height=height, metadata=metadata
    )
