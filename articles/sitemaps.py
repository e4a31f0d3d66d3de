from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, Section

NEWS_WINDOW = timedelta(days=2)


class ArticleSitemap(Sitemap):
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .select_related("section")
            .only("slug", "language", "section__slug", "updated_at", "modified_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return item.modified_at


class SectionSitemap(Sitemap):
    def items(self):
        return [(section, code) for section in Section.objects.all() for code in ("es", "en")]

    def location(self, item):
        section, code = item
        with translation.override(code):
            return section.get_absolute_url()


class PageSitemap(Sitemap):
    def items(self):
        return [
            (name, code)
            for name in ("articles:home", "articles:corrections", "about", "privacy")
            for code in ("es", "en")
        ]

    def location(self, item):
        name, code = item
        with translation.override(code):
            return reverse(name)


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap, "pages": PageSitemap}


def news_sitemap_articles():
    """Articles published in the last two days, for the Google News sitemap."""
    return (
        Article.objects.published()
        .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
        .select_related("section")
        .prefetch_related("tags")
        .order_by("-published_at")[:1000]
    )
