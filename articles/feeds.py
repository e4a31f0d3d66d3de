from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from articles.models import Article

FEED_SIZE = 30
MEDIA_NS = "http://search.yahoo.com/mrss/"


class MediaRssFeed(Rss201rev2Feed):
    """RSS 2.0 with each article's lead image and its credit as Media RSS."""

    def rss_attributes(self):
        return super().rss_attributes() | {"xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        image = item.get("lead_image")
        if not image:
            return
        handler.startElement(
            "media:content",
            {
                "url": image["url"],
                "medium": "image",
                "type": "image/jpeg",
                "width": str(image["width"]),
                "height": str(image["height"]),
            },
        )
        if image["caption"]:
            handler.addQuickElement("media:description", image["caption"])
        if image["credit"]:
            handler.addQuickElement("media:credit", image["credit"], {"role": "photographer"})
        handler.endElement("media:content")


class LatestArticlesFeed(Feed):
    feed_type = MediaRssFeed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

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

    def item_extra_kwargs(self, item):
        image = item.lead_image
        if image is None or not image.is_usable():
            return {}
        jpegs = image.renditions_for("original").get("jpeg")
        if not jpegs:
            return {}
        rendition = jpegs[-1]
        return {
            "lead_image": {
                "url": self.request.build_absolute_uri(rendition.file.url),
                "width": rendition.width,
                "height": rendition.height,
                "caption": item.caption,
                "credit": image.credit_line,
            }
        }
