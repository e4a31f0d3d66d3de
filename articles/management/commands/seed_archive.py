"""Fill the database with a realistic archive for load tests: by default 100,000 articles over
ten years in Spanish and English (most with a linked translation), 500 tags, 200 authors, a pool
of credited images with real renditions, bylines and corrections. Bulk inserts, progress printed.
"""

import random
import time
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.demo_content import SECTIONS
from articles.management.commands.seed_demo import render_demo_picture
from articles.models import Article, Byline, Correction, Section
from articles.search import update_documents
from authors.models import Author
from images.inspection import inspect_upload
from images.models import Image
from images.services import store_image

PLACES = [
    ("Teherán", "Tehran"),
    ("Moscú", "Moscow"),
    ("Kiev", "Kyiv"),
    ("Caracas", "Caracas"),
    ("Bogotá", "Bogotá"),
    ("La Paz", "La Paz"),
    ("Bruselas", "Brussels"),
    ("Ankara", "Ankara"),
    ("El Cairo", "Cairo"),
    ("Pekín", "Beijing"),
    ("Nueva Delhi", "New Delhi"),
    ("Lima", "Lima"),
    ("Buenos Aires", "Buenos Aires"),
    ("Santiago", "Santiago"),
    ("Beirut", "Beirut"),
    ("Bagdad", "Baghdad"),
    ("Riad", "Riyadh"),
    ("Varsovia", "Warsaw"),
    ("Berlín", "Berlin"),
    ("París", "Paris"),
    ("Londres", "London"),
    ("Washington", "Washington"),
    ("Quito", "Quito"),
]
EVENTS = [
    ("firma un acuerdo de gas con", "signs a gas deal with"),
    ("endurece las sanciones contra", "tightens sanctions on"),
    ("reabre la frontera con", "reopens the border with"),
    ("negocia un alto el fuego con", "negotiates a ceasefire with"),
    ("acusa de espionaje a", "accuses of espionage"),
    ("amplía el comercio con", "expands trade with"),
    ("convoca elecciones tras la crisis con", "calls elections after the crisis with"),
    ("suspende los vuelos a", "suspends flights to"),
]
TOPICS = [
    "energia",
    "sanciones",
    "elecciones",
    "defensa",
    "comercio",
    "migracion",
    "clima",
    "diplomacia",
    "derechos-humanos",
    "petroleo",
    "refugiados",
    "ciberseguridad",
    "puertos",
    "agricultura",
    "deuda",
    "protestas",
    "nuclear",
    "gas",
    "bancos",
    "prensa",
]
FIRST = [
    "Ana",
    "Luis",
    "Marta",
    "Jorge",
    "Sara",
    "Omar",
    "Lucía",
    "Iván",
    "Nadia",
    "Pablo",
    "Elena",
    "Karim",
    "Rosa",
    "Tomás",
    "Leila",
    "Diego",
    "Inés",
    "Yusuf",
    "Clara",
    "Hugo",
]
LAST = [
    "Ferrer",
    "Okafor",
    "Sierra",
    "Haddad",
    "Novak",
    "Quispe",
    "Rahimi",
    "Morales",
    "Weber",
    "Costa",
    "Ibarra",
    "Petrov",
    "Mendes",
    "Aziz",
    "Lindqvist",
    "Navarro",
    "Tanaka",
    "Ruiz",
]
WORDS_ES = (
    "el gobierno anunció que las negociaciones seguirán durante la próxima semana "
    "mientras los observadores internacionales piden calma y transparencia en el proceso "
    "las autoridades locales confirmaron que el suministro se mantiene estable"
).split()
WORDS_EN = (
    "the government said negotiations will continue next week while international "
    "observers call for calm and transparency in the process and local authorities "
    "confirmed that supplies remain stable across the region"
).split()
ROLES = ["Corresponsal", "Enviada especial", "Redacción", "Coordinador de Américas", "Editora"]


def paragraph(rng, words, length):
    text = " ".join(rng.choice(words) for _ in range(length))
    return f"<p>{text.capitalize()}.</p>"


