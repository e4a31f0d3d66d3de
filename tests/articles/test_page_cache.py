"""Anonymous readers get cached pages; every save purges exactly what it changed, at once."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.models import Article, Correction, Section
from authors.models import Author
from tests.articles.admin_forms import article_form_data, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the purges a committed save runs (tests run inside a transaction)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def fetch(client, path, **headers):
    response = client.get(path, **headers)
    return response, response.content.decode()


def test_second_anonymous_request_is_a_cache_hit_with_validators(client, make_article):
    article = make_article(headline="Cached story")

    first, _ = fetch(client, article.get_absolute_url())
    second, html = fetch(client, article.get_absolute_url())

    assert first["X-Cache"] == "MISS" and second["X-Cache"] == "HIT"
    assert "Cached story" in html
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "max-age=0" in second["Cache-Control"]
    assert second["Last-Modified"]
    not_modified = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304


def test_a_cached_hit_costs_no_database_query(client, make_article, django_assert_num_queries):
    article = make_article()
    client.get(article.get_absolute_url())

    with django_assert_num_queries(0):
        assert client.get(article.get_absolute_url())["X-Cache"] == "HIT"


@pytest.mark.parametrize("path", ["/es/search/?q=x", "/es/tips/", "/es/?utm_source=x"])
def test_search_tips_and_tracking_urls_are_never_cached(client, make_article, path):
    make_article()
    client.get(path)

    assert "X-Cache" not in client.get(path)


def test_staff_are_never_served_from_the_cache(client, editor, make_article):
    article = make_article()
    client.get(article.get_absolute_url())
    client.force_login(editor)

    assert "X-Cache" not in client.get(article.get_absolute_url())


def pages_showing(article):
    tag = article.tags.first()
    author = article.bylines.first().author
    return [
        article.get_absolute_url(),
        "/es/",
        article.section.get_absolute_url(),
        f"/es/tags/{tag.slug}/",
        author.get_absolute_url(),
        "/es/feed/",
        f"/es/sections/{article.section.slug}/feed/",
        f"/es/tags/{tag.slug}/feed/atom/",
        author.get_absolute_url() + "feed/",
        f"/es/archive/{article.published_at.year}/",
        "/sitemap-articles.xml",
        "/news-sitemap.xml",
    ]


def test_editing_an_article_in_the_admin_purges_every_page_that_shows_it(
    client, editor, make_article, commit
):
    article = make_article(headline="Old headline", tags=["rusia-iran"])
    paths = pages_showing(article)
    for path in paths:
        client.get(path)
        assert client.get(path)["X-Cache"] == "HIT", path
    desk = Client()
    desk.force_login(editor)

    with commit():
        response = desk.post(
            change_url(article),
            article_form_data(
                Article.objects.get(pk=article.pk),
                headline="New headline",
                status=Article.Status.PUBLISHED,
            ),
        )
    assert response.status_code == 302

    for path in paths:
        response, body = fetch(client, path)
        assert response["X-Cache"] == "MISS", path
        if path != "/sitemap-articles.xml":  # lists addresses only
            assert "New headline" in body and "Old headline" not in body, path


def test_an_unrelated_page_stays_cached(client, make_article, section, commit):
    edited = make_article(tags=["uno"])
    other_section = Section.objects.create(name_es="Europa", name_en="Europe", slug="europa")
    other_author = Author.objects.create(name="Otra Firma", slug="otra-firma")
    other = make_article(section=other_section, tags=["dos"], bylines=[(other_author, "")])
    client.get(other.get_absolute_url())

    with commit():
        Article.objects.filter(pk=edited.pk).first().save()

    assert client.get(other.get_absolute_url())["X-Cache"] == "HIT"


def test_unpublishing_removes_the_article_from_cached_pages(client, make_article, commit):
    article = make_article(headline="Soon gone")
    client.get("/es/")
    client.get(article.get_absolute_url())

    with commit():
        article.status = Article.Status.UNPUBLISHED
        article.save()

    assert "Soon gone" not in fetch(client, "/es/")[1]
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_correction_reaches_the_cached_article_page(client, make_article, commit):
    article = make_article()
    client.get(article.get_absolute_url())

    with commit():
        Correction.objects.create(article=article, text="Se corrigió la fecha.")

    assert "Se corrigió la fecha." in fetch(client, article.get_absolute_url())[1]


def test_changing_an_image_caption_purges_pages_showing_it(client, make_article, commit):
    article = make_article()
    client.get(article.get_absolute_url())
    image = article.lead_image

    with commit():
        image.photographer = "NEW PHOTOGRAPHER"
        image.save()

    assert "NEW PHOTOGRAPHER" in fetch(client, article.get_absolute_url())[1]


def test_renaming_a_section_updates_the_navigation_on_cached_pages(
    client, make_article, section, commit
):
    article = make_article()
    client.get(article.get_absolute_url())

    with commit():
        section.name_es = "Latinoamérica"
        section.save()

    assert "Latinoamérica" in fetch(client, article.get_absolute_url())[1]


def test_a_translation_going_live_adds_the_link_to_the_cached_original(
    client, make_article, commit
):
    original = make_article()
    translation = make_article(
        language="en", translation_of=original, status=Article.Status.DRAFT, published_at=None
    )
    assert "Read this article in English" not in fetch(client, original.get_absolute_url())[1]

    with commit():
        translation.status = Article.Status.PUBLISHED
        translation.published_at = timezone.now() - timedelta(minutes=1)
        translation.save()

    assert "Read this article in English" in fetch(client, original.get_absolute_url())[1]


def test_scheduled_article_appears_on_the_cached_home_page_at_its_publish_time(
    client, make_article
):
    make_article(headline="Already out")
    publish_at = timezone.now() + timedelta(minutes=5)  # within PAGE_CACHE_SECONDS
    make_article(headline="Embargoed until noon", published_at=publish_at)
    client.get("/es/")
    response, html = fetch(client, "/es/")
    assert response["X-Cache"] == "HIT" and "Embargoed until noon" not in html

    with time_machine.travel(publish_at - timedelta(seconds=5), tick=False):
        response, html = fetch(client, "/es/")
        assert response["X-Cache"] == "HIT" and "Embargoed until noon" not in html
    with time_machine.travel(publish_at + timedelta(seconds=1), tick=False):
        response, html = fetch(client, "/es/")
        assert "Embargoed until noon" in html


def wsgi_get(path, **environ_extra):
    """Call the project's WSGI application (newsroom/wsgi.py) as gunicorn would."""
    from wsgiref.util import setup_testing_defaults

    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from newsroom.wsgi import application

    # The Django test client sends no Host header: the key is then built from these two.
    environ = {"PATH_INFO": path, "HTTP_HOST": "testserver:80", "REQUEST_METHOD": "GET"}
    environ.update(environ_extra)
    setup_testing_defaults(environ)
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, dict(headers)

    # As Django's test client does: the test's database connection must survive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return captured["status"], captured["headers"], body


