import os
import time
import urllib.request

import pytest

from tests.scale.servers import manage, start_app_server


@pytest.fixture
def gunicorn(tmp_path):
    """The shipped gunicorn.conf.py serving the project on a scratch SQLite database."""
    env = os.environ | {
        "DJANGO_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "--noinput", "-v0")
    server = start_app_server(env, tmp_path / "var")
    yield server.url, server.access_log
    server.stop()


def test_access_log_leaves_out_address_agent_referrer_and_query(gunicorn):
    url, log = gunicorn
    request = urllib.request.Request(
        f"{url}/en/tips/?article=42",
        headers={"User-Agent": "MarkerAgent/1.0", "Referer": "https://marker.example/"},
    )

    assert urllib.request.urlopen(request, timeout=10).status == 200
    time.sleep(0.3)

    lines = log.read_text().splitlines()
    tip_lines = [line for line in lines if "/en/tips/" in line]
    assert tip_lines and '"GET /en/tips/" 200' in tip_lines[0]
    for line in lines:
        assert "127.0.0.1" not in line
        assert "MarkerAgent" not in line and "marker.example" not in line
        assert "article=42" not in line
