"""The shipped nginx site file, run for real in front of two production app servers.

Only the lines marked `# site:` (names, ports, paths, certificate) are rewritten for the test;
every limit, header and log rule is the shipped one.
"""

import os
import re
import shutil
import subprocess
import time
from contextlib import ExitStack

import pytest
import requests
from django.conf import settings

from tests.forms import as_items, form_with
from tests.scale.servers import (
    ROOT,
    free_port,
    manage,
    production_environment,
    run_sql,
    running_site,
    scratch_database,
)

pytestmark = pytest.mark.scale

TIP_LIMIT = 6  # tips an hour from one network, for this site
SITE_FILE = ROOT / "deploy" / "nginx" / "newsroom.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def site_config(tmp, http_port, https_port, app_urls, static_root, media_root):
    """The shipped site file with this machine's names, ports and paths on the marked lines."""
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    upstreams = iter(app_urls)
    lines = []
    for line in SITE_FILE.read_text().splitlines():
        if "# site: app server" in line:
            line = f"    server {next(upstreams).removeprefix('http://')};"
        elif "# site: http" in line and "https" not in line:
            line = f"    listen 127.0.0.1:{http_port};"
        elif "# site: https" in line:
            line = f"    listen 127.0.0.1:{https_port} ssl;"
        elif "# site: host" in line:
            line = "    server_name 127.0.0.1;"
        elif "ssl_certificate_key" in line:
            line = f"    ssl_certificate_key {key};"
        elif "ssl_certificate " in line:
            line = f"    ssl_certificate {cert};"
        elif "# site: logs" in line:
            line = line.replace("/var/log/nginx/", f"{tmp}/")
        elif "# site: STATIC_ROOT" in line:
            line = f"        alias {static_root}/;"
        elif "error_log /dev/null crit;" in line:
            # The one rewrite beyond the marked lines: the tip line's hidden warnings, to check.
            line = f"        error_log {tmp}/tip-line-warnings.log warn;"
        elif "# site: MEDIA_ROOT" in line:
            folder = re.search(r"/media/(\w+)/;", line).group(1)
            line = f"        alias {media_root}/{folder}/;"
        lines.append(line)
    site = "\n".join(lines)
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-main-error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{site}
}}
"""


def trusting(certificate):
    """A browser that trusts the test's own certificate (and ignores REQUESTS_CA_BUNDLE)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = str(certificate)
    return session


@pytest.fixture(scope="module")
def proxied_site(tmp_path_factory):
    if not os.path.exists(NGINX):
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed (apt-get install nginx)")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    tmp = tmp_path_factory.mktemp("nginx")
    with scratch_database(tmp, "nginx") as database_url:
        env = production_environment(
            tmp,
            database_url,
            TIPS_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
            TIPS_SUBMIT_RATE=f"{TIP_LIMIT}/h",
        )
        manage(env, "collectstatic", "--noinput", "-v0")
        with ExitStack() as running:
            facts, apps = running.enter_context(running_site(tmp, env))
            http_port, https_port = free_port(), free_port()
            config = tmp / "nginx.conf"
            config.write_text(
                site_config(
                    tmp,
                    http_port,
                    https_port,
                    [app.url for app in apps],
                    tmp / "static",
                    env["MEDIA_ROOT"],
                )
            )
            subprocess.run([NGINX, "-t", "-q", "-c", str(config)], check=True)
            nginx = subprocess.Popen([NGINX, "-c", str(config)])
            running.callback(nginx.wait, timeout=10)
            running.callback(nginx.terminate)
            base = f"https://127.0.0.1:{https_port}"
            for _ in range(100):
                try:
                    trusting(tmp / "cert.pem").get(f"{base}/robots.txt", timeout=2)
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
            yield {
                "base": base,
                "http": f"http://127.0.0.1:{http_port}",
                "tmp": tmp,
                "database": database_url,
            } | facts


@pytest.fixture
def browser(proxied_site):
    return trusting(proxied_site["tmp"] / "cert.pem")


def test_plain_http_is_sent_to_https(proxied_site):
    answer = requests.get(f"{proxied_site['http']}/es/", allow_redirects=False, timeout=10)

    assert answer.status_code == 301
    assert answer.headers["Location"].startswith("https://")


def test_pages_come_through_from_the_app_servers_with_their_headers(proxied_site, browser):
    page = browser.get(f"{proxied_site['base']}{proxied_site['article_url']}", timeout=30)

    assert page.status_code == 200
    assert "Titular antes de la edición" in page.text
    assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
    assert page.headers["X-Cache"] in ("HIT", "MISS")


