from django import template

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def picture(image, crop="original", sizes="100vw", lazy=False, alt=None):
    """Render <picture> with WebP and JPEG srcsets of one crop, sized to avoid layout shift."""
    by_format = image.renditions_for(crop)
    fallback = by_format.get("jpeg") or []
    if not fallback:
        return {"image": image, "fallback": None}
    largest = fallback[-1]
    return {
        "image": image,
        "alt": image.alt_text if alt is None else alt,
        "webp_srcset": ", ".join(f"{r.file.url} {r.width}w" for r in by_format.get("webp", [])),
        "jpeg_srcset": ", ".join(f"{r.file.url} {r.width}w" for r in fallback),
        "fallback": largest,
        "sizes": sizes,
        "lazy": lazy,
    }


@register.filter
def absolute_url(url, request):
    """`url` on this site's host, or as it is when already absolute (media on object storage)."""
    return request.build_absolute_uri(url)
