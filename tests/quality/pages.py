"""Every kind of public page, built from the demo newsroom, for the quality checks."""

import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from articles.models import Article, Correction
from authors.models import Author


def seed_public_site():
    """Load the demo newsroom and add what it lacks: a correction on one article."""
    call_command("seed_demo", stdout=io.StringIO())
    article = Article.objects.published().filter(language="es").order_by("-published_at").first()
    Correction.objects.create(
        article=article, kind=Correction.Kind.CORRECTION, text="Se corrigió la cifra de votantes."
    )
    return article


def public_paths():
    """One path for every public template, in both languages."""
    paths = []
    for language in ("es", "en"):
        with translation.override(language):
            article = (
                Article.objects.published().in_language(language).order_by("-published_at").first()
            )
            tag = article.tags.order_by("slug").first()
            author = Author.objects.filter(bylines__article=article).first()
            day = article.published_at
            paths += [
                reverse("articles:home"),
                article.get_absolute_url(),
                article.section.get_absolute_url(),
                reverse("articles:tag", kwargs={"slug": tag.slug}),
                author.get_absolute_url(),
                reverse("articles:search") + "?q=iran",
                reverse("articles:search") + "?q=zzzz-nothing",
                reverse("articles:search"),
                reverse("articles:archive-year", kwargs={"year": day.year}),
                reverse("articles:archive-month", kwargs={"year": day.year, "month": day.month}),
                reverse(
                    "articles:archive-day",
                    kwargs={"year": day.year, "month": day.month, "day": day.day},
                ),
                reverse("articles:corrections"),
                reverse("about"),
                reverse("privacy"),
                reverse("tips:submit") + f"?article={article.pk}",
                reverse("tips:follow-up"),
                f"/{language}/no-such-page/",
            ]
    return paths
