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
    for path in ("/es/?utm=marker", "/en/tips/?article=42"):
        request = urllib.request.Request(
            f"{url}{path}",
            headers={"User-Agent": "MarkerAgent/1.0", "Referer": "https://marker.example/"},
        )
        assert urllib.request.urlopen(request, timeout=10).status == 200
    time.sleep(0.3)

    lines = log.read_text().splitlines()

    assert any('"GET /es/" 200' in line for line in lines)
    for line in lines:
        assert "127.0.0.1" not in line
        assert "MarkerAgent" not in line and "marker.example" not in line
        assert "utm=marker" not in line and "article=42" not in line


def test_access_log_has_no_line_for_the_tip_line(gunicorn):
    url, log = gunicorn
    assert urllib.request.urlopen(f"{url}/en/tips/", timeout=10).status == 200
    assert urllib.request.urlopen(f"{url}/es/", timeout=10).status == 200
    time.sleep(0.3)

    lines = log.read_text().splitlines()

    assert any('"GET /es/"' in line for line in lines)
    assert not any("/tips/" in line for line in lines)
