import pytest

pytestmark = pytest.mark.django_db


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/es/", "/en/search/?q=x", "/robots.txt", "/sitemap.xml"])
def test_public_pages_allow_scripts_from_this_site_only(client, path):
    response = client.get(path)
    policy = directives(response["Content-Security-Policy"])

    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    for feature in ("camera=()", "geolocation=()", "microphone=()"):
        assert feature in response["Permissions-Policy"]


def test_admin_scripts_need_a_nonce_while_its_widgets_may_style_inline(
    client, editor, make_article
):
    client.force_login(editor)
    article = make_article()

    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    policy = directives(response["Content-Security-Policy"])
    html = response.content.decode()

    nonce = [value for value in policy["script-src"] if value.startswith("'nonce-")][0]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert f'<script type="importmap" nonce="{nonce[7:-1]}">' in html
    assert "'unsafe-inline'" in policy["style-src"]


def test_the_tip_line_keeps_its_stricter_policy(client):
    policy = directives(client.get("/es/tips/")["Content-Security-Policy"])

    assert policy["default-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
