import io
import random
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter

from articles.demo_content import AUTHORS, ROLES_EN, SECTIONS, STORIES
from articles.models import Article, Byline, Section
from authors.models import Author
from images.inspection import inspect_upload
from images.models import Image
from images.services import store_image

EDITOR_USERNAME = "editor"


def render_demo_picture(palette, seed, size=(1600, 900)):
    """Draw an abstract landscape in the story's colours and return it as JPEG bytes."""
    rng = random.Random(seed)
    top, bottom = palette
    width, height = size
    picture = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        mix = y / height
        colour = tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    sun = rng.randint(width // 5, width * 4 // 5)
    draw.ellipse([sun - 90, 160, sun + 90, 340], fill=tuple(min(255, c + 60) for c in bottom))
    for layer in range(4):
        base = height * (0.55 + layer * 0.1)
        shade = tuple(max(0, round(c * (0.75 - layer * 0.15))) for c in top)
        points = [(0, height)]
        for x in range(0, width + 80, 80):
            points.append((x, base - rng.randint(0, 120 - layer * 20)))
        points.append((width, height))
        draw.polygon(points, fill=shade)
    picture = picture.filter(ImageFilter.GaussianBlur(1.2))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Load the demo newsroom (sections, authors, articles with images) once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load the demo even if articles exist."
        )

    def handle(self, *args, force=False, **options):
        if Article.objects.exists() and not force:
            self.stdout.write("Demo content already present; nothing to do.")
        else:
            with transaction.atomic():
                count = self.load()
            self.stdout.write(self.style.SUCCESS(f"Loaded {count} demo articles."))
        self.ensure_editor()

    def load(self):
        sections = {}
        for order, data in enumerate(SECTIONS):
            sections[data["slug"]], _ = Section.objects.update_or_create(
                slug=data["slug"], defaults={**data, "order": order}
            )
        authors = {}
        for data in AUTHORS:
            authors[data["slug"]], _ = Author.objects.update_or_create(
                slug=data["slug"], defaults=data
            )
        translator = authors["irene-vaz"]
        now = timezone.now()
        count = 0
        for index, story in enumerate(STORIES):
            published_at = now - timedelta(hours=3 + index * 7)
            pixels = render_demo_picture(story["image"]["palette"], seed=index)
            original = None
            for language in ("es", "en"):
                text = story[language]
                image = self.make_image(story["image"], language, pixels, index)
                article = Article.objects.create(
                    headline=text["headline"],
                    standfirst=text["standfirst"],
                    slug=slugify_headline(text["headline"]),
                    body=text["body"],
                    dateline=text["dateline"],
                    article_type=story["type"],
                    language=language,
                    translation_of=original,
                    section=sections[story["section"]],
                    lead_image=image,
                    status=Article.Status.PUBLISHED,
                    published_at=published_at + timedelta(minutes=40 if original else 0),
                    first_published_at=published_at,
                    content_changed_at=published_at,
                )
                article.tags.add(*story["tags"])
                for order, (slug, role) in enumerate(story["bylines"]):
                    if language == "en":
                        role = ROLES_EN[role]
                    Byline.objects.create(
                        article=article, author=authors[slug], role=role, order=order
                    )
                if original is not None:
                    Byline.objects.create(
                        article=article,
                        author=translator,
                        role=ROLES_EN[translator.role],
                        kind=Byline.Kind.TRANSLATION,
                        order=len(story["bylines"]),
                    )
                original = original or article
                count += 1
        return count

    def make_image(self, data, language, pixels, index):
        image = Image(
            title=data[f"caption_{language}"][:80],
            alt_text=data[f"alt_{language}"],
            caption=data[f"caption_{language}"],
            photographer=data["photographer"],
            agency=data["agency"],
            distributor=data["distributor"],
            licence=Image.Licence.AGENCY if data["agency"] else Image.Licence.STAFF,
            copyright_notice=f"© {data['agency'] or 'Mundo Abierto'}",
        )
        upload = ContentFile(pixels, name=f"demo-{index}-{language}.jpg")
        image.file = upload
        return store_image(image=image, facts=inspect_upload(upload))

    def ensure_editor(self):
        User = get_user_model()
        if User.objects.filter(username=EDITOR_USERNAME).exists():
            return
        password = secrets.token_urlsafe(16)
        editor = User.objects.create_user(
            EDITOR_USERNAME, email="", password=password, is_staff=True
        )
        editor.groups.add(Group.objects.get(name="Editor"))
        self.stdout.write(
            self.style.WARNING(
                "Created the editor account. Its password is shown only this once:\n"
                f"  username: {EDITOR_USERNAME}\n  password: {password}\n"
                "Sign in at http://127.0.0.1:8000/admin/"
            )
        )


def slugify_headline(headline):
    return slugify(headline)[:80].strip("-")
