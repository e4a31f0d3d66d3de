from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_sitemap_index_links_paginated_children_with_lastmod(client, make_article):
    make_article(headline="Indexed")

    index = client.get("/sitemap.xml").content.decode()
    articles = client.get("/sitemap-articles.xml").content.decode()

    assert "<sitemapindex" in index
    assert "http://testserver/sitemap-articles.xml" in index
    assert "http://testserver/sitemap-sections.xml" in index
    assert "<lastmod>" in articles
    assert "http://testserver/es/americas/headline-number-1/" in articles


def test_news_sitemap_lists_the_last_two_days_with_news_elements(client, make_article):
    recent = make_article(headline="Fresh story", tags=["rusia-iran"])
    make_article(headline="Old story", published_at=timezone.now() - timedelta(days=3))

    response = client.get("/news-sitemap.xml")
    xml = response.content.decode()

    assert response["Content-Type"] == "application/xml"
    assert f"<loc>http://testserver{recent.get_absolute_url()}</loc>" in xml
    assert "<news:name>Mundo Abierto</news:name>" in xml
    assert "<news:language>es</news:language>" in xml
    assert "<news:title>Fresh story</news:title>" in xml
    assert "<news:keywords>rusia-iran</news:keywords>" in xml
    assert "Old story" not in xml


def test_robots_txt_names_both_sitemaps_and_hides_previews(client):
    text = client.get("/robots.txt").content.decode()

    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/news-sitemap.xml" in text
    assert "Disallow: /es/preview/" in text


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.UNPUBLISHED},
        {"published_at": timezone.now() + timedelta(hours=3)},
    ],
    ids=["draft", "unpublished", "scheduled"],
)
def test_sitemaps_never_list_articles_readers_cannot_see(client, make_article, hidden):
    article = make_article(slug="hidden-story", **hidden)

    for url in ("/sitemap-articles.xml", "/news-sitemap.xml"):
        assert article.slug not in client.get(url).content.decode()
