"""The CDN purge hook: saves POST the paths of the pages they change to CDN_PURGE_URL.

A real HTTP server on 127.0.0.1 plays the CDN. Tasks run with the default (immediate) backend
here, right after the commit; tests/project/test_tasks.py runs them through the worker.
"""

import logging
import uuid

import pytest
from django.test import Client

from articles.caching import tag_paths
from articles.models import Article
from newsroom import pagecache
from tests.articles.admin_forms import article_form_data, change_url
from tests.cdn import FakeCDN, SilentServer, closed_port_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def cdn(settings):
    settings.PAGE_CACHE_ENABLED = True
    with FakeCDN() as server:
        settings.CDN_PURGE_URL = server.url
        settings.CDN_PURGE_TOKEN = "purge-secret"
        yield server


@pytest.fixture
def desk(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def save_in_admin(desk, article, commit, **changes):
    current = Article.objects.get(pk=article.pk)
    with commit():
        response = desk.post(change_url(article), article_form_data(current, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_publishing_in_the_admin_sends_the_article_and_the_home_page(
    cdn, desk, make_article, commit
):
    article = make_article(status=Article.Status.DRAFT, tags=["rusia-iran"])

    save_in_admin(desk, article, commit, status=Article.Status.PUBLISHED)

    assert len(cdn.requests) == 1
    request = cdn.requests[0]
    assert request["method"] == "POST" and request["path"] == "/purge"
    assert request["headers"]["Authorization"] == "Bearer purge-secret"
    assert request["headers"]["Content-Type"] == "application/json"
    paths = request["json"]["paths"]
    assert paths == sorted(set(paths))  # each once
    assert article.get_absolute_url() in paths
    assert {"/es/", "/es/feed/", "/sitemap.xml", "/news-sitemap.xml"} <= set(paths)
    # Its section, tag and author pages, in both languages, whether cached or not.
    section, tag = article.section, article.tags.get()
    author = article.bylines.get().author
    for language in ("es", "en"):
        assert f"/{language}/sections/{section.slug}/" in paths
        assert f"/{language}/tags/{tag.slug}/feed/" in paths
        assert f"/{language}/authors/{author.slug}/" in paths
    assert all(path.startswith("/") and "://" not in path for path in paths)


def test_editing_sends_every_cached_page_that_showed_the_article(
    cdn, client, desk, make_article, commit
):
    article = make_article(headline="Old headline")
    # "/es/?page=1" is known only to the page cache's registry (no lookup by tag names it).
    for path in ("/es/?page=1", article.get_absolute_url()):
        client.get(path)
        assert client.get(path)["X-Cache"] == "HIT"

    save_in_admin(desk, article, commit, headline="New headline")

    paths = cdn.purged_paths()
    assert "/es/?page=1" in paths
    assert article.get_absolute_url() in paths
    assert client.get("/es/?page=1")["X-Cache"] == "MISS"


def test_a_draft_saved_in_the_admin_sends_nothing(cdn, desk, make_article, commit):
    article = make_article(status=Article.Status.DRAFT)

    save_in_admin(desk, article, commit, headline="Still a draft")

    assert cdn.requests == []


def test_with_the_hook_off_nothing_is_sent(cdn, settings, desk, make_article, commit):
    settings.CDN_PURGE_URL = ""
    article = make_article()

    save_in_admin(desk, article, commit, headline="Edited with no CDN")

    assert cdn.requests == []
    assert Article.objects.get(pk=article.pk).headline == "Edited with no CDN"


def test_a_cdn_answering_500_does_not_break_the_save_and_is_logged(
    cdn, desk, make_article, commit, caplog
):
    cdn.status = 500
    article = make_article()

    with caplog.at_level(logging.WARNING, logger="newsroom.cdn"):
        save_in_admin(desk, article, commit, headline="Saved despite the CDN")

    assert Article.objects.get(pk=article.pk).headline == "Saved despite the CDN"
    assert len(cdn.requests) == 1
    [record] = [r for r in caplog.records if r.name == "newsroom.cdn"]
    message = record.getMessage()
    assert "CDN purge failed (500)" in message
    assert article.get_absolute_url() in message
    assert "purge-secret" not in caplog.text and "Saved despite" not in caplog.text


@pytest.mark.parametrize("cdn_kind", ["refused", "hung"])
def test_a_cdn_that_is_away_or_hung_does_not_break_the_save(
    cdn_kind, settings, desk, make_article, commit, caplog
):
    settings.PAGE_CACHE_ENABLED = True
    settings.CDN_PURGE_TIMEOUT = 0.5
    article = make_article()
    with SilentServer() as hung:
        settings.CDN_PURGE_URL = closed_port_url() if cdn_kind == "refused" else hung.url
        with caplog.at_level(logging.WARNING, logger="newsroom.cdn"):
            save_in_admin(desk, article, commit, headline="Saved while the CDN is away")

    assert Article.objects.get(pk=article.pk).headline == "Saved while the CDN is away"
    expected = "ConnectionRefusedError" if cdn_kind == "refused" else "TimeoutError"
    assert f"CDN purge failed ({expected})" in caplog.text
    assert article.get_absolute_url() in caplog.text


def test_a_redirect_is_not_followed(cdn, make_article, commit, caplog):
    cdn.status = 302  # no Location: urllib would not follow it anyway; the status is logged
    article = make_article()

    with commit():
        article.save()

    assert len(cdn.requests) == 1
    assert "CDN purge failed (302)" in caplog.text


def test_deleting_an_article_sends_its_address(cdn, make_article, commit):
    article = make_article()
    path = article.get_absolute_url()

    with commit():
        article.delete()

    assert path in cdn.purged_paths()
    assert "/es/" in cdn.purged_paths()


def test_tag_paths_name_each_list_in_both_languages(make_article):
    article = make_article(tags=["uno"])
    tag = article.tags.get()
    author = article.bylines.get().author

    paths = set(
        tag_paths([f"section:{article.section_id}", f"tag:{tag.pk}", f"author:{author.pk}"])
    )

    for language in ("es", "en"):
        for base in (
            f"/{language}/sections/{article.section.slug}/",
            f"/{language}/tags/{tag.slug}/",
            f"/{language}/authors/{author.slug}/",
        ):
            assert {base, base + "feed/", base + "feed/atom/"} <= paths
    day = article.published_at.astimezone()
    archive = set(tag_paths([f"article:{article.pk}", "home:en", "corrections:es", "image:1"]))
    assert article.get_absolute_url() in archive
    assert {"/en/", "/en/feed/", "/en/feed/atom/", "/es/corrections/"} <= archive
    assert f"/es/archive/{day.year}/" in archive
    assert tag_paths(["archive:es", "home:xx", "article:nope"]) == []


@pytest.fixture(params=["locmem", "redis"])
def registry_cache(request, settings):
    if request.param == "redis":
        import redis

        try:
            redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=0.5).ping()
        except redis.RedisError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "newsroom.cache.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/0",
                "KEY_PREFIX": f"test-cdn-{uuid.uuid4().hex}",
            }
        }
    yield request.param


