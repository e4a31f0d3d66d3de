"""A small site for app-server tests, made inside the servers' own database.

Run by the tests as `manage.py shell -c "from tests.scale.site import create; create()"`; prints
what the tests need to know as JSON.
"""

import json

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.utils import timezone

from articles.models import Article, Byline, Section
from authors.models import Author
from images.inspection import inspect_upload
from images.models import Image
from images.services import store_image
from tests.images import files

PASSWORD = "scale-Test-password-42"


def create():
    section = Section.objects.create(name_es="Mundo", name_en="World", slug="mundo")
    author = Author.objects.create(
        name="José Antonio Sierra", slug="jose-antonio-sierra", role="Americas Coordinator"
    )
    photo = ContentFile(files.jpeg(size=(800, 450)), name="photo.jpg")
    image = Image(
        file=photo,
        alt_text="Delegates arrive at the summit",
        photographer="SERGEI SAVOSTYANOV",
        agency="SPUTNIK",
        distributor="REUTERS",
    )
    store_image(image=image, facts=inspect_upload(photo))

    def story(**fields):
        story = Article.objects.create(
            lead_image=image, language="es", section=section, body="<p>Cuerpo.</p>", **fields
        )
        Byline.objects.create(article=story, author=author, role="Americas Coordinator")
        return story

    an_hour_ago = timezone.now() - timezone.timedelta(hours=1)
    article = story(
        headline="Titular antes de la edición",
        standfirst="Lo que pasó, en una frase.",
        slug="titular-antes",
        status=Article.Status.PUBLISHED,
        published_at=an_hour_ago,
        first_published_at=an_hour_ago,
    )
    article.tags.add("rusia-iran")
    draft = story(
        headline="Borrador listo para publicar",
        standfirst="Lo que pasará, en una frase.",
        slug="borrador-listo",
        status=Article.Status.DRAFT,
    )
    editors = []
    for username in ("marta", "pablo"):
        user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name="Editor"))
        editors.append(username)
    # A photo editor: staff outside the groups that must use two-factor sign-in in production.
    photo_editor = User.objects.create_user("lucia", password=PASSWORD, is_staff=True)
    photo_editor.groups.add(Group.objects.get(name="Photo editor"))
    print(
        json.dumps(
            {
                "article_id": article.pk,
                "article_url": article.get_absolute_url(),
                "section_id": section.pk,
                "author_id": author.pk,
                "image_id": image.pk,
                "draft_id": draft.pk,
                "draft_url": draft.get_absolute_url(),
                "editors": editors,
                "password": PASSWORD,
            }
        )
    )
