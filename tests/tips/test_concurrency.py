import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from tests.images import files
from tips.models import Tip, TipAttachment

pytestmark = pytest.mark.django_db(transaction=True)

SOURCES = 50


def send_one(base_url, number):
    """One source's browser: load the form, then send a message and a photo."""
    session = requests.Session()
    page = session.get(f"{base_url}/en/tips/", timeout=60).text
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|token)" value="([^"]+)"', page))
    response = session.post(
        f"{base_url}/en/tips/",
        data={**fields, "message": f"Concurrent tip {number}", "identity": "anonymous"},
        files={"attachments": (f"photo{number}.jpg", files.jpeg(size=(60, 40)), "image/jpeg")},
        headers={"Referer": f"{base_url}/en/tips/"},
        timeout=120,
    )
    return response.status_code, "receipt-code" in response.text


def test_fifty_concurrent_submissions_are_all_stored_with_their_files(
    live_server, settings, media_root
):
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL; the in-memory SQLite test database locks")
    settings.TIPS_SUBMIT_RATE = "1000/m"

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda n: send_one(live_server.url, n), range(SOURCES)))

    assert results == [(200, True)] * SOURCES
    assert Tip.objects.count() == SOURCES
    assert TipAttachment.objects.count() == SOURCES
    assert all((media_root / a.file.name).stat().st_size > 0 for a in TipAttachment.objects.all())
    assert len(set(Tip.objects.values_list("receipt_hash", flat=True))) == SOURCES