def test_the_registry_returns_the_paths_of_the_pages_a_purge_deletes(registry_cache):
    from django.core.cache import cache

    registry = pagecache._registry
    cache.set("page-a", "A")
    cache.set("page-b", "B")
    cache.set("page-c", "C")
    registry.add("page-a", ["article:1", "home:es"], "/es/americas/story/")
    registry.add("page-b", ["home:es"], "/es/?page=2")
    registry.add("page-c", ["section:3"], "/es/sections/europa/")

    paths = registry.pop({"home:es", "article:1"})

    assert paths == {"/es/americas/story/", "/es/?page=2"}
    assert cache.get("page-a") is None and cache.get("page-b") is None
    assert cache.get("page-c") == "C"
    assert registry.pop({"home:es"}) == set()  # forgotten once purged
    assert registry.pop({"section:3"}) == {"/es/sections/europa/"}


def test_a_page_rendered_right_after_a_purge_tells_the_cdn_not_to_keep_it(
    client, settings, make_article
):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_CDN_SECONDS = 300
    article = make_article()
    fresh = client.get("/es/")
    assert "s-maxage=300" in fresh["Cache-Control"]

    pagecache.purge(f"article:{article.pk}", "home:es")
    racing = client.get(article.get_absolute_url())

    # Within the purge margin (a render may have read data from before the purge): not kept
    # here, and a CDN keeps it no longer than until the next request.
    assert "s-maxage=0" in racing["Cache-Control"]
    assert "must-revalidate" in racing["Cache-Control"]
    assert client.get(article.get_absolute_url())["X-Cache"] == "MISS"
