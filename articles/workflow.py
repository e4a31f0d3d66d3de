"""Editorial workflow: who may move an article where, and what publishing requires."""

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, OldSlug

PUBLISH_PERMISSION = "articles.publish_article"
PREVIEW_SALT = "articles.preview"
PREVIEW_MAX_AGE = 60 * 60 * 24 * 7
PUBLISHER_ONLY_STATUSES = {Article.Status.PUBLISHED, Article.Status.UNPUBLISHED}


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def publish_problems(article: Article, *, byline_count: int | None = None) -> list[str]:
    """List everything that stops the article from being published, all at once."""
    if byline_count is None:
        byline_count = article.bylines.count() if article.pk else 0
    problems = []
    if not article.headline.strip():
        problems.append(_("a headline"))
    if not article.standfirst.strip():
        problems.append(_("a standfirst"))
    if article.section_id is None:
        problems.append(_("a section"))
    if byline_count < 1:
        problems.append(_("at least one byline"))
    image = article.lead_image if article.lead_image_id else None
    if image is None:
        problems.append(_("a lead image"))
    else:
        if not image.alt_text.strip():
            problems.append(_("alt text on the lead image"))
        if not image.credit_line:
            problems.append(_("a credit on the lead image"))
    return problems


def publish_refusal(problems: list[str]) -> str:
    return _("This article cannot be published yet. It needs: %(items)s.") % {
        "items": "; ".join(problems)
    }


def check_status_change(*, user, old_status: str | None, new_status: str) -> None:
    """Refuse any move into or out of the public states by someone who may not publish."""
    if can_publish(user) or old_status == new_status:
        return
    if new_status in PUBLISHER_ONLY_STATUSES or old_status in PUBLISHER_ONLY_STATUSES:
        raise PermissionDenied(_("Only editors can publish or unpublish articles."))


def prepare_for_save(article: Article, *, user, previous: Article | None, significant: bool):
    """Stamp times, revision and slug history before an article edited by `user` is saved."""
    now = timezone.now()
    if article.status == Article.Status.PUBLISHED:
        if article.published_at is None:
            article.published_at = now
        if article.first_published_at is None or article.first_published_at > now:
            article.first_published_at = article.published_at
    elif article.first_published_at and article.first_published_at > now:
        # A schedule was cancelled before it went live: the article was never published.
        article.first_published_at = None
    text_fields = ("headline", "standfirst", "body")
    if previous is None or any(
        getattr(previous, field) != getattr(article, field) for field in text_fields
    ):
        article.content_changed_at = now
    if significant and previous is not None and previous.is_published():
        article.updated_at = now
    article.revision = (previous.revision + 1) if previous else 1
    article.modified_by = user
    if previous is None:
        article.created_by = user


def record_old_slug(*, article: Article, previous: Article | None) -> None:
    was_public = previous is not None and (
        previous.is_published()
        or (
            previous.first_published_at is not None
            and previous.first_published_at <= timezone.now()
        )
    )
    if not was_public:
        return
    if (previous.slug, previous.language) == (article.slug, article.language):
        return
    OldSlug.objects.filter(language=article.language, slug=article.slug).delete()
    OldSlug.objects.get_or_create(
        language=previous.language, slug=previous.slug, defaults={"article": article}
    )


@transaction.atomic
def publish_article(*, article: Article, user, at=None) -> Article:
    """Publish now, or schedule for `at`, after checking permission and completeness."""
    if not can_publish(user):
        raise PermissionDenied(_("Only editors can publish articles."))
    problems = publish_problems(article)
    if problems:
        raise ValidationError(publish_refusal(problems))
    previous = Article.objects.select_for_update().get(pk=article.pk)
    article.status = Article.Status.PUBLISHED
    if at is not None:
        article.published_at = at
    prepare_for_save(article, user=user, previous=previous, significant=False)
    article.save()
    return article


@transaction.atomic
def unpublish_article(*, article: Article, user) -> Article:
    if not can_publish(user):
        raise PermissionDenied(_("Only editors can unpublish articles."))
    previous = Article.objects.select_for_update().get(pk=article.pk)
    article.status = Article.Status.UNPUBLISHED
    prepare_for_save(article, user=user, previous=previous, significant=False)
    article.save()
    return article


@transaction.atomic
def submit_for_review(*, article: Article, user) -> Article:
    previous = Article.objects.select_for_update().get(pk=article.pk)
    if previous.status != Article.Status.DRAFT:
        raise ValidationError(_("Only drafts can be submitted for review."))
    article.status = Article.Status.IN_REVIEW
    prepare_for_save(article, user=user, previous=previous, significant=False)
    article.save()
    return article


def make_preview_token(article: Article) -> str:
    return signing.dumps({"id": article.pk, "v": article.preview_version}, salt=PREVIEW_SALT)


def article_from_preview_token(token: str) -> Article | None:
    """Return the article a valid, unexpired, unrevoked preview token names, or None."""
    try:
        data = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Article.objects.for_listing()
        .prefetch_related("tags", "corrections")
        .filter(pk=data.get("id"), preview_version=data.get("v"))
        .first()
    )


def revoke_preview_links(*, article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(preview_version=article.preview_version + 1)
    article.preview_version += 1
