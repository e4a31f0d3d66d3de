import pytest

from authors.models import Author

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_stories(make_article):
    colleague = Author.objects.create(name="Daniel Okafor", slug="daniel-okafor")
    tagged = make_article(headline="Tagged story", tags=["rusia-iran"], bylines=[(colleague, "")])
    other = make_article(headline="Other story")
    return tagged, other


@pytest.mark.parametrize(
    "path",
    [
        "/es/tags/rusia-iran/feed/",
        "/es/tags/rusia-iran/feed/atom/",
        "/es/authors/daniel-okafor/feed/",
        "/es/authors/daniel-okafor/feed/atom/",
    ],
)
def test_tag_and_author_feeds_list_only_their_articles(client, two_stories, path):
    xml = client.get(path).content.decode()

    assert "Tagged story" in xml
    assert "Other story" not in xml


@pytest.mark.parametrize("path", ["/es/sections/americas/feed/", "/es/feed/atom/"])
def test_section_and_site_feeds_list_everything_in_scope(client, two_stories, path):
    xml = client.get(path).content.decode()

    assert "Tagged story" in xml and "Other story" in xml


def test_atom_feed_carries_authors_categories_and_image_credit(client, two_stories):
    response = client.get("/es/feed/atom/")
    xml = response.content.decode()

    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<name>Daniel Okafor</name>" in xml
    assert '<category term="rusia-iran"' in xml
    assert "<media:credit" in xml and "SPUTNIK/SERGEI SAVOSTYANOV via REUTERS" in xml
    assert 'href="http://testserver/es/americas/' in xml


def test_list_pages_advertise_their_feed(client, two_stories):
    html = client.get("/es/tags/rusia-iran/").content.decode()

    assert 'type="application/rss+xml"' in html
    assert 'href="/es/tags/rusia-iran/feed/"' in html


def test_unknown_feed_object_is_not_found(client):
    assert client.get("/es/tags/no-such-tag/feed/").status_code == 404
