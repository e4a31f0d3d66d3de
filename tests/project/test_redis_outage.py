"""With REDIS_URL pointing at a Redis that is not there, the site keeps serving, uncached."""

import pytest

from tests.tips.conftest import receipt_code, tip_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_away(settings):
    # Port 1 on loopback: connections are refused at once, as when Redis has stopped.
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.PAGE_CACHE_ENABLED = True


def test_pages_are_served_uncached_when_redis_is_away(client, make_article, redis_away, caplog):
    article = make_article(headline="Still readable")

    first = client.get(article.get_absolute_url())
    second = client.get(article.get_absolute_url())
    home = client.get("/es/")

    assert first.status_code == second.status_code == home.status_code == 200
    assert "Still readable" in second.content.decode()
    assert second.get("X-Cache") != "HIT"
    assert "Américas" in home.content.decode()  # the section menu falls back to the database
    assert "Redis unavailable" in caplog.text


def test_saving_an_article_works_when_redis_is_away(
    make_article, redis_away, django_capture_on_commit_callbacks
):
    article = make_article()

    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "Edited during the outage"
        article.save()

    article.refresh_from_db()
    assert article.headline == "Edited during the outage"


def test_the_tip_line_accepts_tips_when_redis_is_away(client, redis_away, settings, tmp_path):
    from tips import crypto

    settings.TIPS_PUBLIC_KEY = crypto.generate_key_file(tmp_path / "key.json")
    settings.TIPS_PRIVATE_KEY_FILES = [str(tmp_path / "key.json")]
    settings.TIPS_MIN_FILL_SECONDS = 0
    crypto.clear_key_cache()

    response = client.post("/en/tips/", tip_data(message="Sent while the cache is down"))

    # Rate limits cannot count without the cache and let the tip through (RATELIMIT_FAIL_OPEN).
    assert response.status_code == 200
    assert len(receipt_code(response).split()) == 6
    crypto.clear_key_cache()