def test_wsgi_fast_path_answers_hits_without_django_or_the_database(
    client, make_article, django_assert_num_queries
):
    article = make_article(headline="Fast path story")
    client.get(article.get_absolute_url())  # rendered and stored through the middleware

    with django_assert_num_queries(0):
        status, headers, body = wsgi_get(article.get_absolute_url())
        not_modified, _, empty = wsgi_get(
            article.get_absolute_url(), HTTP_IF_NONE_MATCH=headers["ETag"]
        )

    assert status == "200 OK" and headers["X-Cache"] == "HIT"
    assert b"Fast path story" in body
    assert headers["X-Frame-Options"] == "DENY"  # every header the full stack adds is kept
    assert not_modified == "304 Not Modified" and empty == b""


def test_wsgi_fast_path_lets_staff_and_misses_through_to_django(client, make_article):
    article = make_article()
    client.get(article.get_absolute_url())

    status, headers, _ = wsgi_get(article.get_absolute_url(), HTTP_COOKIE="sessionid=abc")

    assert status == "200 OK" and "X-Cache" not in headers


def test_feeds_answer_conditional_requests_with_304(client, make_article):
    make_article(headline="Feed story")
    first = client.get("/es/feed/")

    by_etag = client.get("/es/feed/", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get("/es/feed/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert first.status_code == 200 and "Feed story" in first.content.decode()
    assert by_etag.status_code == 304 and by_date.status_code == 304
