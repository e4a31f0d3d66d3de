from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from articles.models import Article, Byline, Section
from authors.models import Author
from images.inspection import inspect_upload
from images.models import Image
from images.services import store_image
from tests.images import files


@pytest.fixture(autouse=True)
def default_language():
    """Start every test in the site's default language, whatever the last request activated."""
    with translation.override("es"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Start every test with an empty cache and the page cache off.

    Tests of caching switch it on themselves: outside a transaction test, purges wait for a
    commit that never comes.
    """
    from django.core.cache import cache

    from newsroom.pagecache import _registry

    settings.PAGE_CACHE_ENABLED = False
    cache.clear()
    _registry.local.clear()
    yield
    cache.clear()
    _registry.local.clear()


@pytest.fixture
def english_admin(client):
    """Ask for English, so admin messages can be matched by their source text."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_image(db):
    def make(**overrides):
        fields = {
            "alt_text": "Voters queue outside a school",
            "caption": "Voters queue on the plateau.",
            "photographer": "SERGEI SAVOSTYANOV",
            "agency": "SPUTNIK",
            "distributor": "REUTERS",
        }
        fields.update(overrides)
        image = Image(**fields)
        upload = ContentFile(files.jpeg(size=(320, 180), colour=(40, 90, 140)), name="photo.jpg")
        image.file = upload
        return store_image(image=image, facts=inspect_upload(upload))

    return make


@pytest.fixture
def section(db):
    return Section.objects.create(name_es="Américas", name_en="Americas", slug="americas")


@pytest.fixture
def author(db):
    return Author.objects.create(
        name="José Antonio Sierra", slug="jose-antonio-sierra", role="Americas Coordinator"
    )


@pytest.fixture
def make_article(db, section, author, make_image):
    counter = iter(range(1, 10_000))

    def make(*, tags=(), bylines=None, **overrides):
        number = next(counter)
        fields = {
            "headline": f"Headline number {number}",
            "standfirst": "What happened, in one sentence.",
            "slug": f"headline-number-{number}",
            "body": "<p>Body text.</p>",
            "language": "es",
            "section": section,
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(hours=1),
        }
        if "lead_image" not in overrides:
            fields["lead_image"] = make_image()
        fields.update(overrides)
        if fields["status"] == Article.Status.PUBLISHED:
            fields.setdefault("first_published_at", fields["published_at"])
        article = Article.objects.create(**fields)
        article.tags.add(*tags)
        for order, (byline_author, role) in enumerate(
            bylines if bylines is not None else [(author, "Americas Coordinator")]
        ):
            Byline.objects.create(article=article, author=byline_author, role=role, order=order)
        return article

    return make


@pytest.fixture
def staff_groups(transactional_db):
    """Recreate the groups the data migrations made: transactional tests empty every table."""
    import importlib

    from django.apps import apps

    importlib.import_module("articles.migrations.0003_groups").grant_group_permissions(apps)
    importlib.import_module("tips.migrations.0002_desk_permissions").grant_desk_permissions(apps)


@pytest.fixture
def make_staff(db):
    from django.contrib.auth.models import Group, User

    def make(group, username=None):
        user = User.objects.create_user(
            username or group.lower().replace(" ", "-"), password="x-Long-Enough-42", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def editor(make_staff):
    return make_staff("Editor")


@pytest.fixture
def reporter(make_staff):
    return make_staff("Reporter")
