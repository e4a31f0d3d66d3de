import pytest
from django.urls import reverse
from reversion.models import Version

from articles import workflow
from articles.models import Article
from tests.articles.admin_forms import article_form_data, change_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]


def revision_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def save_versions(client, article, *changes):
    """Save the article through the admin once per change, returning it refreshed."""
    for change in changes:
        article.refresh_from_db()
        assert (
            client.post(change_url(article), article_form_data(article, **change)).status_code
            == 302
        )
    article.refresh_from_db()
    return article


def test_reporter_cannot_take_an_article_offline_by_restoring_a_draft_version(
    client, editor, reporter, make_article
):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)
    save_versions(client, article, {}, {"status": "published"})
    draft_version = Version.objects.get_for_object(article).last()
    client.force_login(reporter)

    response = client.post(
        revision_url(article, draft_version), article_form_data(article, status="draft")
    )

    article.refresh_from_db()
    assert response.status_code == 403
    assert article.is_published()


def test_restore_only_accepts_versions_of_the_article_itself(client, editor, make_article, author):
    article = make_article()
    client.force_login(editor)
    save_versions(client, article, {})
    byline_version = Version.objects.get_for_object(article.bylines.get()).first()

    response = client.post(revision_url(article, byline_version), article_form_data(article))

    assert response.status_code == 404


def test_restore_keeps_revoked_preview_links_revoked(client, editor, make_article):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    client.force_login(editor)
    save_versions(client, article, {"headline": "v1"}, {"headline": "v2"})
    token = workflow.make_preview_token(article)
    workflow.revoke_preview_links(article=article)
    first = Version.objects.get_for_object(article).last()

    client.post(revision_url(article, first), article_form_data(article, headline="v1"))

    article.refresh_from_db()
    assert article.headline == "v1"
    assert workflow.article_from_preview_token(token) is None


def test_restoring_an_old_slug_keeps_the_newer_url_redirecting(client, editor, make_article):
    article = make_article(slug="first-slug")
    client.force_login(editor)
    save_versions(client, article, {}, {"slug": "second-slug"})
    first = Version.objects.get_for_object(article).last()

    client.post(revision_url(article, first), article_form_data(article, slug="first-slug"))

    article.refresh_from_db()
    assert article.slug == "first-slug"
    response = client.get("/es/americas/second-slug/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_a_save_without_the_edit_revision_is_refused(client, editor, make_article):
    article = make_article()
    client.force_login(editor)
    stale = article_form_data(article, headline="Overwrite")
    stale.pop("edit_revision")

    response = client.post(change_url(article), stale)

    article.refresh_from_db()
    assert response.status_code == 200
    assert article.headline != "Overwrite"


def test_preview_links_are_revoked_only_by_post(client, editor, make_article):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    url = reverse("admin:articles_article_revoke_previews", args=[article.pk])
    client.force_login(editor)

    assert client.get(url).status_code == 405
    article.refresh_from_db()
    assert article.preview_version == 0
    assert client.post(url).status_code == 302
    article.refresh_from_db()
    assert article.preview_version == 1


def test_cancelled_schedule_leaves_the_article_never_published(client, editor, make_article):
    from datetime import timedelta

    from django.utils import timezone

    article = make_article(status=Article.Status.DRAFT, published_at=None)
    later = timezone.localtime(timezone.now() + timedelta(days=2))
    client.force_login(editor)
    save_versions(
        client,
        article,
        {
            "status": "published",
            "published_at_0": later.strftime("%Y-%m-%d"),
            "published_at_1": later.strftime("%H:%M:%S"),
        },
    )
    assert article.first_published_at is not None
    save_versions(client, article, {"status": "draft"})

    assert article.first_published_at is None