def test_static_files_and_renditions_are_served_by_nginx_for_a_year(proxied_site, browser):
    page = browser.get(f"{proxied_site['base']}{proxied_site['article_url']}", timeout=30)
    css = re.search(r'href="(/static/[^"]+\.css)"', page.text).group(1)
    picture = re.search(r'src="(/media/renditions/[^"]+)"', page.text).group(1)

    for path in (css, picture):
        answer = browser.get(f"{proxied_site['base']}{path}", timeout=30)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.headers["Server"].startswith("nginx")
    assert browser.get(f"{proxied_site['base']}/media/tips/x.bin").status_code == 404


def sign_in_through_nginx(proxied_site, username):
    browser = trusting(proxied_site["tmp"] / "cert.pem")
    login = f"{proxied_site['base']}/admin/login/?next=/admin/"
    fields, _options = form_with(browser.get(login, timeout=30).text, "username")
    fields |= {"username": [username], "password": [proxied_site["password"]]}
    signed_in = browser.post(
        login,
        data=as_items(fields),
        headers={"Origin": proxied_site["base"]},
        timeout=30,
        allow_redirects=False,
    )
    assert signed_in.status_code == 302
    return browser


def test_image_originals_are_for_signed_in_staff_only(proxied_site, browser):
    [(name,)] = run_sql(
        proxied_site["database"],
        "SELECT file FROM images_image WHERE id = %s",
        (proxied_site["image_id"],),
    )
    original = f"{proxied_site['base']}/media/{name}"
    photo_editor = sign_in_through_nginx(proxied_site, "lucia")
    # Production requires two-factor for editors: without it, marta is not let in yet.
    unverified_editor = sign_in_through_nginx(proxied_site, "marta")

    seen = photo_editor.get(original, timeout=30)

    assert browser.get(original, timeout=30).status_code == 403
    assert unverified_editor.get(original, timeout=30).status_code == 403
    assert seen.status_code == 200 and seen.content[:3] == b"\xff\xd8\xff"
    assert seen.headers["Cache-Control"] == "private, max-age=3600"


def send_tip(browser, base, **extra):
    page = browser.get(f"{base}/en/tips/", timeout=30)
    fields, _options = form_with(page.text, "token")
    fields |= {"message": ["Una pista por el proxy"], "identity": ["anonymous"]}
    # Over HTTPS Django's CSRF check wants the Origin every browser sends with a POST (the tip
    # line drops the Referer before anything reads it).
    headers = {"Origin": base} | extra.pop("headers", {})
    return browser.post(
        f"{base}/en/tips/", data=as_items(fields), headers=headers, timeout=60, **extra
    )


def test_the_tip_line_takes_its_largest_upload_and_no_more(proxied_site, browser):
    limit = settings.TIPS_MAX_FILES * settings.TIPS_MAX_FILE_BYTES
    # The largest tip the app accepts fits within nginx's limit...
    small = send_tip(browser, proxied_site["base"])
    assert small.status_code == 200 and "receipt-code" in small.text
    # ...and a body bigger than every allowed file together is refused at the door.
    too_big = send_tip(
        browser,
        proxied_site["base"],
        files={"attachments": ("big.bin", b"\0" * (limit + 2 * 1024 * 1024))},
    )
    assert too_big.status_code == 413


def test_a_large_tip_is_never_written_to_nginx_temporary_files(proxied_site, browser):
    body = b"\xff\xd8 photo with its metadata " * (1024 * 1024)  # 30 MiB, under the limit

    send_tip(browser, proxied_site["base"], files={"attachments": ("big.jpg", body)})

    warnings = proxied_site["tmp"] / "tip-line-warnings.log"
    assert "buffered to a temporary file" not in (
        warnings.read_text() if warnings.exists() else ""
    )
    assert not any((proxied_site["tmp"] / "body").rglob("*.*"))


def test_a_forged_forwarded_address_does_not_escape_the_tip_rate_limit(proxied_site, browser):
    answers = [
        send_tip(browser, proxied_site["base"], headers={"X-Forwarded-For": f"10.{n}.0.1"})
        for n in range(TIP_LIMIT + 1)
    ]

    # nginx replaces the header with the real address: every tip counts against 127.0.0.1.
    assert 429 in [answer.status_code for answer in answers]


def test_the_access_log_never_records_who_asked_or_the_tip_line(proxied_site, browser):
    send_tip(browser, proxied_site["base"])
    browser.get(f"{proxied_site['base']}/es/?utm=marker", headers={"User-Agent": "MarkerAgent"})
    time.sleep(0.3)

    log = (proxied_site["tmp"] / "newsroom-access.log").read_text()

    assert '"GET /es/"' in log
    assert "/en/tips/" not in log
    assert "127.0.0.1" not in log and "MarkerAgent" not in log and "utm=marker" not in log
