"""Reading public pages from a read replica (on when DATABASE_REPLICA_URL is set).

Only reads that cannot need the newest data go to the replica: GET and HEAD requests for public
pages from a browser without a session. Everything else reads the primary: the admin, the tip
line, previews and every POST; and every request that carries a session cookie, which only staff
have (readers and sources never get a session). So an editor who has just saved sees the saved
version everywhere, the public pages included: read-your-writes, whatever the replica's lag.
Every write goes to the primary, always.

A replica lags the primary by a little. The page cache allows for that lag
(DATABASE_REPLICA_MAX_LAG_SECONDS): a page rendered that soon after a purge of what it shows is
not stored, so a page rendered from a replica that had not caught up is never kept.
"""

import re
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"

_use_replica = ContextVar("use_replica", default=False)

# Paths that always read the primary: the admin, the tip line, previews, language switching.
_PRIMARY_ONLY = re.compile(r"^/(admin|i18n)/|^/[a-z]{2}/(tips|preview)/")


def replica_configured():
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Send a request's reads to the replica when ReplicaMiddleware allowed it; writes never."""

    def db_for_read(self, model, **hints):
        return REPLICA if _use_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same database.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary; migrations run on the primary only.
        return db == "default"


@contextmanager
def reading_primary():
    """Read the primary inside this block, whatever the request: for values cached for everyone
    (the section menu, the next scheduled change), which a lagging replica would keep stale."""
    token = _use_replica.set(False)
    try:
        yield
    finally:
        _use_replica.reset(token)


def may_read_replica(request):
    if not replica_configured() or request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return not _PRIMARY_ONLY.match(request.path_info)


class ReplicaMiddleware:
    """Choose the database this request reads from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _use_replica.set(may_read_replica(request))
        try:
            return self.get_response(request)
        finally:
            _use_replica.reset(token)
