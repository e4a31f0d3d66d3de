"""Two app servers on different ports, sharing the database, Redis and media, behave as one site.

Both are the shipped gunicorn configuration, started with the commands docs/deployment.md gives;
each has its own DJANGO_VAR_DIR, so nothing a request needs can come from one server's disk.
"""

import re
import time

import pytest
import requests

from tests.forms import as_items, form_with
from tests.scale.servers import (
    running_site,
    scratch_database,
    site_environment,
)

pytestmark = pytest.mark.scale


class Site:
    def __init__(self, a, b, facts):
        self.a, self.b, self.facts = a, b, facts


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("two-servers")
    with scratch_database(tmp, "scale") as database_url:
        env = site_environment(tmp, database_url, TIPS_SUBMIT_RATE="3/h")
        with running_site(tmp, env) as (facts, (a, b)):
            yield Site(a, b, facts)


def sign_in(server, username, password):
    browser = requests.Session()
    browser.headers["Accept-Language"] = "en"
    page = browser.get(f"{server.url}/admin/login/?next=/admin/", timeout=30)
    fields, _options = form_with(page.text, "username")
    fields |= {"username": [username], "password": [password]}
    answer = browser.post(page.url, data=as_items(fields), timeout=30, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:500]
    return browser


def edit_article(browser, server, article_id, **changes):
    url = f"{server.url}/admin/articles/article/{article_id}/change/"
    page = browser.get(url, timeout=30)
    fields, _options = form_with(page.text, "edit_revision")
    for name, value in changes.items():
        fields[name] = [value]
    return browser.post(url, data=as_items(fields), timeout=30, allow_redirects=False)


def anonymous_get(server, path):
    return requests.get(f"{server.url}{path}", timeout=30)


def cached_on(server, path):
    """The page once the server answers it from its cache (a page rendered within seconds of a
    purge of what it shows is not kept, and the site was just created)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        response = anonymous_get(server, path)
        if response.headers.get("X-Cache") == "HIT":
            return response
        time.sleep(0.5)
    raise AssertionError(f"{path} never came from the cache")


def test_a_save_on_one_server_is_on_the_other_servers_cached_pages_at_once(site):
    path = site.facts["article_url"]
    for page in (path, "/es/"):
        assert "Titular antes de la edición" in cached_on(site.b, page).text
    editor = sign_in(site.a, "marta", site.facts["password"])

    saved = edit_article(
        editor, site.a, site.facts["article_id"], headline="Titular después de la edición"
    )

    assert saved.status_code == 302
    for page in (path, "/es/"):
        fresh = anonymous_get(site.b, page)
        assert "Titular después de la edición" in fresh.text, page
        assert "Titular antes de la edición" not in fresh.text, page


def test_a_staff_session_started_on_one_server_is_valid_on_the_other(site):
    editor = sign_in(site.a, "marta", site.facts["password"])

    on_b = editor.get(f"{site.b.url}/admin/", timeout=30, allow_redirects=False)

    assert on_b.status_code == 200
    assert "marta" in on_b.text.lower()


def test_an_editor_on_one_server_is_warned_about_a_colleague_on_the_other(site):
    marta = sign_in(site.a, "marta", site.facts["password"])
    pablo = sign_in(site.b, "pablo", site.facts["password"])
    change = f"/admin/articles/article/{site.facts['article_id']}/change/"

    marta.get(f"{site.a.url}{change}", timeout=30)
    page = pablo.get(f"{site.b.url}{change}", timeout=30)

    assert "marta opened this article" in page.text.lower()


def send_tip(server, text):
    source = requests.Session()
    page = source.get(f"{server.url}/en/tips/", timeout=30)
    fields, _options = form_with(page.text, "token")
    fields |= {"message": [text], "identity": ["anonymous"]}
    return source.post(f"{server.url}/en/tips/", data=as_items(fields), timeout=60)


def test_tip_rate_limits_count_across_servers_and_receipts_work_on_either(site):
    # The limit for this site is 3 an hour from one network; 127.0.0.1 is one network.
    answers = [send_tip(server, "Pista") for server in (site.a, site.b, site.a, site.b)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    code = re.search(r'data-testid="receipt-code">([^<]+)<', answers[0].text).group(1)
    source = requests.Session()
    page = source.get(f"{site.b.url}/en/tips/follow-up/", timeout=30)
    fields, _options = form_with(page.text, "code")
    fields |= {"code": [code]}
    signed_in = source.post(page.url, data=as_items(fields), timeout=60)
    assert signed_in.status_code == 200
    assert "Close this page" in signed_in.text
