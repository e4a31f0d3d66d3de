from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """List each site language with the URL of this page, or its translation, in that language."""
    request = context["request"]
    translation = context.get("translation")
    article = context.get("article")
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            url = request.path
        elif article is not None:
            url = translation.get_absolute_url() if translation else f"/{code}/"
        else:
            url = translate_url(request.path, code)
        info = get_language_info(code)
        links.append(
            {"code": code, "name": info["name_local"], "url": url, "is_current": code == current}
        )
    return links


@register.filter
def usable_image(image):
    """Return the image when its usage rights allow showing it, else None."""
    if image is not None and image.is_usable():
        return image
    return None
