"""Two baselines for the page benchmarks, served by the same gunicorn as the site.

- `bare`: a WSGI app that returns the bytes of a real article page from memory, doing nothing
  else: the ceiling for any Python page, cached or not.
- `static`: the same bytes served as a static file by WhiteNoise.

BASELINE_FILE names the saved page (benchmarks/pages.py writes it).
"""

import os
from pathlib import Path

from whitenoise import WhiteNoise

PAGE = Path(os.environ["BASELINE_FILE"])
BODY = PAGE.read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def bare(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]


def _not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Length", "0")])
    return [b""]


static = WhiteNoise(_not_found, root=str(PAGE.parent), prefix="/")
