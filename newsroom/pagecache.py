"""Whole-page cache for anonymous readers, with exact, tag-based invalidation.

Each cacheable view declares what its page shows as tags (`declare(request, "article:12",
"section:3")`, or `cached_page("sitemap")` on function views); every page also carries ALWAYS
(the menu and the names in bylines). The finished page is stored in the cache (Redis when
REDIS_URL is set) and registered under each of its tags. `purge("article:12", ...)` deletes
every page registered under the tag, so every page that showed the article is gone at once, on
every app server sharing the cache; a hit is then a single cache read. A page is also never kept
past the next scheduled publication or expiry it should reflect (`PAGE_CACHE_NEXT_CHANGE`).

Only anonymous GET/HEAD requests for pages whose view declared tags are cached; anything with a
session cookie (staff), a query string other than `?page=`, a cookie being set, or a private or
no-store response goes through untouched. Hits and misses both answer conditional requests with
304 (ETag, and Last-Modified where the view set one).
"""

import functools
import hashlib
import logging
import pickle
import re
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.signals import request_finished, request_started
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

from newsroom.cache import RedisCache
from newsroom.replica import reading_primary

logger = logging.getLogger(__name__)

# Every page shows the section menu, and may show any tag's or author's name.
ALWAYS = ("sections", "tags", "authors", "site")
# A purge this close before a render started may not have been seen by it: do not store.
CLOCK_MARGIN = 2.0


def _stamp_key(tag):
    return f"pc:purged:{tag}"


def _set_key(tag):
    return f"pc:pages:{tag}"


def _paths_key(tag):
    return f"pc:paths:{tag}"


class _Registry:
    """Which cached pages declared which tag, so a purge deletes exactly those pages.

    With Redis, atomic set operations on the shared server (every app server sees the same
    registry); with the local-memory cache, a dict in this process, like the cache itself.
    Each tag also records the paths (with their `?page=N`) of its pages, which a purge returns
    for the CDN (newsroom/cdn.py).
    """

    def __init__(self):
        self.local = {}
        self.lock = threading.Lock()

    @staticmethod
    def redis():
        backend = caches["default"]
        if isinstance(backend, RedisCache):
            return backend._cache.get_client(write=True)
        return None

    def add(self, page_key, tags, path=None):
        client = self.redis()
        if client is None:
            with self.lock:
                for tag in tags:
                    self.local.setdefault(tag, {})[page_key] = path
            return
        full_key = cache.make_key(page_key)
        # A set outlives none of its pages by much: pages live at most PAGE_CACHE_SECONDS.
        lifetime = settings.PAGE_CACHE_SECONDS + 60
        # A CDN may keep a copy of a page for PAGE_CACHE_CDN_SECONDS after its last hit here.
        paths_lifetime = lifetime + settings.PAGE_CACHE_CDN_SECONDS
        try:
            with client.pipeline(transaction=False) as pipe:
                for tag in tags:
                    pipe.sadd(cache.make_key(_set_key(tag)), full_key)
                    pipe.expire(cache.make_key(_set_key(tag)), lifetime)
                    if path is not None:
                        pipe.sadd(cache.make_key(_paths_key(tag)), path)
                        pipe.expire(cache.make_key(_paths_key(tag)), paths_lifetime)
                pipe.execute()
        except RedisError:
            cache.delete(page_key)  # unregistered pages must not be kept

    def pop(self, tags):
        """Forget these tags; delete every page registered under them; return their paths."""
        client = self.redis()
        if client is None:
            with self.lock:
                pages = {}
                for tag in tags:
                    pages.update(self.local.pop(tag, {}))
            cache.delete_many(list(pages))
            return {path for path in pages.values() if path is not None}
        set_keys = [cache.make_key(_set_key(tag)) for tag in tags]
        paths_keys = [cache.make_key(_paths_key(tag)) for tag in tags]
        try:
            with client.pipeline(transaction=False) as pipe:
                for key in (*set_keys, *paths_keys):
                    pipe.smembers(key)
                found = pipe.execute()
            members = set().union(*found[: len(set_keys)])
            paths = set().union(*found[len(set_keys) :])
            with client.pipeline(transaction=False) as pipe:
                if members:
                    pipe.delete(*members)
                pipe.delete(*set_keys, *paths_keys)
                pipe.execute()
        except RedisError:
            # Redis away: nothing can be served from it now; entries it kept expire within
            # PAGE_CACHE_SECONDS once it is back (see README).
            logger.warning("Redis unavailable: the page cache purge of %s was skipped", tags)
            return set()
        return {path.decode("utf-8", "surrogateescape") for path in paths}


_registry = _Registry()


def purge(*tags, paths=()):
    """Delete every cached page that declared any of these tags, on every app server.

    With CDN_PURGE_URL set, a task then asks the CDN to drop the paths of those pages, the
    pages showing the tags' content whether cached here or not (PAGE_CACHE_TAG_PATHS), and
    `paths`, pages the caller knows of that a lookup after the commit cannot find (a deleted
    article's address).
    """
    tags = set(tags)
    if not tags:
        return
    # Stamp first: a page whose render overlaps this purge sees the stamp and is not kept.
    cache.set_many(
        {_stamp_key(tag): time.time() for tag in tags}, timeout=settings.PAGE_CACHE_SECONDS + 60
    )
    purged = _registry.pop(tags)
    cache.delete("pc:next-change")
    if settings.CDN_PURGE_URL:
        pending = _cdn_pending.get()
        if pending is None:
            _purge_cdn(purged | set(paths), tags)
        else:
            pending[0].update(purged, paths)
            pending[1].update(tags)


# CDN purges asked for while a request is handled are sent once, when it has finished: one
# admin save purges several times (the article, its bylines, its tags). Elsewhere (the worker,
# commands) each purge is sent at once.
_cdn_pending = ContextVar("cdn_pending", default=None)


