from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.articles.admin_forms import article_form_data, change_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]

ADD_URL = reverse("admin:articles_article_add")


def complete_draft(make_article, **overrides):
    return make_article(status=Article.Status.DRAFT, published_at=None, **overrides)


def test_groups_are_created_with_publish_permission_only_for_editors():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Reporter", "Editor", "Photo editor", "Tips desk"} <= names
    editor_perms = Group.objects.get(name="Editor").permissions.values_list("codename", flat=True)
    reporter_perms = Group.objects.get(name="Reporter").permissions.values_list(
        "codename", flat=True
    )
    assert "publish_article" in editor_perms
    assert "publish_article" not in reporter_perms
    assert "change_article" in reporter_perms


def test_reporter_can_write_a_draft_and_submit_it_for_review(client, reporter, section, author):
    client.force_login(reporter)
    data = article_form_data(
        headline="Borrador del reportero",
        slug="borrador-del-reportero",
        section=section.pk,
        status=Article.Status.IN_REVIEW,
        bylines=[(author, "Reporter")],
    )

    response = client.post(ADD_URL, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="borrador-del-reportero")
    assert article.status == Article.Status.IN_REVIEW
    assert article.created_by == reporter


def test_reporter_cannot_publish_through_the_form(client, reporter, make_article):
    article = complete_draft(make_article)
    client.force_login(reporter)

    response = client.post(
        change_url(article), article_form_data(article, status=Article.Status.PUBLISHED)
    )

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_reporter_cannot_publish_with_a_bulk_action(client, reporter, make_article):
    article = complete_draft(make_article)
    client.force_login(reporter)

    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_reporter_cannot_publish_with_a_crafted_post_to_the_add_form(client, reporter, section):
    client.force_login(reporter)
    data = article_form_data(
        headline="Crafted", slug="crafted", section=section.pk, status="published"
    )

    client.post(ADD_URL, data)

    assert not Article.objects.filter(slug="crafted", status="published").exists()


def test_reporter_cannot_edit_a_published_article(client, reporter, make_article):
    article = make_article()
    client.force_login(reporter)

    response = client.post(change_url(article), article_form_data(article, headline="Changed"))

    article.refresh_from_db()
    assert response.status_code in (302, 403)
    assert article.headline != "Changed"


def test_refused_publish_lists_every_missing_item_and_keeps_the_text(client, editor):
    client.force_login(editor)
    data = article_form_data(
        headline="Titular a medio escribir",
        slug="titular-a-medio-escribir",
        body="<p>Párrafo que no debe perderse.</p>",
        status=Article.Status.PUBLISHED,
    )

    response = client.post(ADD_URL, data)
    html = response.content.decode()

    assert response.status_code == 200
    for item in ("a standfirst", "a section", "at least one byline", "a lead image"):
        assert item in html
    assert 'value="Titular a medio escribir"' in html
    assert "Párrafo que no debe perderse." in html
    assert not Article.objects.filter(slug="titular-a-medio-escribir").exists()


def test_publish_requires_alt_text_and_credit_on_the_lead_image(
    client, editor, make_article, make_image
):
    image = make_image(alt_text="", photographer="", agency="", distributor="")
    article = complete_draft(make_article, lead_image=image)
    client.force_login(editor)

    response = client.post(
        change_url(article), article_form_data(article, status=Article.Status.PUBLISHED)
    )
    html = response.content.decode()

    assert "alt text on the lead image" in html
    assert "a credit on the lead image" in html


def test_editor_publishes_a_complete_article(client, editor, make_article):
    article = complete_draft(make_article)
    client.force_login(editor)

    response = client.post(
        change_url(article), article_form_data(article, status=Article.Status.PUBLISHED)
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_published()
    assert article.first_published_at is not None
    assert article.modified_by == editor


def test_editor_bulk_publish_reports_incomplete_articles(client, editor, make_article):
    ready = complete_draft(make_article)
    incomplete = complete_draft(make_article, standfirst="")
    client.force_login(editor)

    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [ready.pk, incomplete.pk]},
        follow=True,
    )

    ready.refresh_from_db()
    incomplete.refresh_from_db()
    assert ready.is_published()
    assert incomplete.status == Article.Status.DRAFT
    assert "a standfirst" in response.content.decode()


