"""Make the responsive, cropped, metadata-free renditions of an image, once per size."""

import io
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageOps

from images.models import Image, Rendition
from newsroom.saving import atomic_with_files, save_file


@dataclass(frozen=True)
class Crop:
    name: str
    ratio: tuple[int, int] | None  # None keeps the picture's own shape
    widths: tuple[int, ...]
    formats: tuple[str, ...] = ("webp", "jpeg")


CROPS = (
    Crop("original", None, (320, 640, 960, 1280, 1920)),
    Crop("16x9", (16, 9), (320, 640, 960, 1200)),
    Crop("4x3", (4, 3), (1200,), ("jpeg",)),
    Crop("1x1", (1, 1), (160, 320, 1200)),
    Crop("social", (1200, 630), (1200,), ("jpeg",)),
)
CROPS_BY_NAME = {crop.name: crop for crop in CROPS}
SAVE_OPTIONS = {
    "webp": {"format": "WEBP", "quality": 80, "method": 2},
    "jpeg": {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True},
}
EXTENSIONS = {"webp": "webp", "jpeg": "jpg"}


def normalise(picture):
    """Return the first frame, upright, in RGB or RGBA, with every metadata block dropped."""
    picture.seek(0)
    picture = ImageOps.exif_transpose(picture)
    if picture.mode in ("I;16", "I;16B", "I;16L", "I"):
        picture = picture.point(lambda value: value / 256).convert("L")
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    picture = picture.convert("RGBA" if has_alpha else "RGB")
    clean = PILImage.new(picture.mode, picture.size)
    clean.paste(picture)
    return clean


def crop_box(size, ratio, focal):
    """Return the largest box of `ratio` inside `size` centred as near the focal point as fits."""
    width, height = size
    if ratio is None:
        return (0, 0, width, height)
    target = ratio[0] / ratio[1]
    if width / height > target:
        box_w, box_h = round(height * target), height
    else:
        box_w, box_h = width, round(width / target)
    left = min(max(round(focal[0] * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal[1] * height - box_h / 2), 0), height - box_h)
    return (left, top, left + box_w, top + box_h)


def encode(picture, kind):
    if kind == "jpeg" and picture.mode == "RGBA":
        flat = PILImage.new("RGB", picture.size, (255, 255, 255))
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    buffer = io.BytesIO()
    picture.save(buffer, **SAVE_OPTIONS[kind])
    return buffer.getvalue()


def planned_sizes(image_size, crop):
    """Widths of a crop to make: never wider than the cropped original."""
    left, top, right, bottom = crop_box(image_size, crop.ratio, (0.5, 0.5))
    available = right - left
    widths = [width for width in crop.widths if width <= available]
    return widths or [available]


def create_renditions(image: Image) -> list[Rendition]:
    """Make every missing rendition of `image`; if the transaction fails, its files go too."""
    existing = {(r.crop, r.format, r.width) for r in image.renditions.all()}
    # A fresh folder per batch: a remade rendition never reuses a URL caches may hold.
    batch = secrets.token_hex(4)
    created = []
    with image.file.open("rb") as handle, PILImage.open(handle) as source:
        largest = max(max(crop.widths) for crop in CROPS)
        if source.format in ("JPEG", "MPO"):
            # Let the JPEG decoder skip detail no rendition needs (much faster on big files).
            source.draft("RGB", (largest, largest))
        picture = normalise(source)
    with atomic_with_files():
        for crop in CROPS:
            box = crop_box(picture.size, crop.ratio, (image.focal_x, image.focal_y))
            region = picture.crop(box)
            # Downscale cascade: each width is made from the next larger one.
            for width in sorted(planned_sizes(picture.size, crop), reverse=True):
                height = max(1, round(region.height * width / region.width))
                if width < region.width:
                    region = region.resize(
                        (width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0
                    )
                for kind in crop.formats:
                    if (crop.name, kind, width) in existing:
                        continue
                    name = save_file(
                        default_storage,
                        f"renditions/{image.pk}/{batch}/{crop.name}-{width}.{EXTENSIONS[kind]}",
                        ContentFile(encode(region, kind)),
                    )
                    created.append(
                        Rendition.objects.create(
                            image=image,
                            crop=crop.name,
                            format=kind,
                            width=region.width,
                            height=region.height,
                            file=name,
                        )
                    )
        image.sync_variants()
    return created


def delete_renditions(image: Image) -> None:
    """Delete the rendition rows now and their files once the transaction commits."""
    names = list(image.renditions.values_list("file", flat=True))
    image.renditions.all().delete()
    image.sync_variants()

    def remove_files():
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(remove_files, robust=True)
