from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from articles.models import Article

FEED_SIZE = 30


class LatestArticlesFeed(Feed):
    def title(self):
        return _("%(site)s: latest news") % {"site": settings.SITE_NAME}

    def link(self):
        return reverse("articles:home")

    def description(self):
        return _("The latest articles published by %(site)s.") % {"site": settings.SITE_NAME}

    def items(self):
        return (
            Article.objects.published()
            .in_language(get_language())
            .for_listing()
            .prefetch_related("tags")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.standfirst

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at or item.published_at

    def item_author_name(self, item):
        return ", ".join(byline.author.name for byline in item.bylines.all()) or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]