def test_second_concurrent_save_is_refused_naming_the_first_editor(
    client, editor, make_staff, make_article
):
    article = make_article()
    stale_form = article_form_data(article, body="<p>Texto de la segunda editora.</p>")
    other = make_staff("Editor", username="marta")
    client.force_login(other)
    client.post(change_url(article), article_form_data(article, headline="Marta's headline"))
    client.force_login(editor)

    response = client.post(change_url(article), stale_form)
    html = response.content.decode()

    assert response.status_code == 200
    assert "marta saved this article at" in html
    assert "Texto de la segunda editora." in html
    article.refresh_from_db()
    assert article.headline == "Marta's headline"
    assert "segunda editora" not in article.body


def test_opening_an_article_someone_else_opened_shows_who(
    client, editor, make_staff, make_article
):
    article = make_article()
    other = make_staff("Editor", username="marta")
    client.force_login(other)
    client.get(change_url(article))
    client.force_login(editor)

    html = client.get(change_url(article)).content.decode()

    assert "marta opened this article" in html.lower()


def test_hostile_html_in_the_body_never_reaches_the_database(client, editor, make_article):
    article = make_article()
    client.force_login(editor)
    hostile = (
        '<p onmouseover="x()">Texto <a href="javascript:alert(1)">enlace</a></p>'
        '<script>alert("x")</script><iframe src="//evil"></iframe><blink>b</blink>'
        "<h2>Subtítulo</h2><ul><li>uno</li></ul><blockquote>cita</blockquote>"
    )

    client.post(change_url(article), article_form_data(article, body=hostile))

    article.refresh_from_db()
    for banned in ("onmouseover", "javascript:", "<script", "alert(", "<iframe", "<blink"):
        assert banned not in article.body
    for kept in ("<h2>Subtítulo</h2>", "<li>uno</li>", "<blockquote>cita</blockquote>"):
        assert kept in article.body


def test_history_restores_an_earlier_version(client, editor, make_article):
    article = complete_draft(make_article, headline="Primera versión")
    client.force_login(editor)
    client.post(change_url(article), article_form_data(article, headline="Primera versión"))
    article.refresh_from_db()
    client.post(change_url(article), article_form_data(article, headline="Segunda versión"))
    from reversion.models import Version

    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    first = versions.last()
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert history.status_code == 200

    revert_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    article.refresh_from_db()
    form = article_form_data(article, headline="Primera versión")
    response = client.post(revert_url, form)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Primera versión"


def test_history_compares_two_versions(client, editor, make_article):
    article = complete_draft(make_article, headline="Antes")
    client.force_login(editor)
    client.post(change_url(article), article_form_data(article))
    article.refresh_from_db()
    client.post(change_url(article), article_form_data(article, headline="Después"))
    from reversion.models import Version

    newer, older = Version.objects.get_for_object(article)[:2]
    response = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"version_id1": older.pk, "version_id2": newer.pk},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Antes" in html and "Después" in html


def test_slug_change_after_publication_redirects_the_old_url(client, editor, make_article):
    article = make_article(slug="titular-original")
    old_url = article.get_absolute_url()
    client.force_login(editor)
    client.post(change_url(article), article_form_data(article, slug="titular-nuevo"))
    client.logout()

    response = client.get(old_url)

    article.refresh_from_db()
    assert article.slug == "titular-nuevo"
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_correction_is_shown_on_the_article_and_the_corrections_page(client, editor, make_article):
    article = make_article(headline="Cifra equivocada")
    before = article.modified_at
    client.force_login(editor)
    client.post(
        change_url(article),
        article_form_data(article, corrections=[("correction", "La cifra correcta es 70 %.")]),
    )
    client.logout()

    article.refresh_from_db()
    assert article.modified_at > before
    assert article.corrections.get().created_by == editor
    assert "La cifra correcta es 70 %." in client.get(article.get_absolute_url()).content.decode()
    log = client.get(reverse("articles:corrections")).content.decode()
    assert "La cifra correcta es 70 %." in log and "Cifra equivocada" in log


