from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_review_and_unpublished(make_article):
    visible = make_article()
    for status in (Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.UNPUBLISHED):
        make_article(status=status)

    assert list(Article.objects.published()) == [visible]


def test_scheduled_article_is_hidden_until_its_publish_time(make_article):
    publish_at = timezone.now() + timedelta(hours=2)
    article = make_article(published_at=publish_at)

    with time_machine.travel(publish_at - timedelta(seconds=1)):
        assert not Article.objects.published().filter(pk=article.pk).exists()
        assert not article.is_published()
    with time_machine.travel(publish_at + timedelta(seconds=1)):
        assert Article.objects.published().filter(pk=article.pk).exists()
        assert article.is_published()


def test_expired_article_disappears_at_its_expiry_time(make_article):
    expires_at = timezone.now() + timedelta(hours=1)
    article = make_article(expires_at=expires_at)

    with time_machine.travel(expires_at + timedelta(seconds=1)):
        assert not Article.objects.published().filter(pk=article.pk).exists()


def test_body_is_sanitized_on_save(make_article):
    article = make_article(
        body='<p onclick="steal()">Hi <a href="javascript:alert(1)">x</a></p>'
        "<script>alert(1)</script><marquee>old</marquee><h2>Ok</h2>"
    )
    article.refresh_from_db()

    assert "onclick" not in article.body
    assert "javascript:" not in article.body
    assert "<script" not in article.body and "alert(1)" not in article.body
    assert "<marquee" not in article.body
    assert "<h2>Ok</h2>" in article.body
