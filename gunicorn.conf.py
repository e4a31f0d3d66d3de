"""gunicorn settings for the newsroom (read automatically from the working directory).

The access log never records who asked: no client address, no user agent, no referrer, and no
query string, for any URL; and it has no line at all for the tip line. Override with
GUNICORN_* variables.
"""

import os


def env(name, default):
    """A variable, or `default` when it is unset or empty (as in newsroom/settings.py)."""
    return os.environ.get(name, "").strip() or default


bind = env("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(env("GUNICORN_WORKERS", "2"))
# Sync workers: measured fastest for uncached Django pages on small machines.
worker_class = "sync"
timeout = int(env("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycling workers costs a cold start each time; off unless asked for (0 = never).
max_requests = int(env("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = env("GUNICORN_ACCESS_LOG", "-")
errorlog = env("GUNICORN_ERROR_LOG", "-")
# Time, method and path (no query), status, bytes, duration. Deliberately no %(h)s (address),
# %(a)s (user agent), %(f)s (referrer) or %(q)s (query string).
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# And no line at all for the tip line: not even the time a source sent something.
logger_class = "newsroom.gunicorn_logging.AccessLogWithoutTipLine"
# gunicorn's control socket (for `gunicornc`) has one fixed default path per user, so two app
# servers on one machine would take it from each other: off unless a path is given.
control_socket = env("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
# Request bodies: tip attachments are limited in the app; the proxy in front enforces the total.
limit_request_line = 8190
