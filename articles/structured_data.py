"""schema.org data for article pages, built from the model."""

import json

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe

JSON_LD_CROPS = ("16x9", "4x3", "1x1")
# As Django's json_script does: nothing in the data can close the <script> element.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def image_objects(image, absolute):
    """ImageObjects of the usable lead image in the crops search engines ask for."""
    if image is None:
        return []
    objects = []
    for crop in JSON_LD_CROPS:
        largest = image.public_rendition(crop)
        if largest is None:
            continue
        item = {
            "@type": "ImageObject",
            "url": absolute(largest.file.url),
            "width": largest.width,
            "height": largest.height,
        }
        if image.credit_line:
            item["creditText"] = image.credit_line
        if image.copyright_notice:
            item["copyrightNotice"] = image.copyright_notice
        if image.photographer:
            item["creator"] = {"@type": "Person", "name": image.photographer}
        objects.append(item)
    return objects


def social_image(image):
    """The 1200×630 rendition for Open Graph and Twitter cards, if the image may be shown."""
    return image.public_rendition("social") if image is not None else None


def breadcrumbs(article, request):
    absolute = request.build_absolute_uri
    trail = [(settings.SITE_NAME, absolute(reverse("articles:home")))]
    if article.section_id:
        trail.append((article.section.name, absolute(article.section.get_absolute_url())))
    trail.append((article.headline, absolute(article.get_absolute_url())))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def news_article(article, request):
    absolute = request.build_absolute_uri
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": absolute(article.get_absolute_url()),
        "headline": article.headline,
        "description": article.seo_description or article.standfirst,
        "inLanguage": article.language,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": (article.updated_at or article.modified_at).isoformat(),
        "author": [
            {
                "@type": "Person",
                "name": byline.author.name,
                "url": absolute(byline.author.get_absolute_url()),
            }
            for byline in article.bylines.all()
        ],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "logo": {"@type": "ImageObject", "url": absolute(static("img/favicon.svg"))},
        },
        "image": image_objects(article.lead_image, absolute),
        "keywords": [tag.name for tag in article.tags.all()],
    }
    if article.section_id:
        data["articleSection"] = article.section.name
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": f"{correction.get_kind_display()}: {correction.text}",
            "datePublished": correction.created_at.isoformat(),
        }
        for correction in article.corrections.all()
    ]
    if corrections:
        data["correction"] = corrections
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def as_script(data):
    """Return data as JSON safe to place inside <script type="application/ld+json">."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(SCRIPT_ESCAPES))