class Command(BaseCommand):
    help = "Seed a large, realistic archive for benchmarks (bulk inserts; prints progress)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--tags", type=int, default=500)
        parser.add_argument("--authors", type=int, default=200)
        parser.add_argument("--images", type=int, default=40, help="size of the photo pool")
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--batch", type=int, default=2_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        existing = Article.objects.count()
        if existing >= options["articles"]:
            self.stdout.write(f"{existing} articles already present; nothing to do.")
            return
        if existing:
            self.stdout.write(f"{existing} articles present; adding the rest.")
        self.rng = random.Random(options["seed"])
        self.started = time.monotonic()
        sections = self.sections()
        authors = self.authors(options["authors"])
        tags = self.tags(options["tags"])
        images = self.images(options["images"])
        self.articles(options, existing, sections, authors, tags, images)
        self.progress("search documents")
        update_documents(Article.objects.all())
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Visibility map and statistics: listings count with index-only scans.
                cursor.execute("VACUUM ANALYZE")
        self.progress(f"done: {Article.objects.count()} articles")

    def progress(self, message):
        self.stdout.write(f"[{time.monotonic() - self.started:7.1f} s] {message}")
        self.stdout.flush()

    def sections(self):
        for order, data in enumerate(SECTIONS):
            Section.objects.get_or_create(slug=data["slug"], defaults={**data, "order": order})
        return list(Section.objects.values_list("pk", flat=True))

    def authors(self, count):
        names = [f"{first} {last}" for last in LAST for first in FIRST][:count]
        Author.objects.bulk_create(
            [Author(name=name, slug=slugify(name), role=self.rng.choice(ROLES)) for name in names],
            ignore_conflicts=True,
        )
        self.progress(f"{len(names)} authors")
        return list(Author.objects.values_list("pk", flat=True))

    def tags(self, count):
        slugs = list(TOPICS)
        for first_es, _en in PLACES:
            for second_es, _en2 in PLACES:
                if first_es != second_es:
                    slugs.append(f"{slugify(first_es)}-{slugify(second_es)}")
        slugs = slugs[:count]
        Tag.objects.bulk_create(
            [Tag(name=slug, slug=slug) for slug in slugs], ignore_conflicts=True
        )
        self.progress(f"{len(slugs)} tags")
        return list(Tag.objects.values_list("pk", flat=True))

    def images(self, count):
        have = Image.objects.count()
        for index in range(have, count):
            palette = (
                tuple(self.rng.randint(20, 120) for _ in range(3)),
                tuple(self.rng.randint(120, 240) for _ in range(3)),
            )
            upload = ContentFile(
                render_demo_picture(palette, seed=index, size=(1600, 900)),
                name=f"archive-{index}.jpg",
            )
            image = Image(
                file=upload,
                alt_text=f"Archive photograph {index}",
                caption=f"Archive photograph {index}.",
                photographer=self.rng.choice(LAST).upper(),
                agency=self.rng.choice(["REUTERS", "AFP", "EFE", "AP", "SPUTNIK"]),
            )
            store_image(image=image, facts=inspect_upload(upload))
        self.progress(f"{count} images with renditions")
        return list(Image.objects.values_list("pk", flat=True))

    def articles(self, options, existing, sections, authors, tags, images):
        total = options["articles"]
        now = timezone.now()
        span = timedelta(days=365 * options["years"]).total_seconds()
        content_type = ContentType.objects.get_for_model(Article)
        made = existing
        number = existing
        while made < total:
            pairs = min(options["batch"] // 2, max(1, (total - made) // 2))
            rows = []
            for _ in range(pairs):
                number += 1
                published = now - timedelta(seconds=self.rng.random() * span)
                rows.append((number, published))
            with transaction.atomic():
                originals = Article.objects.bulk_create(
                    [self.article(n, at, "es", sections, images) for n, at in rows]
                )
                # Most stories get a translation; the rest stay in one language.
                translated = [a for a in originals if self.rng.random() < 0.9]
                translations = Article.objects.bulk_create(
                    [
                        self.article(
                            a.archive_number, a.published_at, "en", sections, images, original=a
                        )
                        for a in translated
                    ]
                )
                batch = originals + translations
                self.related_rows(batch, authors, tags, content_type)
            made += len(batch)
            self.progress(f"{made} / {total} articles")

    def article(self, number, published, language, sections, images, original=None):
        rng = self.rng
        place_a, place_b = rng.sample(PLACES, 2)
        event = rng.choice(EVENTS)
        index = 0 if language == "es" else 1
        headline = f"{place_a[index]} {event[index]} {place_b[index]}"
        words = WORDS_ES if language == "es" else WORDS_EN
        status = Article.Status.PUBLISHED
        roll = rng.random()
        if roll < 0.01:
            status = Article.Status.DRAFT
        elif roll < 0.015:
            status = Article.Status.UNPUBLISHED
        article = Article(
            headline=headline,
            standfirst=paragraph(rng, words, 25)[3:-4],
            slug=f"{slugify(headline)[:150]}-{number}",
            body="".join(paragraph(rng, words, rng.randint(40, 70)) for _ in range(4)),
            language=language,
            section_id=original.section_id if original else rng.choice(sections),
            lead_image_id=rng.choice(images),
            status=status,
            published_at=published,
            first_published_at=published,
            translation_of=original,
        )
        article.archive_number = number
        return article

    def related_rows(self, batch, authors, tags, content_type):
        rng = self.rng
        bylines, tagged, corrections = [], [], []
        for article in batch:
            for order, author in enumerate(rng.sample(authors, rng.choice((1, 1, 1, 2, 3)))):
                bylines.append(
                    Byline(article=article, author_id=author, role=rng.choice(ROLES), order=order)
                )
            for tag in rng.sample(tags, rng.randint(2, 5)):
                tagged.append(
                    TaggedItem(content_type=content_type, object_id=article.pk, tag_id=tag)
                )
            if rng.random() < 0.02:
                corrections.append(
                    Correction(article=article, text="Se corrigió una cifra en el tercer párrafo.")
                )
        Byline.objects.bulk_create(bylines)
        TaggedItem.objects.bulk_create(tagged)
        Correction.objects.bulk_create(corrections)
