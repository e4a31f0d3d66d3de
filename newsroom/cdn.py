"""The CDN purge hook: POST the paths of purged pages to CDN_PURGE_URL (off when empty).

The request is `POST <CDN_PURGE_URL>` with `Content-Type: application/json`, the body
`{"paths": ["/es/", "/es/americas/some-story/", "/es/?page=2"]}` (absolute paths with their
`?page=N`, no host, each once, sorted; at most BATCH paths per request), and
`Authorization: Bearer <CDN_PURGE_TOKEN>` when a token is set. Any 2xx answer counts as done.

It runs as a background task (newsroom/tasks.py) once the save has committed. A CDN that is
slow, failing or away never breaks a save: each request has a timeout (CDN_PURGE_TIMEOUT), and a
failure is logged with the paths and the status (or the kind of connection error) only.
Redirects are not followed, so the token never travels to another address.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)

BATCH = 500


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx status


_opener = urllib.request.build_opener(_NoRedirects)


def send_purge(paths):
    """POST `paths` to the CDN hook in batches; return {"sent": n, "failed": n} (paths)."""
    paths = sorted(set(paths))
    done = {"sent": 0, "failed": 0}
    if not settings.CDN_PURGE_URL or not paths:
        return done
    for start in range(0, len(paths), BATCH):
        batch = paths[start : start + BATCH]
        status = _post(batch)
        if isinstance(status, int) and 200 <= status < 300:
            done["sent"] += len(batch)
        else:
            done["failed"] += len(batch)
            logger.warning("CDN purge failed (%s) for %s", status, batch)
    return done


def _post(paths):
    """Send one batch; return the HTTP status, or the name of the error that prevented one."""
    headers = {"Content-Type": "application/json", "User-Agent": "newsroom-cdn-purge"}
    if settings.CDN_PURGE_TOKEN:
        headers["Authorization"] = f"Bearer {settings.CDN_PURGE_TOKEN}"
    request = urllib.request.Request(
        settings.CDN_PURGE_URL,
        data=json.dumps({"paths": paths}).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with _opener.open(request, timeout=settings.CDN_PURGE_TIMEOUT) as response:
            response.read(65536)
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code
    except urllib.error.URLError as error:
        reason = error.reason
        return type(reason).__name__ if isinstance(reason, BaseException) else "URLError"
    except (OSError, ValueError) as error:  # timeouts, resets, a malformed URL
        return type(error).__name__
