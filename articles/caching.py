"""What to purge from the page cache when newsroom content changes.

Every purge runs once the transaction commits, so a reader who asks after the save has
returned never gets the old page, and a page rendered before the commit is never stored with the
new tokens (see newsroom/pagecache.py).
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Min, Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.urls import reverse
from django.utils import timezone, translation
from taggit.models import Tag, TaggedItem

from articles.models import NAVIGATION_CACHE_KEY, Article, Byline, Correction, Section
from authors.models import Author
from images.models import Image
from newsroom.pagecache import ALWAYS, purge

LISTING_TAGS = ("home", "archive", "corrections")
VISIBLE = {Article.Status.PUBLISHED, Article.Status.UNPUBLISHED}


def article_tags(*article_ids):
    """Tags of every page that shows, or lists, these articles (read after the commit).

    A fixed number of queries however many articles: an agency photo may illustrate thousands.
    """
    tags = set()
    rows = Article.objects.filter(pk__in=article_ids).values_list(
        "pk", "language", "section_id", "translation_of_id"
    )
    for pk, language, section_id, translation_of_id in rows:
        tags |= {f"article:{pk}", "sitemap"} | {f"{name}:{language}" for name in LISTING_TAGS}
        if section_id:
            tags.add(f"section:{section_id}")
        if translation_of_id:
            tags.add(f"article:{translation_of_id}")
    if not tags:
        return tags
    translations = Article.objects.filter(translation_of_id__in=article_ids)
    tags |= {f"article:{pk}" for pk in translations.values_list("pk", flat=True)}
    bylines = Byline.objects.filter(article_id__in=article_ids)
    tags |= {f"author:{pk}" for pk in bylines.values_list("author_id", flat=True).distinct()}
    tagged = Article.tags.through.objects.filter(
        content_type__app_label="articles",
        content_type__model="article",
        object_id__in=article_ids,
    )
    tags |= {f"tag:{pk}" for pk in tagged.values_list("tag_id", flat=True).distinct()}
    return tags


def purge_article(article_id, *extra):
    transaction.on_commit(lambda: purge(*article_tags(article_id), *extra), robust=True)


def remember_previous_state(sender, instance, **kwargs):
    previous = None
    if instance.pk:
        previous = Article.objects.filter(pk=instance.pk).values("status", "section_id").first()
    instance._cache_previous = previous


def article_saved(sender, instance, **kwargs):
    previous = getattr(instance, "_cache_previous", None) or {}
    # A draft that never reached readers changes no page.
    if instance.status not in VISIBLE and previous.get("status") not in VISIBLE:
        return
    extra = [f"section:{previous['section_id']}"] if previous.get("section_id") else []
    purge_article(instance.pk, *extra)


def article_deleted(sender, instance, **kwargs):
    tags = {f"article:{instance.pk}", "sitemap"}
    tags |= {f"{name}:{instance.language}" for name in LISTING_TAGS}
    if instance.section_id:
        tags.add(f"section:{instance.section_id}")
    # After the commit the row is gone: tell the CDN its address now.
    paths = []
    if settings.CDN_PURGE_URL:
        try:
            paths.append(instance.get_absolute_url())
        except ObjectDoesNotExist:  # its section went first
            pass
    transaction.on_commit(lambda: purge(*tags, paths=paths), robust=True)


def byline_changed(sender, instance, **kwargs):
    author = f"author:{instance.author_id}"
    transaction.on_commit(lambda: purge(*article_tags(instance.article_id), author), robust=True)


def correction_saved(sender, instance, **kwargs):
    purge_article(instance.article_id)


def tagged_item_changed(sender, instance, **kwargs):
    if instance.content_type.model_class() is not Article:
        return
    tag = f"tag:{instance.tag_id}"
    transaction.on_commit(lambda: purge(*article_tags(instance.object_id), tag), robust=True)


def image_changed(sender, instance, **kwargs):
    """A new caption, credit, crop or rights date: purge the pages of articles showing it."""
    image_id = instance.pk

    def done():
        showing = Article.objects.filter(lead_image_id=image_id).values_list("pk", flat=True)
        tags = {f"image:{image_id}"} | article_tags(*showing)
        tags |= {
            f"author:{pk}"
            for pk in Author.objects.filter(photo_id=image_id).values_list("pk", flat=True)
        }
        purge(*tags)

    transaction.on_commit(done, robust=True)


def author_changed(sender, instance, **kwargs):
    # Names and roles appear in bylines on every kind of page.
    tag = f"author:{instance.pk}"
    transaction.on_commit(lambda: purge(tag, "authors"), robust=True)


def everywhere(name):
    def changed(sender, instance, **kwargs):
        def done():
            if sender is Section:
                cache.delete(NAVIGATION_CACHE_KEY)
            purge(name)

        if sender is Section:
            cache.delete(NAVIGATION_CACHE_KEY)
        transaction.on_commit(done, robust=True)

    return changed


def connect():
    uid = "page-cache-"
    pre_save.connect(remember_previous_state, sender=Article, dispatch_uid=uid + "article-pre")
    post_save.connect(article_saved, sender=Article, dispatch_uid=uid + "article")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid=uid + "article-delete")
    for signal in (post_save, post_delete):
        signal.connect(byline_changed, sender=Byline, dispatch_uid=uid + "byline")
        signal.connect(tagged_item_changed, sender=TaggedItem, dispatch_uid=uid + "tagged")
        signal.connect(image_changed, sender=Image, dispatch_uid=uid + "image")
        signal.connect(author_changed, sender=Author, dispatch_uid=uid + "author")
        # weak=False: these handlers are closures nothing else holds on to.
        signal.connect(
            everywhere("sections"), sender=Section, weak=False, dispatch_uid=uid + "section"
        )
        signal.connect(everywhere("tags"), sender=Tag, weak=False, dispatch_uid=uid + "tag")
    post_save.connect(correction_saved, sender=Correction, dispatch_uid=uid + "correction")


def tag_paths(tags):
    """Addresses of the pages that show what these page-cache tags name, cached or not.

    For the CDN purge (newsroom/tasks.py): a CDN may hold pages this server never cached, or
    cached on another app server with the local-memory cache. An article gives its own page and
    its day, month and year archives; a section, tag or author its page and feeds in each
    language; `home:es` the home page and main feeds; `corrections:es` the corrections log;
    `sitemap` the sitemap index, the articles sitemap and the news sitemap; the tags on every
    page (`sections`, `tags`, `authors`, `site`) the home pages. Other pages (page 2 and on,
    archives of other days) are purged when this site cached them (newsroom/pagecache.py).
    """
    codes = [code for code, _name in settings.LANGUAGES]
    ids = {"article": set(), "section": set(), "tag": set(), "author": set()}
    paths = set()

    def add(language, name, **kwargs):
        with translation.override(language):
            paths.add(reverse(name, kwargs=kwargs or None))

    for tag in tags:
        kind, _, value = tag.partition(":")
        if kind in ids and value.isdigit():
            ids[kind].add(int(value))
        elif kind in ("home", "corrections") and value in codes:
            names = ("home", "feed", "feed-atom") if kind == "home" else ("corrections",)
            for name in names:
                add(value, f"articles:{name}")
        elif kind == "sitemap":
            paths.add(reverse("sitemap"))
            paths.add(reverse("sitemap-section", kwargs={"section": "articles"}))
            paths.add(reverse("news-sitemap"))
        elif kind in ALWAYS:
            for code in codes:
                add(code, "articles:home")
    articles = Article.objects.filter(pk__in=ids["article"]).select_related("section")
    for article in articles.only("slug", "language", "published_at", "section__slug"):
        paths.add(article.get_absolute_url())
        if article.published_at:
            day = timezone.localtime(article.published_at)
            add(article.language, "articles:archive-year", year=day.year)
            add(article.language, "articles:archive-month", year=day.year, month=day.month)
            add(
                article.language,
                "articles:archive-day",
                year=day.year,
                month=day.month,
                day=day.day,
            )
    lists = (
        ("section", Section, "articles:section", "articles:section-feed", "articles:section-atom"),
        ("tag", Tag, "articles:tag", "articles:tag-feed", "articles:tag-atom"),
        ("author", Author, "authors:detail", "authors:feed", "authors:atom"),
    )
    for kind, model, *names in lists:
        slugs = model.objects.filter(pk__in=ids[kind]).values_list("slug", flat=True)
        for slug in slugs:
            for code in codes:
                for name in names:
                    add(code, name, slug=slug)
    return sorted(paths)


def next_change_at():
    """The next moment a page may change by itself: a scheduled publication, an expiry, or the
    end of the day an image's rights run out. Returns a Unix timestamp, or None."""
    now = timezone.now()
    found = Article.objects.filter(status=Article.Status.PUBLISHED).aggregate(
        publish=Min("published_at", filter=Q(published_at__gt=now)),
        expire=Min("expires_at", filter=Q(expires_at__gt=now)),
    )
    moments = [moment for moment in found.values() if moment]
    rights = Image.objects.filter(rights_expire_on__gte=timezone.localdate()).aggregate(
        first=Min("rights_expire_on")
    )["first"]
    if rights:
        moments.append(timezone.make_aware(datetime.combine(rights + timedelta(days=1), time.min)))
    return min(moments).timestamp() if moments else None
