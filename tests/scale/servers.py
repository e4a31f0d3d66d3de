"""Start real app servers for tests: the shipped gunicorn.conf.py, configured by environment only.

The commands are the ones docs/deployment.md gives: `manage.py migrate`, then
`gunicorn newsroom.wsgi` with GUNICORN_BIND, DATABASE_URL, REDIS_URL, MEDIA_ROOT and the rest in
the environment. Each server gets its own DJANGO_VAR_DIR, so nothing it needs can come from
another's local disk.
"""

import http.client
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
# A Redis database of its own, emptied before use, so no test shares keys with another.
SCALE_REDIS_DB = 9


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *args):
    """Run a manage.py command in the given environment; return its standard output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def create_site(env):
    """Migrate the site's database and fill it with tests/scale/site.py; return its facts."""
    manage(env, "migrate", "--noinput", "-v0")
    code = "from tests.scale.site import create; create()"
    return json.loads(manage(env, "shell", "--no-imports", "-c", code))


def using_postgres():
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@contextmanager
def scratch_database(tmp_path, name):
    """A new, empty database of the kind the suite runs on; yields its URL."""
    if not using_postgres():
        yield f"sqlite:///{tmp_path / (name + '.sqlite3')}"
        return
    database = f"newsroom_{name}_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{database}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def copy_database(tmp_path, source_url, name):
    """A snapshot of a database under a new name: a replica that stopped following."""
    if source_url.startswith("sqlite:///"):
        target = tmp_path / f"{name}.sqlite3"
        target.write_bytes(Path(source_url.removeprefix("sqlite:///")).read_bytes())
        return f"sqlite:///{target}", lambda: None
    source = source_url.rsplit("/", 1)[1]
    target = f"{source}_{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}" STRATEGY FILE_COPY')

    def drop():
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')

    return f"postgres://postgres@127.0.0.1:5432/{target}", drop


def run_sql(database_url, sql, params=()):
    """Run one statement straight on a database (no Django); return the rows it gives."""
    if database_url.startswith("sqlite:///"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            with connection:  # commits
                return connection.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            connection.close()
    conninfo = database_url.replace("postgres://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as connection:
        cursor = connection.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def shared_redis_url():
    """The Redis all servers of a test share, emptied; skips the test if there is none."""
    url = f"redis://127.0.0.1:6379/{SCALE_REDIS_DB}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("several app servers share Redis; it is not running on 127.0.0.1:6379")
    return url


def site_environment(tmp_path, database_url, **extra):
    """What every app server of one site shares: the database, Redis, media and secrets."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "GUNICORN_", "PYTEST_"))
    }
    env |= {
        "DATABASE_URL": database_url,
        "REDIS_URL": shared_redis_url(),
        "MEDIA_ROOT": str(tmp_path / "shared-media"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_VAR_DIR": str(tmp_path / "setup-var"),
        "TIPS_MIN_FILL_SECONDS": "0",
    }
    return env | extra


def production_environment(tmp_path, database_url, **extra):
    """site_environment in production mode, serving 127.0.0.1, static files in tmp_path."""
    return site_environment(
        tmp_path,
        database_url,
        DJANGO_ENV="production",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp_path / "static"),
        **extra,
    )


class AppServer:
    def __init__(self, url, process, access_log, error_log):
        self.url, self.process = url, process
        self.access_log, self.error_log = access_log, error_log

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=15)


def start_app_server(env, var_dir, workers=2):
    """`gunicorn --bind 127.0.0.1:PORT newsroom.wsgi` with the shipped gunicorn.conf.py."""
    port = free_port()
    var_dir.mkdir(parents=True, exist_ok=True)
    access_log, error_log = var_dir / "access.log", var_dir / "error.log"
    server_env = env | {
        "DJANGO_VAR_DIR": str(var_dir),
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_ACCESS_LOG": str(access_log),
        "GUNICORN_ERROR_LOG": str(error_log),
    }
    # The command deploy/systemd/newsroom@.service runs.
    command = ["gunicorn", "--bind", f"127.0.0.1:{port}", "newsroom.wsgi"]
    process = subprocess.Popen([sys.executable, "-m", *command], cwd=ROOT, env=server_env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            # Any HTTP answer will do (production answers plain HTTP with a redirect to HTTPS).
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/robots.txt")
            probe.getresponse()
            probe.close()
            return AppServer(url, process, access_log, error_log)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                problem = error_log.read_text() if error_log.exists() else ""
                raise RuntimeError(f"the app server did not start:\n{problem}") from None
            time.sleep(0.2)


@contextmanager
def running_site(tmp_path, env, servers=2):
    """A site in env's database (tips key included) served by `servers` app servers.

    Yields (facts about the site, [AppServer, ...]); the servers stop on the way out.
    """
    key_file = tmp_path / "tips_key.json"
    manage(env, "tips_keygen", str(key_file))
    env["TIPS_PRIVATE_KEY_FILE"] = str(key_file)
    facts = create_site(env)
    with ExitStack() as running:
        started = []
        for number in range(servers):
            server = start_app_server(env, tmp_path / f"var-{number}")
            running.callback(server.stop)
            started.append(server)
        yield facts, started
