import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path):
    """The shipped gunicorn.conf.py serving the project on a scratch SQLite database."""
    env = os.environ | {
        "DJANGO_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
        "GUNICORN_ERROR_LOG": str(tmp_path / "error.log"),
    }
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/robots.txt", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url, tmp_path / "access.log"
    server.terminate()
    server.wait(timeout=10)


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
