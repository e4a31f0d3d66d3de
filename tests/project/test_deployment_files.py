"""The deployment files agree with the code and with each other: every setting the code reads is
documented in .env.example, the containers and systemd units run the commands the tests run,
and nginx's upload limit is the tip line's."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
ENV_READ = re.compile(
    r"""(?:environ\.get|\benv|env_bool|env_list|getenv)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)
# Read by the code, but set by the process, not by an operator.
NOT_FOR_OPERATORS = {"DJANGO_SETTINGS_MODULE", "CI", "PYTEST_CURRENT_TEST"}


def read(path):
    return (ROOT / path).read_text()


def variables_read_by_the_code():
    names = set()
    for path in ("newsroom/settings.py", "gunicorn.conf.py"):
        names |= set(ENV_READ.findall(read(path)))
    # dj-database-url reads DATABASE_URL itself.
    assert "dj_database_url.config(" in read("newsroom/settings.py")
    return (names | {"DATABASE_URL"}) - NOT_FOR_OPERATORS


def documented_variables():
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", read(".env.example"), re.MULTILINE))


def test_every_setting_the_code_reads_is_in_env_example():
    missing = variables_read_by_the_code() - documented_variables()

    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_compose_sets_only_variables_the_code_reads():
    compose = read("compose.yaml")
    app = compose[compose.index("x-app:") : compose.index("services:")]
    names = set(re.findall(r"^\s{4}([A-Z][A-Z0-9_]+):", app, re.MULTILINE))

    assert names and names <= variables_read_by_the_code(), names


def test_containers_and_units_run_the_commands_the_tests_run():
    servers = read("tests/scale/servers.py")
    assert '["gunicorn", "--bind", f"127.0.0.1:{port}", "newsroom.wsgi"]' in servers
    assert 'CMD ["gunicorn", "newsroom.wsgi"]' in read("Dockerfile")
    assert "ExecStart=/srv/newsroom/.venv/bin/gunicorn --bind 127.0.0.1:%i newsroom.wsgi\n" in (
        read("deploy/systemd/newsroom@.service")
    )
    # The environment file must not decide the port: the command line beats GUNICORN_BIND.
    assert "\nGUNICORN_BIND=" not in read(".env.example")
    assert 'command: ["python", "manage.py", "db_worker"]' in read("compose.yaml")
    assert "manage.py db_worker" in read("deploy/systemd/newsroom-worker.service")


def test_documented_commands_are_the_shipped_ones():
    guide = read("docs/deployment.md")
    for line in read("deploy/cron/newsroom").splitlines():
        if line and not line.startswith(("#", "SHELL", "PATH")):
            assert line in guide, line
    for command in ("gunicorn newsroom.wsgi", "manage.py migrate --noinput", "check --deploy"):
        assert command in guide, command


def megabytes(value):
    return int(value.removesuffix("m")) * 1024 * 1024


def test_nginx_lets_through_the_largest_tip_and_not_much_more():
    site = read("deploy/nginx/newsroom.conf")
    tips = site[site.index('location ~ "^/[a-z]{2}/tips/"') :]
    limit = megabytes(re.search(r"client_max_body_size (\d+m);", tips).group(1))
    largest = settings.TIPS_MAX_FILES * settings.TIPS_MAX_FILE_BYTES

    assert largest < limit <= largest + 2 * 1024 * 1024


def test_every_variable_left_empty_means_its_default(tmp_path):
    """A copy of .env.example with every value blanked starts as if nothing were set: no empty
    STATIC_ROOT serving the current folder, no crash on an empty number."""
    from tests.processes import run_manage

    show = (
        "from django.conf import settings as s; "
        "print(s.STATIC_ROOT.name, s.MEDIA_ROOT.name, s.EMAIL_PORT, s.TIPS_MAX_FILES, "
        "s.PAGE_CACHE_SECONDS, s.TIME_ZONE, s.SITE_NAME == 'Mundo Abierto')"
    )
    blank = dict.fromkeys(documented_variables() - {"DJANGO_VAR_DIR"}, "")

    result = run_manage(
        "shell", "--no-imports", "-c", show, env_overrides=blank, tmp_path=tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-7:] == [
        "static", "media", "25", "5", "600", "Europe/Madrid", "True"
    ]  # fmt: skip
