from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from taggit.models import Tag

from articles.models import Article, Section
from authors.models import Author
from newsroom.pagecache import declare

FEED_SIZE = 30
MEDIA_NS = "http://search.yahoo.com/mrss/"


class MediaElementsMixin:
    """Add each article's lead image and its credit as Media RSS elements."""

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


class MediaRssFeed(MediaElementsMixin, Rss201rev2Feed):
    def rss_attributes(self):
        return super().rss_attributes() | {"xmlns:media": MEDIA_NS}


class MediaAtomFeed(MediaElementsMixin, Atom1Feed):
    def root_attributes(self):
        return super().root_attributes() | {"xmlns:media": MEDIA_NS}


class LatestArticlesFeed(Feed):
    """Every published article in the current language; subclasses narrow it down."""

    feed_type = MediaRssFeed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, slug=None):
        declare(request, f"home:{get_language()}")
        return None

    def title(self, obj):
        return _("%(site)s: latest news") % {"site": settings.SITE_NAME}

    def link(self, obj):
        return obj.get_absolute_url() if obj is not None else reverse("articles:home")

    def description(self, obj):
        return _("The latest articles published by %(site)s.") % {"site": settings.SITE_NAME}

    def narrow(self, articles, obj):
        return articles

    def items(self, obj):
        articles = Article.objects.published().in_language(get_language())
        return self.narrow(articles, obj).for_listing().prefetch_related("tags")[:FEED_SIZE]

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
        rendition = image.public_rendition("original") if image else None
        if rendition is None:
            return {}
        return {
            "lead_image": {
                "url": self.request.build_absolute_uri(rendition.file.url),
                "width": rendition.width,
                "height": rendition.height,
                "caption": item.caption,
                "credit": image.credit_line,
            }
        }


class ScopedFeed(LatestArticlesFeed):
    """The latest articles of one section, tag or author, named by the URL's slug."""

    scope_model = None
    scope_filter = {}
    cache_tag = ""

    def get_object(self, request, slug=None):
        obj = get_object_or_404(self.scope_model, slug=slug, **self.scope_filter)
        declare(request, f"{self.cache_tag}:{obj.pk}")
        return obj

    def title(self, obj):
        return f"{settings.SITE_NAME}: {obj.name}"


class SectionFeed(ScopedFeed):
    scope_model = Section
    cache_tag = "section"

    def narrow(self, articles, obj):
        return articles.filter(section=obj)


class TagFeed(ScopedFeed):
    scope_model = Tag
    cache_tag = "tag"

    def link(self, obj):
        return reverse("articles:tag", kwargs={"slug": obj.slug})

    def narrow(self, articles, obj):
        return articles.tagged(obj)


class AuthorFeed(ScopedFeed):
    scope_model = Author
    scope_filter = {"is_active": True}
    cache_tag = "author"

    def narrow(self, articles, obj):
        return articles.by_author(obj)


def atom(feed_class):
    """Return the Atom 1.0 version of an RSS feed class."""
    return type(
        f"Atom{feed_class.__name__}",
        (feed_class,),
        {"feed_type": MediaAtomFeed, "subtitle": feed_class.description},
    )
