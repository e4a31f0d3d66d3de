"""Article search: PostgreSQL full-text search, with a plain fallback for SQLite."""

import unicodedata

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import Case, F, Func, Q, Value, When

from articles.models import Article

CONFIGS = {"es": "spanish", "en": "english"}
SNIPPET_OPTIONS = {"start_sel": "<mark>", "stop_sel": "</mark>", "max_words": 35, "min_words": 15}


def fold(text):
    """Lower-case and strip accents, as PostgreSQL's unaccent() does: 'Irán' -> 'iran'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class Unaccent(Func):
    function = "unaccent"


class StripTags(Func):
    """Replace HTML tags with spaces, so snippets hold only the (sanitized) body's text."""

    function = "regexp_replace"
    template = "%(function)s(%(expressions)s, '<[^>]*>', ' ', 'g')"


def search_articles(query, *, language, section=None, date_from=None, date_to=None):
    """Published articles in `language` matching `query`, best first."""
    articles = Article.objects.published().in_language(language)
    if section is not None:
        articles = articles.filter(section=section)
    if date_from:
        articles = articles.filter(published_at__date__gte=date_from)
    if date_to:
        articles = articles.filter(published_at__date__lte=date_to)
    if connection.vendor == "postgresql":
        return postgres_search(articles, query, CONFIGS.get(language, "simple"))
    return fallback_search(articles, query)


def document_vector(config):
    """The weighted, accent-folded text of an article, as stored in `search_document`."""
    return (
        SearchVector(Unaccent(F("headline")), config=config, weight="A")
        + SearchVector(Unaccent(F("standfirst")), config=config, weight="B")
        + SearchVector(Unaccent(StripTags(F("body"))), config=config, weight="C")
    )


def update_documents(articles):
    """Store the search document of these articles (PostgreSQL only; one UPDATE a language)."""
    if connection.vendor != "postgresql":
        return
    for language, config in CONFIGS.items():
        articles.filter(language=language).update(search_document=document_vector(config))


def postgres_search(articles, query, config):
    search_query = SearchQuery(Unaccent(Value(query)), config=config, search_type="websearch")
    # Match with @@ against the stored, GIN-indexed document (every word must be there);
    # ts_rank alone scores partial matches too.
    return (
        articles.filter(search_document=search_query)
        .annotate(rank=SearchRank(F("search_document"), search_query))
        .annotate(
            snippet=SearchHeadline(
                StripTags(F("body")), search_query, config=config, **SNIPPET_OPTIONS
            )
        )
        .order_by("-rank", "-published_at")
    )


def fallback_search(articles, query):
    """Match every word, accent- and case-insensitively, headline matches first."""
    words = [fold(word) for word in query.split() if word.strip()][:10]
    if not words:
        return articles.none()
    matches = Q()
    for word in words:
        matches &= (
            Q(folded_headline__contains=word)
            | Q(folded_standfirst__contains=word)
            | Q(folded_body__contains=word)
        )
    headline_hits = Q()
    for word in words:
        headline_hits &= Q(folded_headline__contains=word)
    return (
        articles.annotate(
            folded_headline=Unaccent(F("headline")),
            folded_standfirst=Unaccent(F("standfirst")),
            folded_body=Unaccent(F("body")),
        )
        .filter(matches)
        .annotate(rank=Case(When(headline_hits, then=Value(2)), default=Value(1)))
        .order_by("-rank", "-published_at")
    )


def register_sqlite_unaccent(sender, connection, **kwargs):
    """Give SQLite an unaccent() like PostgreSQL's, so the fallback folds accents too."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("unaccent", 1, fold, deterministic=True)
