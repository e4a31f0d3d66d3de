from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article, Section
from articles.search import search_articles

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)


def headlines(results):
    return [article.headline for article in results]


def test_search_ignores_accents_and_case(make_article):
    make_article(headline="Teherán y Moscú firman un acuerdo", body="<p>Irán negocia.</p>")

    assert headlines(search_articles("iran", language="es")) == [
        "Teherán y Moscú firman un acuerdo"
    ]
    assert headlines(search_articles("TEHERAN", language="es"))


def test_headline_matches_rank_above_body_matches(make_article):
    make_article(headline="Mercados", body="<p>El gas ruso llega tarde.</p>")
    make_article(
        headline="El gas ruso cruza el Caspio",
        body="<p>Nada más.</p>",
        published_at=timezone.now() - timedelta(days=3),
    )

    assert headlines(search_articles("gas", language="es"))[0] == "El gas ruso cruza el Caspio"


def test_search_filters_by_language_section_and_date(make_article):
    economy = Section.objects.create(name_es="Economía", name_en="Economy", slug="economia")
    make_article(headline="Petróleo en Caracas")
    make_article(headline="Petróleo en Bakú", section=economy)
    make_article(headline="Oil in Caracas petróleo", language="en")
    make_article(headline="Petróleo antiguo", published_at=timezone.now() - timedelta(days=30))
    week_ago = timezone.localdate() - timedelta(days=7)

    assert set(headlines(search_articles("petróleo", language="es", section=economy))) == {
        "Petróleo en Bakú"
    }
    recent = headlines(search_articles("petróleo", language="es", date_from=week_ago))
    assert "Petróleo antiguo" not in recent and "Oil in Caracas petróleo" not in recent


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(hours=2)},
        {"expires_at": timezone.now() - timedelta(minutes=1)},
    ],
    ids=["draft", "scheduled", "expired"],
)
def test_search_never_finds_what_readers_cannot_see(make_article, hidden):
    make_article(headline="Exclusiva embargada", **hidden)

    assert not search_articles("exclusiva", language="es").exists()


def test_search_page_shows_results_and_keeps_the_query(client, make_article):
    make_article(headline="Elecciones en el altiplano")

    html = client.get("/es/search/", {"q": "altiplano"}).content.decode()

    assert "Elecciones en el altiplano" in html
    assert 'value="altiplano"' in html
    assert 'name="robots" content="noindex, follow"' in html


@pytest.mark.parametrize("query", ["", "   ", "\x00", "<script>alert(1)</script>", "a" * 500])
def test_odd_queries_get_an_answer_not_an_error(client, make_article, query):
    make_article()

    response = client.get("/es/search/", {"q": query, "date_from": "not-a-date"})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@on_postgres
def test_postgres_ranks_with_stemming_and_highlights_snippets(make_article):
    make_article(
        headline="Negociaciones",
        body="<p>Los negociadores de <strong>Irán</strong> negociaron durante horas.</p>",
    )

    result = search_articles("negociar iran", language="es").get()

    assert result.rank > 0
    assert "<mark>" in result.snippet and "<strong>" not in result.snippet


def test_every_word_must_match(make_article):
    make_article(headline="Gas corridor signed", language="en")

    assert not search_articles("teheran gas", language="en").exists()
    assert search_articles("gas corridor", language="en").exists()
