"""Whole-page cache for anonymous readers, with exact, tag-based invalidation.

While a page renders, everything it shows declares a dependency tag (`depends_on("article:12")`:
article URLs, author URLs and images do it themselves; list views add the lists they show, such
as "section:3" or "home:es"). The finished page is stored in the cache (Redis when REDIS_URL is
set) with the current version token of each tag. `purge("article:12", ...)` replaces those
tokens, so every page that showed the article stops matching at once, on every app server
sharing the cache. A page is also never kept past the next scheduled publication or expiry it
should reflect (`PAGE_CACHE_NEXT_CHANGE`).

Only anonymous GET/HEAD requests for pages whose view declared tags are cached; anything with a
session cookie (staff), a query string other than `?page=`, a cookie being set, or a private or
no-store response goes through untouched. Hits and misses both answer conditional requests with
304 (ETag, and Last-Modified where the view set one).
"""

import contextvars
import functools
import hashlib
import re
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe
from django.utils.module_loading import import_string

_tags = contextvars.ContextVar("page_cache_tags", default=None)
ALWAYS = ("sections", "tags", "site")
# A purge this close before a render started may not have been seen by it: do not store.
CLOCK_MARGIN = 2.0


def depends_on(*tags):
    """Declare that the page being rendered shows what these tags name."""
    current = _tags.get()
    if current is not None:
        current.update(tags)


def _tag_key(tag):
    return f"pc:tag:{tag}"


def purge(*tags):
    """Invalidate every cached page that declared any of these tags."""
    if not tags:
        return
    stamp = time.time()
    cache.set_many(
        {_tag_key(tag): (secrets.token_hex(6), stamp) for tag in set(tags)},
        timeout=None,
    )
    cache.delete("pc:next-change")


def _tag_states(tags):
    keys = [_tag_key(tag) for tag in tags]
    found = cache.get_many(keys)
    missing = {key: (secrets.token_hex(6), 0.0) for key in keys if key not in found}
    if missing:
        # add() so two servers initialising the same tag agree on one token.
        for key, value in missing.items():
            cache.add(key, value, timeout=None)
        found |= cache.get_many(list(missing))
    return [found.get(key, (None, time.time())) for key in keys]


def next_change_at():
    """When the next scheduled publication, expiry or rights end will change some page."""
    value = cache.get("pc:next-change")
    if value is None:
        value = import_string(settings.PAGE_CACHE_NEXT_CHANGE)() or float("inf")
        cache.set("pc:next-change", value, timeout=settings.PAGE_CACHE_SECONDS)
    return value


# Never cached: the admin, previews, search results, the tip line, and files.
_EXCLUDED = re.compile(r"^/(admin|i18n|media|static)/|^/[a-z]{2}/(tips|preview|search)/")


def _page_key(request):
    raw = f"{request.get_host()}{request.get_full_path()}"
    return "pc:page:" + hashlib.sha256(raw.encode()).hexdigest()


def _cacheable_request(request):
    if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    if set(request.GET) - {"page"}:
        return False
    return not _EXCLUDED.match(request.path_info)


def _cacheable_response(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def _conditional(request, response):
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return get_conditional_response(
        request, etag=response.get("ETag"), last_modified=last_modified, response=response
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _page_key(request)
        entry = cache.get(key)
        if entry is not None and time.time() < entry["until"]:
            states = _tag_states(entry["tags"])
            if [token for token, _stamp in states] == entry["tokens"]:
                return _conditional(request, self._from_entry(entry, "HIT"))

        started = time.time()
        collected = set(ALWAYS)
        context_token = _tags.set(collected)
        try:
            response = self.get_response(request)
        finally:
            _tags.reset(context_token)
        if not _cacheable_response(response) or getattr(request, "page_cache_skip", False):
            return response
        if not getattr(request, "page_cache_tags", None):
            return response
        collected.update(request.page_cache_tags)
        self._prepare(response)
        tags = sorted(collected)
        states = _tag_states(tags)
        if all(stamp < started - CLOCK_MARGIN for _token, stamp in states):
            until = min(started + settings.PAGE_CACHE_SECONDS, next_change_at())
            cache.set(
                key,
                {
                    "tags": tags,
                    "tokens": [token for token, _stamp in states],
                    "until": until,
                    "content": response.content,
                    "headers": list(response.items()),
                },
                timeout=max(1, int(until - time.time())),
            )
        response["X-Cache"] = "MISS"
        return _conditional(request, response)

    @staticmethod
    def _prepare(response):
        if not response.has_header("ETag"):
            response["ETag"] = f'"{hashlib.md5(response.content).hexdigest()}"'
        if not response.has_header("Last-Modified"):
            # The page is what it was when rendered, until a purge makes a new one.
            response["Last-Modified"] = http_date()
        patch_cache_control(
            response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_CDN_SECONDS
        )
        if settings.PAGE_CACHE_CDN_SECONDS == 0:
            patch_cache_control(response, must_revalidate=True)

    @staticmethod
    def _from_entry(entry, state):
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"]:
            response[name] = value
        response["X-Cache"] = state
        return response


def declare(request, *tags):
    """Views call this to mark their page cacheable and name the lists it shows."""
    existing = getattr(request, "page_cache_tags", set())
    request.page_cache_tags = existing | set(tags)


def cached_page(*tags):
    """Decorate a function view whose page may be cached under these tags."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            declare(request, *tags)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
