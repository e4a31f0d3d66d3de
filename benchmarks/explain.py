"""Print EXPLAIN ANALYZE of the public pages' hot queries, built from the project's querysets.

Run with the benchmark database's environment (benchmarks/pages.py does):
    DATABASE_URL=postgres://…/newsroom_bench_100000 .venv/bin/python benchmarks/explain.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import translation  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.models import Article, Section  # noqa: E402
from articles.search import search_articles  # noqa: E402
from authors.models import Author  # noqa: E402


def explain(title, queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"### {title}\n\n```\n{plan}\n```\n")


def main():
    translation.activate("es")
    published = Article.objects.published().in_language("es")
    section = Section.objects.first()
    tag = Tag.objects.annotate(uses=Count("taggit_taggeditem_items")).order_by("-uses").first()
    author = Author.objects.annotate(uses=Count("bylines")).order_by("-uses").first()
    article = published.order_by("-published_at")[min(200, published.count() - 1)]
    print(f"Articles: {Article.objects.count()}\n")
    explain("Home: latest published in a language", published.order_by("-published_at")[:11])
    explain("Section listing", published.filter(section=section).order_by("-published_at")[:20])
    explain("Tag listing", published.filter(tags=tag).order_by("-published_at")[:20])
    explain(
        "Author listing",
        published.filter(bylines__author=author).distinct().order_by("-published_at")[:20],
    )
    day = article.published_at
    explain(
        "Day archive",
        published.filter(
            published_at__year=day.year, published_at__month=day.month, published_at__day=day.day
        ).order_by("-published_at")[:20],
    )
    explain("Article by slug", Article.objects.filter(language="es", slug=article.slug))
    explain("Search: 'gas'", search_articles("gas", language="es")[:20])


if __name__ == "__main__":
    main()
