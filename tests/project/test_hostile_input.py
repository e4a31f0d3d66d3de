"""Property-based tests (hypothesis): arbitrary Unicode, right-to-left text, null bytes, huge
values and malformed markup thrown at every public form and query parameter. The answer is a
clear error or a correct result, never a server error, and no unsanitized HTML is stored."""

import re
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.html import sanitize_body
from tests.tips.conftest import tip_data

pytestmark = pytest.mark.django_db

HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        [
            "\u202eevil\u202c",  # right-to-left override
            "مرحبا بالعالم",
            "a\x00b",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "' OR 1=1 --",
            "%00%ff",
            "x" * 5000,
            "🦄" * 400,
            "<b><i>unclosed",
        ]
    ),
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def safe_query(params):
    # Encode as a browser would; surrogates cannot be encoded by any browser either.
    return urlencode({k: v.encode("utf-8", "replace").decode("utf-8") for k, v in params.items()})


@FUZZ
@given(q=HOSTILE_TEXT, section=HOSTILE_TEXT, date_from=HOSTILE_TEXT, page=HOSTILE_TEXT)
def test_search_answers_any_query_without_a_server_error(client, q, section, date_from, page):
    query = safe_query({"q": q, "section": section, "date_from": date_from, "page": page})

    response = client.get(f"/es/search/?{query}")

    assert response.status_code in (200, 404)
    assert "<script>alert(1)</script>" not in response.content.decode()


@FUZZ
@given(page=HOSTILE_TEXT, path=st.sampled_from(["/es/", "/es/sections/nada/", "/es/corrections/"]))
def test_listings_answer_any_page_number_without_a_server_error(client, path, page):
    response = client.get(f"{path}?{safe_query({'page': page})}")

    assert response.status_code in (200, 404)


@FUZZ
@given(
    year=st.integers(min_value=0, max_value=10**12),
    month=st.integers(min_value=0, max_value=10**6),
    day=st.integers(min_value=0, max_value=10**6),
)
def test_date_archives_answer_any_date_without_a_server_error(client, year, month, day):
    for path in (
        f"/es/archive/{year}/",
        f"/es/archive/{year}/{month}/",
        f"/es/archive/{year}/{month}/{day}/",
    ):
        assert client.get(path).status_code in (200, 404), path


@FUZZ
@given(slug=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=300))
def test_any_slug_is_answered_without_a_server_error(client, slug):
    for path in (f"/es/noticias/{slug}/", f"/es/tags/{slug}/", f"/es/authors/{slug}/feed/"):
        assert client.get(path).status_code in (200, 301, 404), path


@pytest.fixture
def open_tip_line(settings, tmp_path):
    from django.core.cache import cache

    from tips import crypto

    settings.TIPS_PUBLIC_KEY = crypto.generate_key_file(tmp_path / "key.json")
    settings.TIPS_PRIVATE_KEY_FILES = [str(tmp_path / "key.json")]
    settings.TIPS_MIN_FILL_SECONDS = 0
    settings.TIPS_SUBMIT_RATE = "100000/m"
    settings.TIPS_FOLLOWUP_RATE = "100000/m"
    crypto.clear_key_cache()
    cache.clear()
    yield
    crypto.clear_key_cache()


@FUZZ
@given(
    message=HOSTILE_TEXT,
    name=HOSTILE_TEXT,
    email=HOSTILE_TEXT,
    identity=st.one_of(st.sampled_from(["anonymous", "contact"]), HOSTILE_TEXT),
)
def test_tip_form_gives_a_receipt_or_a_clear_error(
    client, open_tip_line, message, name, email, identity
):
    data = tip_data(message=message, name=name, email=email, identity=identity)
    data = {k: v.encode("utf-8", "replace").decode("utf-8") for k, v in data.items()}

    response = client.post("/en/tips/", data)

    html = response.content.decode()
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "receipt-code" in html
    else:
        assert "Your tip was not sent" in html


@FUZZ
@given(code=HOSTILE_TEXT)
def test_follow_up_answers_any_code_the_same_way(client, open_tip_line, code):
    response = client.post(
        "/en/tips/follow-up/",
        {"action": "sign-in", "code": code.encode("utf-8", "replace").decode()},
    )

    assert response.status_code == 403
    assert "does not open a tip" in response.content.decode()


MARKUP = st.recursive(
    st.text(max_size=20) | st.sampled_from(["<script>x</script>", "<img src=x onerror=y>"]),
    lambda children: st.builds(
        lambda tag, attr, inner: f"<{tag} {attr}>{inner}</{tag}>",
        st.sampled_from(["p", "a", "div", "iframe", "svg", "style", "b", "table", "math"]),
        st.sampled_from(
            ['href="javascript:alert(1)"', 'onclick="x()"', 'style="x"', 'src="data:x"', ""]
        ),
        children,
    ),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(html=MARKUP)
def test_article_bodies_never_keep_scripts_handlers_or_javascript_urls(html):
    clean = sanitize_body(html).lower()

    assert "<script" not in clean and "<iframe" not in clean and "<style" not in clean
    assert "javascript:" not in clean
    assert not re.search(r"<[^>]+\son\w+\s*=", clean)


def corrupted(data):
    """Valid image bytes with a few bytes changed, cut short, or with junk spliced in."""
    return st.one_of(
        st.lists(
            st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), min_size=1, max_size=8
        ).map(lambda edits: _apply(data, edits)),
        st.integers(1, len(data) - 1).map(lambda cut: data[:cut]),
        st.binary(max_size=64).map(lambda junk: data[:40] + junk + data[40:]),
    )


def _apply(data, edits):
    buffer = bytearray(data)
    for index, value in edits:
        buffer[index] = value
    return bytes(buffer)


def _sample_files():
    from tests.images import files

    return [files.jpeg(size=(64, 48)), files.rotated_with_gps(), files.palette_with_transparency()]


# Pillow warns about the damaged EXIF it skips; that is expected here.
@pytest.mark.filterwarnings("ignore::UserWarning")
@settings(max_examples=150, deadline=None)
@given(data=st.sampled_from(_sample_files()).flatmap(corrupted))
def test_corrupted_images_are_refused_with_a_message_or_accepted_cleanly(data):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from images.inspection import inspect_upload
    from tips.attachments import clean_attachment

    for check in (inspect_upload, clean_attachment):
        try:
            check(SimpleUploadedFile("photo.jpg", data))
        except ValidationError as error:
            assert error.messages and all(message.strip() for message in error.messages)
