import re

import pytest
from django.core.cache import cache

from tips import crypto
from tips.forms import new_form_token


@pytest.fixture(autouse=True)
def tips_key(settings, tmp_path):
    """A real key pair in a temporary file, as a desk host would hold it."""
    path = tmp_path / "keys" / "tips_key.json"
    public = crypto.generate_key_file(path)
    settings.TIPS_PUBLIC_KEY = public
    settings.TIPS_PRIVATE_KEY_FILES = [str(path)]
    settings.TIPS_DEVELOPMENT_KEY_FILE = None
    settings.TIPS_MIN_FILL_SECONDS = 0
    crypto.clear_key_cache()
    cache.clear()
    yield path
    crypto.clear_key_cache()
    cache.clear()


def tip_data(**fields):
    data = {"message": "Something happened.", "identity": "anonymous", "token": new_form_token()}
    data.update(fields)
    return data


@pytest.fixture
def send_tip(client):
    """POST the public form the way a browser does; return the response."""

    def send(files=(), url="/en/tips/", **fields):
        data = tip_data(**fields)
        if files:
            data["attachments"] = list(files)
        return client.post(url, data)

    return send


def receipt_code(response):
    match = re.search(r'data-testid="receipt-code">([^<]+)<', response.content.decode())
    assert match, "no receipt code on the page"
    return match.group(1).strip()


@pytest.fixture
def tips_desk(make_staff):
    import importlib

    from django.apps import apps

    importlib.import_module("tips.migrations.0002_desk_permissions").grant_desk_permissions(apps)
    return make_staff("Tips desk", username="desk")
