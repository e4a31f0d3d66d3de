"""Every public page renders in a small, constant number of queries, whatever it shows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Correction, Section
from authors.models import Author

pytestmark = pytest.mark.django_db

ARTICLE_BUDGET = 6
LIST_BUDGET = 8


@pytest.fixture(params=[1, 20], ids=["1-of-each", "20-of-each"])
def newsroom(request, make_article, make_image):
    """n sections, and an article with n bylines, n tags, n corrections and n related stories."""
    n = request.param
    sections = [
        Section.objects.create(name_es=f"Sección {i}", name_en=f"Section {i}", slug=f"s{i}")
        for i in range(n)
    ]
    authors = [Author.objects.create(name=f"Autor {i}", slug=f"autor-{i}") for i in range(n)]
    tags = [f"tema-{i}" for i in range(n)]
    article = make_article(
        section=sections[0],
        tags=tags,
        bylines=[(author, "Corresponsal") for author in authors],
    )
    for i in range(n):
        Correction.objects.create(article=article, text=f"Corrección {i}")
        make_article(section=sections[i], tags=tags[: i + 1], bylines=[(authors[i], "")])
    make_article(language="en", translation_of=article, section=sections[0])
    return n, article, sections[0], authors[0]


def pages(article, section, author):
    tag = article.tags.first()
    day = article.published_at
    return {
        "home": ("/es/", LIST_BUDGET),
        "article": (article.get_absolute_url(), ARTICLE_BUDGET),
        "section": (section.get_absolute_url(), LIST_BUDGET),
        "tag": (reverse("articles:tag", kwargs={"slug": tag.slug}), LIST_BUDGET),
        "author": (author.get_absolute_url(), LIST_BUDGET),
        "archive-year": (f"/es/archive/{day.year}/", LIST_BUDGET),
        "archive-day": (f"/es/archive/{day.year}/{day.month}/{day.day}/", LIST_BUDGET),
        "corrections": ("/es/corrections/", LIST_BUDGET),
        "search": ("/es/search/?q=Headline", LIST_BUDGET),
        "feed": ("/es/feed/", LIST_BUDGET),
        "section-feed": (f"/es/sections/{section.slug}/feed/atom/", LIST_BUDGET),
        "tag-feed": (f"/es/tags/{tag.slug}/feed/", LIST_BUDGET),
        "author-feed": (author.get_absolute_url() + "feed/", LIST_BUDGET),
        "sitemap-index": ("/sitemap.xml", LIST_BUDGET),
        "sitemap-articles": ("/sitemap-articles.xml", LIST_BUDGET),
        "news-sitemap": ("/news-sitemap.xml", LIST_BUDGET),
    }


@pytest.mark.parametrize(
    "page",
    [
        "home",
        "article",
        "section",
        "tag",
        "author",
        "archive-year",
        "archive-day",
        "corrections",
        "search",
        "feed",
        "section-feed",
        "tag-feed",
        "author-feed",
        "sitemap-index",
        "sitemap-articles",
        "news-sitemap",
    ],
)
def test_page_stays_within_its_query_budget(client, newsroom, page, django_assert_max_num_queries):
    n, article, section, author = newsroom
    path, budget = pages(article, section, author)[page]
    client.get(path)  # warm the navigation cache, as any running site has

    with django_assert_max_num_queries(budget):
        response = client.get(path)

    assert response.status_code == 200
    if page == "article":
        html = response.content.decode()
        assert len(set(re.findall(r"Autor \d+", html))) == n
        assert len(set(re.findall(r"Corrección \d+", html))) == n


def test_article_page_query_count_does_not_grow_with_what_it_shows(client, make_article):
    """The same number of queries for 1 and for 20 bylines, tags, corrections and related."""
    counts = []
    for n in (1, 20):
        authors = [Author.objects.create(name=f"A{n}-{i}", slug=f"a{n}-{i}") for i in range(n)]
        article = make_article(
            tags=[f"t{n}-{i}" for i in range(n)], bylines=[(a, "") for a in authors]
        )
        for i in range(n):
            Correction.objects.create(article=article, text=f"c{i}")
            make_article(tags=[f"t{n}-{i}"])
        client.get(article.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            client.get(article.get_absolute_url())
        counts.append(len(queries))
        Article.objects.all().delete()

    assert counts[0] == counts[1]
