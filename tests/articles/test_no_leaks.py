"""One sweep over every public channel: nothing a reader may not see shows up anywhere."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction

pytestmark = pytest.mark.django_db

HIDDEN_STATES = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.IN_REVIEW},
    "unpublished": {"status": Article.Status.UNPUBLISHED},
    "scheduled": {"published_at_offset": timedelta(hours=3)},
    "expired": {"expires_at_offset": -timedelta(minutes=5)},
}


@pytest.fixture
def newsroom(make_article, make_image, author):
    """A visible article among hidden ones that share its section, tag, author and day."""
    now = timezone.now()
    visible = make_article(
        headline="Visible iran story", body="<p>Iran gas talks.</p>", tags=["rusia-iran"]
    )
    hidden = {}
    for state, options in HIDDEN_STATES.items():
        marker = f"Leakmarker{state}"
        fields = {"status": options.get("status", Article.Status.PUBLISHED)}
        fields["published_at"] = now + options.get("published_at_offset", -timedelta(hours=2))
        if "expires_at_offset" in options:
            fields["expires_at"] = now + options["expires_at_offset"]
        hidden[state] = make_article(
            headline=f"{marker} iran headline",
            slug=marker.lower(),
            standfirst=f"{marker} standfirst",
            body=f"<p>{marker} iran gas talks body.</p>",
            tags=["rusia-iran", marker.lower()],
            lead_image=make_image(caption=f"{marker} caption"),
            **fields,
        )
        Correction.objects.create(article=hidden[state], text=f"{marker} correction")
    # A draft translation of the visible article must not be linked from it.
    hidden["translation"] = make_article(
        headline="Leakmarkertranslation draft",
        slug="leakmarkertranslation",
        language="en",
        status=Article.Status.DRAFT,
        translation_of=visible,
    )
    # An image past its rights on a visible article: the article stays, the image goes.
    expired_image = make_image(
        caption="Leakmarkerrights caption",
        photographer="LEAKMARKERRIGHTS",
        rights_expire_on=timezone.localdate() - timedelta(days=1),
    )
    make_article(
        headline="Story whose photo rights ran out",
        tags=["rusia-iran"],
        lead_image=expired_image,
    )
    return visible, hidden, expired_image


def public_channels(visible, hidden):
    day = visible.published_at
    paths = [
        "/es/",
        "/en/",
        visible.get_absolute_url(),
        visible.section.get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "rusia-iran"}),
        visible.bylines.first().author.get_absolute_url(),
        reverse("articles:search") + "?q=iran",
        reverse("articles:search") + "?q=gas+talks",
        reverse("articles:archive-year", kwargs={"year": day.year}),
        reverse("articles:archive-month", kwargs={"year": day.year, "month": day.month}),
        reverse(
            "articles:archive-day", kwargs={"year": day.year, "month": day.month, "day": day.day}
        ),
        reverse("articles:corrections"),
        "/es/feed/",
        "/es/feed/atom/",
        reverse("articles:section-feed", kwargs={"slug": visible.section.slug}),
        reverse("articles:section-atom", kwargs={"slug": visible.section.slug}),
        reverse("articles:tag-feed", kwargs={"slug": "rusia-iran"}),
        reverse("articles:tag-atom", kwargs={"slug": "rusia-iran"}),
        visible.bylines.first().author.get_absolute_url() + "feed/",
        visible.bylines.first().author.get_absolute_url() + "feed/atom/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-sections.xml",
        "/news-sitemap.xml",
    ]
    return paths


def test_hidden_articles_and_expired_images_appear_in_no_public_channel(client, newsroom):
    visible, hidden, expired_image = newsroom
    secrets = {"leakmarker", expired_image.file.name}
    secrets |= {rendition.file.name for rendition in expired_image.renditions.all()}

    leaks = []
    for path in public_channels(visible, hidden):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode().lower()
        leaks += [f"{path}: {secret}" for secret in secrets if secret.lower() in body]

    assert not leaks
    # The visible article really is on these channels, so the sweep is looking at real lists.
    assert visible.headline in client.get("/es/feed/").content.decode()
    assert visible.headline in client.get(reverse("articles:search") + "?q=iran").content.decode()


@pytest.mark.parametrize("state", [*HIDDEN_STATES, "translation"])
def test_hidden_article_pages_and_their_tags_answer_not_found(client, newsroom, state):
    _visible, hidden, _image = newsroom
    article = hidden[state]

    assert client.get(article.get_absolute_url()).status_code == 404
    tag_page = client.get(reverse("articles:tag", kwargs={"slug": f"leakmarker{state}"}))
    assert tag_page.status_code in (200, 404)
    assert article.headline.lower() not in tag_page.content.decode().lower()


def test_related_list_shows_visible_neighbours_only(client, newsroom):
    visible, _hidden, _image = newsroom

    html = client.get(visible.get_absolute_url()).content.decode()
    related = html.split('id="related-title"', 1)[1]

    assert "Story whose photo rights ran out" in related
    assert "leakmarker" not in related.lower()
