"""With DATABASE_REPLICA_URL set, anonymous public pages read the replica; writes, the admin and
the request after a save (the editor's) read and write the primary.

The replica here is a snapshot of the primary that stopped following it, so any read that went
to it shows: its copy of the article has a headline the primary never had, and an article
published after the snapshot does not exist in it.
"""

import re

import pytest
import requests

from tests.forms import as_items, form_with
from tests.scale.servers import (
    copy_database,
    create_site,
    run_sql,
    scratch_database,
    site_environment,
    start_app_server,
)
from tests.scale.test_app_servers import sign_in

pytestmark = pytest.mark.scale

REPLICA_HEADLINE = "Titular que solo tiene la réplica"
REPLICA_SECTION = "Sección que solo tiene la réplica"


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("replica")
    with scratch_database(tmp, "primary") as primary:
        env = site_environment(tmp, primary, PAGE_CACHE_ENABLED="0")
        facts = create_site(env)
        replica, drop_replica = copy_database(tmp, primary, "replica")
        run_sql(
            replica,
            "UPDATE articles_article SET headline = %s WHERE id = %s",
            (REPLICA_HEADLINE, facts["article_id"]),
        )
        run_sql(replica, "UPDATE articles_section SET name_es = %s", (REPLICA_SECTION,))
        server = start_app_server(env | {"DATABASE_REPLICA_URL": replica}, tmp / "var")
        try:
            yield server, facts, primary, replica
        finally:
            server.stop()
            drop_replica()


def test_anonymous_public_pages_read_the_replica(replicated):
    server, facts, _primary, _replica = replicated

    page = requests.get(f"{server.url}{facts['article_url']}", timeout=30)

    assert page.status_code == 200
    assert REPLICA_HEADLINE in page.text
    # The section menu is cached for every page until a section changes: it is read from the
    # primary, so a lagging replica can never leave an old menu in the cache.
    menu = re.search(r"<nav class=\"sections\".*?</nav>", page.text, re.S).group(0)
    assert "Mundo" in menu and REPLICA_SECTION not in menu


def test_a_publish_writes_the_primary_and_the_editor_sees_it_at_once(replicated):
    server, facts, primary, replica = replicated
    editor = sign_in(server, "marta", facts["password"])
    change = f"{server.url}/admin/articles/article/{facts['draft_id']}/change/"
    fields, _options = form_with(editor.get(change, timeout=30).text, "edit_revision")
    # The admin reads the primary: its form holds the primary's text.
    assert fields["headline"] == ["Borrador listo para publicar"]
    fields["status"] = ["published"]

    saved = editor.post(change, data=as_items(fields), timeout=30, allow_redirects=False)

    assert saved.status_code == 302
    status_of = "SELECT status FROM articles_article WHERE id = %s"
    assert run_sql(primary, status_of, (facts["draft_id"],)) == [("published",)]
    assert run_sql(replica, status_of, (facts["draft_id"],)) == [("draft",)]
    # The request after the save (the editor's, with a session) reads the primary: no 404.
    article = editor.get(f"{server.url}{facts['draft_url']}", timeout=30)
    assert article.status_code == 200
    assert "Borrador listo para publicar" in article.text
    # A reader without a session reads the replica, which has not caught up here.
    assert requests.get(f"{server.url}{facts['draft_url']}", timeout=30).status_code == 404


def test_the_tip_line_writes_and_reads_the_primary(replicated):
    server, _facts, primary, replica = replicated
    source = requests.Session()
    page = source.get(f"{server.url}/en/tips/", timeout=30)
    fields, _options = form_with(page.text, "token")
    fields |= {"message": ["Una pista"], "identity": ["anonymous"]}

    sent = source.post(f"{server.url}/en/tips/", data=as_items(fields), timeout=60)

    assert sent.status_code == 200 and "receipt-code" in sent.text
    assert run_sql(primary, "SELECT count(*) FROM tips_tip") == [(1,)]
    assert run_sql(replica, "SELECT count(*) FROM tips_tip") == [(0,)]
