import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from images.admin import EXPIRING_DAYS
from images.renditions import crop_box

pytestmark = pytest.mark.django_db


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_article_image_is_a_responsive_picture_without_layout_shift(client, make_article):
    article = make_article()

    html = client.get(article.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="figure lead-figure">.*?</figure>', html, re.S).group(0)

    assert '<source type="image/webp" srcset="' in figure
    assert re.search(r'<img src="[^"]+\.jpg" srcset="[^"]+ 320w"', figure)
    assert 'sizes="' in figure and 'width="320" height="180"' in figure
    assert 'loading="lazy"' not in figure
    assert "SPUTNIK/SERGEI SAVOSTYANOV via REUTERS" in figure


def test_cards_below_the_fold_load_lazily(client, make_article):
    for _ in range(8):
        make_article()

    html = client.get("/es/").content.decode()

    assert 'loading="lazy"' in html


def test_credit_reaches_json_ld_and_the_feed(client, make_article, make_image):
    image = make_image(copyright_notice="© Sputnik")
    article = make_article(lead_image=image)

    data = json_ld(client.get(article.get_absolute_url()).content.decode())[0]
    feed = client.get("/es/feed/").content.decode()

    assert data["@type"] == "NewsArticle"
    assert data["image"][0]["creditText"] == "SPUTNIK/SERGEI SAVOSTYANOV via REUTERS"
    assert data["image"][0]["copyrightNotice"] == "© Sputnik"
    assert data["image"][0]["creator"] == {"@type": "Person", "name": "SERGEI SAVOSTYANOV"}
    assert '<media:credit role="photographer">SPUTNIK/SERGEI SAVOSTYANOV via REUTERS' in feed
    assert 'xmlns:media="http://search.yahoo.com/mrss/"' in feed


def test_expired_image_is_absent_from_html_json_ld_and_feed(client, make_article, make_image):
    image = make_image(rights_expire_on=timezone.localdate() - timedelta(days=1))
    article = make_article(lead_image=image)

    html = client.get(article.get_absolute_url()).content.decode()
    home = client.get("/es/").content.decode()
    feed = client.get("/es/feed/").content.decode()

    for rendition in image.renditions.all():
        for page in (html, home, feed):
            assert rendition.file.url not in page
    assert image.file.url not in html
    assert "figure-placeholder" in html
    assert "image" not in json_ld(html)[0]
    assert "media:content" not in feed


def test_focal_point_keeps_its_subject_in_the_crop():
    assert crop_box((1600, 900), (1, 1), (0.9, 0.5)) == (700, 0, 1600, 900)
    assert crop_box((1600, 900), (1, 1), (0.1, 0.5)) == (0, 0, 900, 900)
    assert crop_box((1600, 900), (1, 1), (0.5, 0.5)) == (350, 0, 1250, 900)
    assert crop_box((900, 1600), (16, 9), (0.5, 0.0)) == (0, 0, 900, 506)


@pytest.mark.parametrize(
    ("filter_value", "expected"),
    [
        ("expired", {"expired"}),
        ("expiring", {"expiring"}),
        ("valid", {"expiring", "valid", "no-alt", "no-credit"}),
        ("no_alt", {"no-alt"}),
        ("no_credit", {"no-credit"}),
    ],
)
def test_rights_filters_in_the_library(client, editor, make_image, filter_value, expected):
    today = timezone.localdate()
    make_image(title="expired", rights_expire_on=today - timedelta(days=1))
    make_image(title="expiring", rights_expire_on=today + timedelta(days=EXPIRING_DAYS - 1))
    make_image(title="valid", rights_expire_on=today + timedelta(days=365))
    make_image(title="no-alt", alt_text="")
    make_image(title="no-credit", photographer="", agency="", distributor="")
    client.force_login(editor)

    response = client.get("/admin/images/image/", {"rights": filter_value})

    shown = {image.title for image in response.context["cl"].result_list}
    assert shown == expected


def test_usage_csv_counts_images_by_agency_and_month(client, editor, make_article, make_image):
    make_article(lead_image=make_image(agency="SPUTNIK"))
    make_article(lead_image=make_image(agency="SPUTNIK"))
    make_article(lead_image=make_image(agency="AFP"))
    client.force_login(editor)

    response = client.get("/admin/images/image/usage.csv")
    rows = response.content.decode().strip().splitlines()

    month = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m")
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0] == "month,agency,images,articles"
    assert f"{month},AFP,1,1" in rows
    assert f"{month},SPUTNIK,2,2" in rows


def test_article_has_open_graph_twitter_hreflang_and_breadcrumbs(client, make_article, make_image):
    original = make_article(headline="Vota el altiplano", lead_image=make_image())
    translation = make_article(
        headline="The plateau votes", language="en", translation_of=original
    )

    html = client.get(original.get_absolute_url()).content.decode()
    data = json_ld(html)

    canonical = f"http://testserver{original.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'hreflang="en" href="http://testserver{translation.get_absolute_url()}"' in html
    assert '<meta property="og:title" content="Vota el altiplano">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert re.search(
        r'<meta property="og:image" content="http://testserver/media/[^"]+social', html
    )
    assert data[1]["@type"] == "BreadcrumbList"
    assert [item["name"] for item in data[1]["itemListElement"]] == [
        "Mundo Abierto",
        "Américas",
        "Vota el altiplano",
    ]