def test_corrections_cannot_be_edited(make_article):
    correction = make_article().corrections.create(kind="correction", text="Original")
    correction.text = "Rewritten"

    with pytest.raises(ValueError):
        correction.save()


def test_significant_update_stamps_the_article_and_a_silent_fix_does_not(
    client, editor, make_article
):
    article = make_article()
    client.force_login(editor)

    client.post(change_url(article), article_form_data(article, headline="Typo fixed"))
    article.refresh_from_db()
    assert article.updated_at is None

    client.post(
        change_url(article),
        article_form_data(article, headline="New facts", significant_update="on"),
    )
    article.refresh_from_db()
    assert article.updated_at is not None
    assert "Actualizado" in client.get(article.get_absolute_url()).content.decode()


def test_translation_filters_flag_missing_and_out_of_date(client, editor, make_article):
    lonely = make_article(headline="Sin traducir")
    original = make_article(headline="Original")
    translation = make_article(headline="Translation", language="en", translation_of=original)
    translation.content_changed_at = timezone.now() - timedelta(hours=1)
    translation.save()
    original.content_changed_at = timezone.now()
    original.save()
    client.force_login(editor)
    changelist = reverse("admin:articles_article_changelist")

    missing = client.get(changelist, {"translation": "missing"}).content.decode()
    outdated = client.get(changelist, {"translation": "outdated"}).content.decode()

    assert lonely.headline in missing and "Original" not in missing
    assert "Translation" in outdated and lonely.headline not in outdated
    translation.refresh_from_db()
    assert translation.is_translation_out_of_date


def test_preview_link_shows_a_draft_without_login_and_is_never_indexed_or_cached(
    client, make_article
):
    from articles.workflow import make_preview_token, revoke_preview_links

    draft = complete_draft(make_article, headline="Borrador en revisión")
    url = reverse("articles:preview", kwargs={"token": make_preview_token(draft)})

    response = client.get(url)
    assert response.status_code == 200
    assert "Borrador en revisión" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert client.get(url).status_code == 404

    revoke_preview_links(article=draft)
    assert client.get(url).status_code == 404


def test_scheduled_article_is_absent_everywhere_until_its_time(client, make_article, section):
    publish_at = timezone.now() + timedelta(minutes=30)
    article = make_article(headline="Noticia embargada", tags=["embargo"], published_at=publish_at)
    author_url = article.bylines.get().author.get_absolute_url()
    pages = [
        "/es/",
        section.get_absolute_url(),
        "/es/tags/embargo/",
        author_url,
        "/es/feed/",
        "/sitemap-articles.xml",
        "/news-sitemap.xml",
    ]

    with time_machine.travel(publish_at - timedelta(seconds=1)):
        for page in pages:
            html = client.get(page).content.decode()
            assert "Noticia embargada" not in html and article.slug not in html, page
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(publish_at + timedelta(seconds=1)):
        for page in pages:
            html = client.get(page).content.decode()
            assert "Noticia embargada" in html or article.slug in html, page
        assert client.get(article.get_absolute_url()).status_code == 200


def test_tag_suggestions_offer_existing_tags_to_staff_only(client, editor, make_article):
    make_article(tags=["rusia-iran", "rusia-ucrania", "brasil"])
    url = reverse("admin:articles_article_tag_suggestions")

    assert client.get(url, {"q": "rus"}).status_code == 302
    client.force_login(editor)
    response = client.get(url, {"q": "rus"})

    assert response.json() == {"tags": ["rusia-iran", "rusia-ucrania"]}


def test_view_on_site_is_offered_only_for_published_articles(client, editor, make_article):
    live = make_article()
    draft = complete_draft(make_article)
    client.force_login(editor)

    assert live.get_absolute_url() in client.get(change_url(live)).content.decode()
    assert "viewsitelink" not in client.get(change_url(draft)).content.decode()