def _collect_cdn_purges(**kwargs):
    _cdn_pending.set((set(), set()))


def _send_cdn_purges(**kwargs):
    pending = _cdn_pending.get()
    _cdn_pending.set(None)
    if pending and (pending[0] or pending[1]):
        _purge_cdn(*pending)


request_started.connect(_collect_cdn_purges, dispatch_uid="pagecache-collect-cdn-purges")
request_finished.connect(_send_cdn_purges, dispatch_uid="pagecache-send-cdn-purges")


def _purge_cdn(paths, tags):
    """Queue the CDN purge task (newsroom/tasks.py); a failure to queue is logged, not raised."""
    from newsroom.tasks import enqueue_on_commit, purge_cdn

    try:
        enqueue_on_commit(purge_cdn, sorted(paths), sorted(tags))
    except Exception as error:  # a purge must never break the save that caused it
        logger.warning(
            "The CDN purge of %s could not be queued: %s", sorted(paths), type(error).__name__
        )


def _store(key, entry, tags, started, path=None):
    """Keep a rendered page unless a purge of one of its tags overlapped its render."""
    cache.set(key, entry, timeout=max(1, int(entry["until"] - time.time())))
    _registry.add(key, tags, path)
    # Checked after registering, so a purge is either seen here or finds the page registered.
    stamps = cache.get_many([_stamp_key(tag) for tag in tags])
    # With a read replica, a render this soon after a purge may have read data from before it.
    margin = CLOCK_MARGIN + settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    if any(stamp >= started - margin for stamp in stamps.values()):
        cache.delete(key)
        return False
    return True


def next_change_at():
    """When the next scheduled publication, expiry or rights end will change some page."""
    value = cache.get("pc:next-change")
    if value is None:
        with reading_primary():  # cached for every page: never from a lagging replica
            value = import_string(settings.PAGE_CACHE_NEXT_CHANGE)() or float("inf")
        cache.set("pc:next-change", value, timeout=settings.PAGE_CACHE_SECONDS)
    return value


# Never cached: the admin, previews, search results, the tip line, and files.
_EXCLUDED = re.compile(r"^/(admin|i18n|media|static)/|^/[a-z]{2}/(tips|preview|search)/")


# The only query string a cached page may have: a page number.
_QUERY = re.compile(r"^(page=\d{1,6})?$")


def _environ_key(environ):
    """The cache key of a request, or None if the request may not be served from the cache.

    Works on the WSGI environ so the fast path below and the middleware agree exactly.
    """
    if not settings.PAGE_CACHE_ENABLED or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    if f"{settings.SESSION_COOKIE_NAME}=" in environ.get("HTTP_COOKIE", ""):
        return None
    path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
    if not _QUERY.match(query) or _EXCLUDED.match(path):
        return None
    raw = f"{host}{environ.get('SCRIPT_NAME', '')}{path}?{query}"
    return "pc:page:" + hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


def _fresh_entry(key):
    """The cached page under `key` unless it is past its time (purges delete it outright)."""
    client = _registry.redis()
    if client is None:
        entry = cache.get(key)
    else:
        # Straight to Redis: Django's per-call key validation costs as much as the read.
        try:
            raw = client.get(cache.make_key(key))
        except RedisError:
            return None  # Redis away: render the page (newsroom/cache.py logs it)
        entry = pickle.loads(raw) if raw is not None else None
    if entry is None or time.time() >= entry["until"]:
        return None
    return entry


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
        key = _environ_key(request.META)
        if key is None:
            return self.get_response(request)
        entry = _fresh_entry(key)
        if entry is not None:
            return _conditional(request, self._from_entry(entry, "HIT"))

        started = time.time()
        response = self.get_response(request)
        declared = getattr(request, "page_cache_tags", None)
        if not declared or not _cacheable_response(response):
            return response
        self._prepare(response)
        entry = {
            "until": min(started + settings.PAGE_CACHE_SECONDS, next_change_at()),
            "content": response.content,
            "headers": list(response.items()),
        }
        # Paths are recorded only for the CDN purge hook: no extra Redis work without one.
        path = request.get_full_path() if settings.CDN_PURGE_URL else None
        if not _store(key, entry, sorted(declared | set(ALWAYS)), started, path):
            # Rendered while (or, with a lagging replica, just after) a purge of what it shows:
            # a CDN must not keep it either; it asks again next time.
            patch_cache_control(response, s_maxage=0, must_revalidate=True)
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


class FastPath:
    """WSGI wrapper that answers cache hits before Django builds a request at all.

    Misses (and everything not cacheable) go to Django, where PageCacheMiddleware renders and
    stores the page. A hit costs one cache round trip and no Python page work.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        key = _environ_key(environ)
        entry = _fresh_entry(key) if key is not None else None
        if entry is None:
            return self.application(environ, start_response)
        headers = [*entry["headers"], ("X-Cache", "HIT")]
        conditional = "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
        if conditional and _not_modified(environ, dict(entry["headers"])):
            kept = {"etag", "last-modified", "cache-control", "vary", "expires"}
            start_response("304 Not Modified", [(k, v) for k, v in headers if k.lower() in kept])
            return [b""]
        start_response("200 OK", headers)
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else entry["content"]]


def _not_modified(environ, headers):
    etag = headers.get("ETag")
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return bool(etag) and (if_none_match.strip() == "*" or etag in if_none_match)
    if "HTTP_IF_MODIFIED_SINCE" not in environ:
        return False
    since = parse_http_date_safe(environ["HTTP_IF_MODIFIED_SINCE"])
    modified = parse_http_date_safe(headers.get("Last-Modified", ""))
    return since is not None and modified is not None and modified <= since
