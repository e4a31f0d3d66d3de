"""Static files in production: WhiteNoise serves hashed names with a year-long, immutable cache
lifetime, so a CDN or browser keeps them until a deploy changes their name."""

import re

import pytest
import requests

from tests.scale.servers import (
    manage,
    production_environment,
    scratch_database,
    start_app_server,
)

pytestmark = pytest.mark.scale

HTTPS = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front sets it


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("static")
    with scratch_database(tmp, "static") as database_url:
        env = production_environment(tmp, database_url)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "tips_keygen", str(tmp / "tips_key.json"))
        manage(env, "collectstatic", "--noinput", "-v0")
        server = start_app_server(env, tmp / "var")
        try:
            yield server
        finally:
            server.stop()


def test_pages_link_hashed_static_files_served_with_immutable_caching(production_server):
    page = requests.get(f"{production_server.url}/es/", headers=HTTPS, timeout=30)
    assert page.status_code == 200
    stylesheets = re.findall(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheets, "no hashed stylesheet linked from the home page"

    css = requests.get(f"{production_server.url}{stylesheets[0]}", headers=HTTPS, timeout=30)
    compressed = requests.get(
        f"{production_server.url}{stylesheets[0]}",
        headers=HTTPS | {"Accept-Encoding": "br, gzip"},
        timeout=30,
    )

    assert css.status_code == 200
    control = css.headers["Cache-Control"]
    assert "immutable" in control and "max-age=315360000" in control
    assert css.headers["Content-Type"].startswith("text/css")
    assert compressed.headers.get("Content-Encoding") in ("br", "gzip")


def test_an_unknown_static_file_is_a_plain_404(production_server):
    missing = requests.get(
        f"{production_server.url}/static/css/nothing.0123456789ab.css", headers=HTTPS, timeout=30
    )

    assert missing.status_code == 404
