"""Licence-audit reports on where library images are used."""

from django.apps import apps
from django.db.models import Count
from django.db.models.functions import TruncMonth


def image_use_by_agency_and_month():
    """Yield (month, agency, images used, articles) for lead images of published articles."""
    # Looked up by name: the image library does not import the articles app.
    Article = apps.get_model("articles", "Article")
    rows = (
        Article.objects.published()
        .filter(lead_image__isnull=False)
        .annotate(month=TruncMonth("published_at"))
        .values("month", "lead_image__agency")
        .annotate(images=Count("lead_image", distinct=True), articles=Count("pk"))
        .order_by("month", "lead_image__agency")
    )
    for row in rows:
        yield (
            row["month"].strftime("%Y-%m"),
            row["lead_image__agency"] or "(none)",
            row["images"],
            row["articles"],
        )
