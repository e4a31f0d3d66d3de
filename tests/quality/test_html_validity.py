import pytest
from django.template.loader import render_to_string

from tests.quality.checkers import nu_html_errors
from tests.quality.pages import public_paths, seed_public_site

pytestmark = pytest.mark.django_db


def test_every_public_page_passes_the_nu_html_checker(client, tmp_path):
    seed_public_site()
    documents = {}
    for path in public_paths():
        response = client.get(path)
        assert response.status_code in (200, 404), path
        documents[path] = response.content.decode()
    documents["500.html"] = render_to_string("500.html")

    errors = nu_html_errors(documents, tmp_path)

    assert not errors, "\n".join(errors)
