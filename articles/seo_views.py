from django.conf import settings
from django.shortcuts import render

from articles.sitemaps import news_sitemap_articles
from newsroom.pagecache import cached_page


@cached_page("sitemap")
def news_sitemap(request):
    """List the last two days' articles with the elements Google News reads."""
    return render(
        request,
        "sitemaps/news.xml",
        {"articles": news_sitemap_articles(), "publication": settings.SITE_NAME},
        content_type="application/xml",
    )


@cached_page("site")
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")
