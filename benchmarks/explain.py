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

from datetime import timedelta  # noqa: E402

from django.db import connection  # noqa: E402
from django.db.models import Count, F, Subquery, Window  # noqa: E402
from django.db.models.functions import RowNumber  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from taggit.models import Tag  # noqa: E402

from articles.models import Article, Section  # noqa: E402
from articles.search import search_articles  # noqa: E402
from articles.views import HOME_POOL  # noqa: E402
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
    explain("Author listing", published.by_author(author).order_by("-published_at")[:20])
    start = timezone.localtime(article.published_at).replace(hour=0, minute=0, second=0)
    explain(
        "Day archive (the range DayArchiveView queries)",
        published.filter(
            published_at__gte=start, published_at__lt=start + timedelta(days=1)
        ).order_by("-published_at")[:20],
    )
    explain("Section listing: count for the pages", CountOf(published.filter(section=section)))
    explain("Article by slug", Article.objects.filter(language="es", slug=article.slug))
    recent = published.order_by("-published_at").values("pk")[:HOME_POOL]
    explain(
        "Home: section blocks (window over the newest articles)",
        published.filter(pk__in=Subquery(recent))
        .annotate(
            place=Window(
                RowNumber(), partition_by=F("section_id"), order_by=F("published_at").desc()
            )
        )
        .filter(place__lte=4),
    )
    explain("Search: 'gas'", search_articles("gas", language="es")[:20])


class CountOf:
    """Wrap a queryset so explain() shows the COUNT(*) the paginator runs."""

    def __init__(self, queryset):
        self.query = queryset.values("pk").query.chain()
        self.query.clear_ordering(force=True)
        self.query.add_annotation(Count("*"), "total")
        self.query.set_annotation_mask(["total"])
        self.query.clear_select_fields()
        self.query.default_cols = False


if __name__ == "__main__":
    main()
