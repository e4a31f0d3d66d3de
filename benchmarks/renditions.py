"""Time how long all renditions of a 24-megapixel JPEG take.

Usage: .venv/bin/python benchmarks/renditions.py [runs]

Runs against a throwaway SQLite database and media folder, so it touches nothing else.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SCRATCH = tempfile.mkdtemp(prefix="rendition-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="newsroom.settings",
    DJANGO_VAR_DIR=SCRATCH,
    DATABASE_URL=f"sqlite:///{SCRATCH}/bench.sqlite3",
)

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from PIL import ImageDraw  # noqa: E402

from images.inspection import inspect_upload  # noqa: E402
from images.models import Image  # noqa: E402
from images.renditions import create_renditions, delete_renditions  # noqa: E402
from images.services import store_image  # noqa: E402


def photo_like_jpeg(size=(6000, 4000)):
    """A 24-megapixel JPEG with detail everywhere, so the encoder does real work."""
    picture = PILImage.effect_noise(size, 60).convert("RGB")
    draw = ImageDraw.Draw(picture)
    for step in range(0, size[0], 150):
        draw.line([(step, 0), (size[0] - step, size[1])], fill=(200, 80, 40), width=9)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def main(runs=5):
    call_command("migrate", verbosity=0)
    data = photo_like_jpeg()
    upload = ContentFile(data, name="big.jpg")
    image = Image(alt_text="benchmark", file=upload)
    store_image(image=image, facts=inspect_upload(upload))
    count = image.renditions.count()
    timings = []
    for _ in range(runs):
        delete_renditions(image)
        started = time.perf_counter()
        create_renditions(image)
        timings.append(time.perf_counter() - started)
    print(f"source: 6000x4000 JPEG, {len(data) / 1e6:.1f} MB; renditions per image: {count}")
    print(
        f"runs: {runs}; median {statistics.median(timings):.2f} s; "
        f"min {min(timings):.2f} s; max {max(timings):.2f} s"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
