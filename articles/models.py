import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.cache import cache
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from articles.html import reading_minutes, sanitize_body, word_count
from newsroom.replica import reading_primary


class Language(models.TextChoices):
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")


NAVIGATION_CACHE_KEY = "navigation-sections"


def navigation_sections():
    """Every section, in menu order, from the cache (emptied whenever a section changes)."""
    sections = cache.get(NAVIGATION_CACHE_KEY)
    if sections is None:
        # From the primary: kept until a section changes, it must not come from a lagging replica.
        with reading_primary():
            sections = list(Section.objects.all())
        cache.set(NAVIGATION_CACHE_KEY, sections, timeout=None)
    return sections


class Section(models.Model):
    name_es = models.CharField(_("name (Spanish)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["order", "name_es"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})

    @property
    def name(self):
        return self.name_en if get_language() == "en" else self.name_es

    @property
    def description(self):
        return self.description_en if get_language() == "en" else self.description_es


# How many of the newest tag-sharing stories are ranked for an article's related list.
RELATED_POOL = 200


class ArticleQuerySet(models.QuerySet):
    def published(self, *, at=None):
        """Articles a reader may see now: published, past their publish time, not expired."""
        now = at or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def scheduled(self, *, at=None):
        now = at or timezone.now()
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=now)

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def in_language(self, language):
        return self.filter(language=language)

    def tagged(self, tag):
        """Articles carrying `tag`, as a semi-join the planner can walk in date order."""
        from taggit.models import TaggedItem

        items = TaggedItem.objects.filter(
            content_type__app_label="articles", content_type__model="article", tag=tag
        )
        return self.filter(pk__in=items.values("object_id"))

    def by_author(self, author):
        """Articles with a byline by `author`, without a join that would need DISTINCT."""
        return self.filter(pk__in=Byline.objects.filter(author=author).values("article_id"))

    def related_to(self, article, limit=4):
        """Of the newest stories sharing a tag or the section with `article`, those sharing the
        most tags first, then the newest.

        One query, whatever the number of tags or the size of the archive. Chain after
        published() and in_language(): this only ranks, it never widens visibility.
        """
        from taggit.models import TaggedItem

        tag_ids = [tag.pk for tag in article.tags.all()]
        tagged = TaggedItem.objects.filter(
            content_type__app_label="articles",
            content_type__model="article",
            tag_id__in=tag_ids,
        )
        shared = (
            tagged.filter(object_id=OuterRef("pk"))
            .values("object_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        # A bounded pool, whatever the archive's size: the newest stories that share a tag or
        # the section (one index walk in date order); only those are ranked by shared tags.
        sharing = Q(pk__in=tagged.values("object_id")) if tag_ids else Q(pk__in=[])
        if article.section_id:
            sharing |= Q(section_id=article.section_id)
        pool = (
            self.filter(sharing).exclude(pk=article.pk).order_by("-published_at").values("pk")
        )[:RELATED_POOL]
        return list(
            self.filter(pk__in=Subquery(pool))
            .annotate(shared_tags=Coalesce(Subquery(shared), 0))
            .order_by("-shared_tags", "-published_at")[:limit]
        )

    def for_listing(self):
        """Load what an article card shows in a fixed number of queries."""
        return self.select_related("section", "lead_image").prefetch_related(
            Prefetch(
                "bylines",
                queryset=Byline.objects.select_related("author").order_by("order", "pk"),
            ),
        )


# The edit counter and preview-link version describe the live row, not its text, so a restore
# from history must not roll them back. Corrections are append-only: a restore never follows them.
@reversion.register(
    follow=("bylines",), exclude=("revision", "preview_version", "modified_by", "search_document")
)
class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    class Type(models.TextChoices):
        NEWS = "news", _("News")
        ANALYSIS = "analysis", _("Analysis")
        OPINION = "opinion", _("Opinion")
        INTERVIEW = "interview", _("Interview")
        REPORT = "report", _("Report")

    headline = models.CharField(_("headline"), max_length=200)
    standfirst = models.TextField(_("standfirst"), blank=True)
    slug = models.SlugField(_("slug"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    # PostgreSQL full-text document (headline > standfirst > body, accents folded), kept by
    # save() and searched through a GIN index; unused on SQLite.
    search_document = SearchVectorField(null=True, editable=False)
    article_type = models.CharField(
        _("type"), max_length=20, choices=Type.choices, default=Type.NEWS
    )
    dateline = models.CharField(
        _("dateline"), max_length=100, blank=True, help_text=_("Place of reporting, e.g. Kyiv.")
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.SPANISH
    )
    translation_of = models.OneToOneField(
        "self",
        verbose_name=_("translation of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translated_version",
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    tags = TaggableManager(_("tags"), blank=True)
    lead_image = models.ForeignKey(
        "images.Image",
        verbose_name=_("lead image"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lead_image_caption = models.TextField(
        _("caption override"),
        blank=True,
        help_text=_("Leave empty to use the image library caption."),
    )
    related_articles = models.ManyToManyField(
        "self", verbose_name=_("related articles"), blank=True, symmetrical=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the article: it stays hidden until then."),
    )
    expires_at = models.DateTimeField(_("expiry time"), null=True, blank=True)
    first_published_at = models.DateTimeField(_("first published"), null=True, editable=False)
    updated_at = models.DateTimeField(
        _("last significant update"),
        null=True,
        blank=True,
        help_text=_("Shown to readers as “Updated”. Typo fixes do not change it."),
    )
    seo_description = models.CharField(
        _("SEO description"),
        max_length=300,
        blank=True,
        help_text=_("Shown by search engines; aim for 160 characters or fewer."),
    )
    content_changed_at = models.DateTimeField(_("text last changed"), null=True, editable=False)
    revision = models.PositiveIntegerField(default=1, editable=False)
    preview_version = models.PositiveIntegerField(default=0, editable=False)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    modified_at = models.DateTimeField(_("last change"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Can publish, schedule and unpublish articles"))]
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="article_unique_slug"),
        ]
        indexes = [
            # expires_at rides along (PostgreSQL INCLUDE) so counting a listing for its pages
            # is an index-only scan.
            models.Index(
                fields=["language", "status", "-published_at"],
                include=["expires_at"],
                name="article_listing_idx",
            ),
            models.Index(
                fields=["section", "language", "status", "-published_at"],
                include=["expires_at"],
                name="article_section_idx",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = sanitize_body(self.body)
        super().save(*args, **kwargs)
        from articles.search import update_documents

        update_documents(Article.objects.filter(pk=self.pk))

    def get_absolute_url(self):
        section_slug = self.section.slug if self.section_id else "noticias"
        with translation.override(self.language):
            return reverse("articles:detail", kwargs={"section": section_slug, "slug": self.slug})

    @property
    def translation(self):
        """The linked version in the other language, whichever side of the link this is."""
        if self.translation_of_id:
            return self.translation_of
        try:
            return self.translated_version
        except Article.DoesNotExist:
            return None

    @property
    def is_translation_out_of_date(self):
        """Whether this translation's original changed after the translation was last written."""
        original = self.translation_of
        if original is None or original.content_changed_at is None:
            return False
        return original.content_changed_at > (self.content_changed_at or self.created_at)

    def is_published(self, *, at=None):
        now = at or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    @property
    def word_count(self):
        return word_count(self.body)

    @property
    def reading_minutes(self):
        return reading_minutes(self.body)

    @property
    def caption(self):
        if self.lead_image_caption:
            return self.lead_image_caption
        return self.lead_image.caption if self.lead_image_id else ""


@reversion.register()
class Byline(models.Model):
    class Kind(models.TextChoices):
        AUTHOR = "author", _("Author")
        ADDITIONAL_REPORTING = "additional_reporting", _("Additional reporting")
        TRANSLATION = "translation", _("Translation")
        PHOTOS = "photos", _("Photos")
        EDITING = "editing", _("Editing")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(
        "authors.Author",
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="bylines",
    )
    role = models.CharField(
        _("role"),
        max_length=150,
        blank=True,
        help_text=_("The author's role when this was written, e.g. Americas Coordinator."),
    )
    kind = models.CharField(
        _("contribution"), max_length=30, choices=Kind.choices, default=Kind.AUTHOR
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author", "kind"], name="byline_unique_contribution"
            )
        ]

    def __str__(self):
        return f"{self.role}: {self.author}" if self.role else str(self.author)


class Correction(models.Model):
    """A dated, public note on a published article. Entries are never edited or removed."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")
        UPDATE = "update", _("Update")
        EDITORS_NOTE = "editors_note", _("Editor's note")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.CORRECTION
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Corrections are append-only and cannot be changed.")
        super().save(*args, **kwargs)


class OldSlug(models.Model):
    """A slug an article was published under, kept so its old URL redirects."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    language = models.CharField(max_length=2, choices=Language.choices)
    slug = models.SlugField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("old slug")
        verbose_name_plural = _("old slugs")
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="oldslug_unique_slug")
        ]

    def __str__(self):
        return self.slug
