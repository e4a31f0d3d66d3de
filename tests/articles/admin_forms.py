"""Build the POST data the article admin change form sends."""

from django.urls import reverse
from django.utils import timezone

from articles.models import Article


def article_form_data(article=None, *, bylines=(), corrections=(), **overrides):
    data = {
        "headline": "",
        "standfirst": "",
        "body": "",
        "article_type": "news",
        "dateline": "",
        "section": "",
        "language": "es",
        "tags": "",
        "lead_image": "",
        "lead_image_caption": "",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "expires_at_0": "",
        "expires_at_1": "",
        "updated_at_0": "",
        "updated_at_1": "",
        "slug": "",
        "seo_description": "",
        "translation_of": "",
        "edit_revision": "",
    }
    existing_bylines = []
    if article is not None:
        published = timezone.localtime(article.published_at) if article.published_at else None
        data.update(
            headline=article.headline,
            standfirst=article.standfirst,
            body=article.body,
            section=article.section_id or "",
            language=article.language,
            lead_image=article.lead_image_id or "",
            status=article.status,
            slug=article.slug,
            edit_revision=article.revision,
            tags=", ".join(article.tags.names()),
            published_at_0=published.strftime("%Y-%m-%d") if published else "",
            published_at_1=published.strftime("%H:%M:%S") if published else "",
        )
        existing_bylines = list(article.bylines.all())
    data.update(overrides)
    rows = [
        {"id": b.pk, "author": b.author_id, "role": b.role, "kind": b.kind, "order": b.order}
        for b in existing_bylines
    ] + [
        {"id": "", "author": author.pk, "role": role, "kind": "author", "order": index}
        for index, (author, role) in enumerate(bylines)
    ]
    data.update(
        {
            "bylines-TOTAL_FORMS": str(len(rows)),
            "bylines-INITIAL_FORMS": str(len(existing_bylines)),
            "bylines-MIN_NUM_FORMS": "0",
            "bylines-MAX_NUM_FORMS": "1000",
        }
    )
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"bylines-{index}-{key}"] = value
        if article is not None:
            data[f"bylines-{index}-article"] = article.pk
    if article is not None and article.first_published_at:
        existing = list(article.corrections.all())
        data.update(
            {
                "corrections-TOTAL_FORMS": str(len(existing) + len(corrections)),
                "corrections-INITIAL_FORMS": str(len(existing)),
                "corrections-MIN_NUM_FORMS": "0",
                "corrections-MAX_NUM_FORMS": "1000",
            }
        )
        for index, correction in enumerate(existing):
            data[f"corrections-{index}-id"] = correction.pk
            data[f"corrections-{index}-article"] = article.pk
        for offset, (kind, text) in enumerate(corrections):
            index = len(existing) + offset
            data[f"corrections-{index}-kind"] = kind
            data[f"corrections-{index}-text"] = text
            data[f"corrections-{index}-id"] = ""
            data[f"corrections-{index}-article"] = article.pk
    return data


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])
