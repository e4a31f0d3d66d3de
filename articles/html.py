"""Allowlist sanitizing of article body HTML with nh3 (the Ammonia sanitizer)."""

import re

import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "hr",
    "figure",
    "figcaption",
    "cite",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
WORDS_PER_MINUTE = 200


def sanitize_body(html):
    """Return the body with every tag, attribute and URL scheme outside the allowlist removed."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        clean_content_tags={"script", "style", "template", "iframe", "object"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def word_count(html):
    return len(re.findall(r"\w+", strip_tags(html or "")))


def reading_minutes(html):
    return max(1, round(word_count(html) / WORDS_PER_MINUTE))
