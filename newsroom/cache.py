"""Django's Redis cache backend, keeping one Redis client per connection pool, and surviving
Redis going away.

Django's RedisCacheClient builds a new redis.Redis object on every cache call; on a cached page
that object construction cost more than the network round trip (see benchmarks/RESULTS.md).
redis.Redis clients are thread-safe and share their pool, so one per pool is enough.

If Redis cannot be reached, every cache call behaves as a miss (reads find nothing, writes are
dropped) and a warning is logged, so the site keeps serving pages uncached instead of failing.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def degrade(fallback):
    """Run a cache operation; if Redis is unreachable, log it and return `fallback()`."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except RedisError as error:
                logger.warning("Redis unavailable, serving without the cache: %s", error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


def _unavailable_incr(*args, **kwargs):
    # What Django's cache API raises for a missing key; rate limiters handle it (see README).
    raise ValueError("the cache is unavailable")


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    get = degrade(lambda self, key, default: default)(DjangoRedisCacheClient.get)
    get_many = degrade(lambda *a: {})(DjangoRedisCacheClient.get_many)
    has_key = degrade(lambda *a: False)(DjangoRedisCacheClient.has_key)
    add = degrade(lambda *a: False)(DjangoRedisCacheClient.add)
    set = degrade(lambda *a: None)(DjangoRedisCacheClient.set)
    set_many = degrade(lambda *a: [])(DjangoRedisCacheClient.set_many)
    touch = degrade(lambda *a: False)(DjangoRedisCacheClient.touch)
    delete = degrade(lambda *a: False)(DjangoRedisCacheClient.delete)
    delete_many = degrade(lambda *a: None)(DjangoRedisCacheClient.delete_many)
    incr = degrade(_unavailable_incr)(DjangoRedisCacheClient.incr)
    clear = degrade(lambda *a: False)(DjangoRedisCacheClient.clear)

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
