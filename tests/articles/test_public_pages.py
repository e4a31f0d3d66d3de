from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Section
from authors.models import Author

pytestmark = pytest.mark.django_db


def test_root_redirects_to_a_language_prefix(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_home_shows_published_articles_and_hides_the_rest(client, make_article):
    make_article(headline="Visible story")
    make_article(headline="Draft story", status=Article.Status.DRAFT)
    make_article(headline="Embargoed story", published_at=timezone.now() + timedelta(days=1))
    make_article(headline="English story", language="en")

    html = client.get("/es/").content.decode()

    assert "Visible story" in html
    assert "Draft story" not in html
    assert "Embargoed story" not in html
    assert "English story" not in html


def test_article_page_shows_byline_role_caption_and_agency_credit(client, make_article):
    article = make_article(headline="Election night on the plateau", tags=["rusia-iran"])

    response = client.get(article.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Election night on the plateau</h1>" in html
    assert "Americas Coordinator:" in html
    assert "José Antonio Sierra" in html
    assert "SPUTNIK/SERGEI SAVOSTYANOV via REUTERS" in html
    assert "Voters queue on the plateau." in html
    assert 'href="/es/tags/rusia-iran/"' in html


def test_article_url_with_a_stale_section_redirects_permanently(client, make_article):
    article = make_article()

    response = client.get(f"/es/otra-seccion/{article.slug}/")

    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_draft_article_page_is_not_found(client, make_article):
    article = make_article(status=Article.Status.DRAFT)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()


def test_image_past_its_rights_expiry_is_replaced_by_a_placeholder(
    client, make_article, make_image
):
    image = make_image(rights_expire_on=timezone.localdate() - timedelta(days=1))
    article = make_article(lead_image=image)

    html = client.get(article.get_absolute_url()).content.decode()

    assert image.file.url not in html
    assert "figure-placeholder" in html


def test_language_switch_links_to_the_published_translation(client, make_article):
    original = make_article(headline="Vota el altiplano")
    translation = make_article(
        headline="The plateau votes", language="en", translation_of=original
    )

    html = client.get(original.get_absolute_url()).content.decode()

    assert f'href="{translation.get_absolute_url()}" hreflang="en"' in html


def test_section_tag_and_author_pages_list_their_articles(client, make_article, section):
    colleague = Author.objects.create(name="Daniel Okafor", slug="daniel-okafor")
    make_article(headline="Tagged and bylined", tags=["rusia-iran"], bylines=[(colleague, "")])
    make_article(headline="Another story")

    section_html = client.get(section.get_absolute_url()).content.decode()
    tag_html = client.get("/es/tags/rusia-iran/").content.decode()
    author_html = client.get(colleague.get_absolute_url()).content.decode()

    assert "Tagged and bylined" in section_html and "Another story" in section_html
    assert "Tagged and bylined" in tag_html and "Another story" not in tag_html
    assert "Tagged and bylined" in author_html and "Another story" not in author_html


def test_feed_lists_published_articles_with_absolute_links(client, make_article):
    article = make_article(headline="Feed story")
    make_article(headline="Hidden draft", status=Article.Status.DRAFT)

    response = client.get("/es/feed/")
    xml = response.content.decode()

    assert response["Content-Type"].startswith("application/rss+xml")
    assert "Feed story" in xml
    assert f"http://testserver{article.get_absolute_url()}" in xml
    assert "Hidden draft" not in xml


@pytest.mark.parametrize("path", ["/es/about/", "/en/privacy/", "/es/tips/"])
def test_footer_pages_render(client, path):
    assert client.get(path).status_code == 200


def test_interface_is_translated_for_each_language(client, make_article):
    make_article()

    assert "Envíanos tus noticias" in client.get("/es/").content.decode()
    assert "Send us your news" in client.get("/en/").content.decode()


def test_date_archives_list_the_articles_of_that_year_month_and_day(client, make_article):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    day = datetime(2025, 3, 14, 12, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    make_article(headline="Pi day story", published_at=day)
    make_article(headline="Other day story", published_at=day.replace(day=20))

    year = client.get("/es/archive/2025/").content.decode()
    month = client.get("/es/archive/2025/3/").content.decode()
    single_day = client.get("/es/archive/2025/3/14/").content.decode()

    assert "Pi day story" in year and "Other day story" in year
    assert "Pi day story" in month and "Other day story" in month
    assert "Pi day story" in single_day and "Other day story" not in single_day
    assert "14 de marzo de 2025" in single_day
    assert client.get("/es/archive/2031/").status_code == 200


def test_json_ld_lists_corrections(client, make_article):
    import json
    import re

    article = make_article()
    article.corrections.create(kind="correction", text="The turnout was 70%, not 60%.")

    html = client.get(article.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))

    assert data[0]["correction"][0]["@type"] == "CorrectionComment"
    assert "The turnout was 70%, not 60%." in data[0]["correction"][0]["text"]


def test_server_error_page_is_bilingual_and_self_contained(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/es/"))
    html = response.content.decode()

    assert response.status_code == 500
    assert "Algo ha fallado" in html and "Something went wrong" in html
    assert "<link" not in html and "<script" not in html


def test_article_page_html_and_css_weigh_under_100_kb(client, make_article, settings):
    from pathlib import Path

    article = make_article(body="<p>" + "Texto de la noticia. " * 400 + "</p>", tags=["a", "b"])

    html = client.get(article.get_absolute_url()).content
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_bytes()

    assert len(html) + len(css) < 100 * 1024


def test_related_coverage_ranks_shared_tags_then_fills_from_the_section(
    client, make_article, section
):
    article = make_article(headline="Main story", tags=["rusia-iran", "energia", "gas"])
    one_tag = make_article(headline="Shares one tag", tags=["gas"])
    two_tags = make_article(
        headline="Shares two tags",
        tags=["rusia-iran", "energia"],
        published_at=timezone.now() - timedelta(days=5),
    )
    same_section = make_article(headline="Same section, no tag")
    other = Section.objects.create(name_es="Europa", name_en="Europe", slug="europa")
    make_article(headline="Elsewhere entirely", section=other)

    html = client.get(article.get_absolute_url()).content.decode()
    related = html.split('id="related-title"', 1)[1]

    positions = [related.index(a.headline) for a in (two_tags, one_tag, same_section)]
    assert positions == sorted(positions)
    assert "Elsewhere entirely" not in related
    assert related.count('class="card-title"') == 3
