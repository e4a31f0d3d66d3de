"""Property-based tests of every admin form the project defines: arbitrary Unicode, right-to-left
text, null bytes, huge values and malformed markup. The answer is the saved object or the form
again with a clear error, never a server error, and no unsanitized HTML is stored."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from articles.models import Article, Section
from authors.models import Author
from images.admin import ImageAdminForm
from images.models import Image
from tests.articles.admin_forms import article_form_data, change_url
from tests.project.test_hostile_input import FUZZ, HOSTILE_TEXT, MARKUP
from tips import services
from tips.models import Tip, TipMessage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]

# Every field of the image form a person types into (the file, focal point and licence choice
# are fuzzed on their own).
IMAGE_TEXT_FIELDS = [
    name
    for name in ImageAdminForm._meta.fields
    if name not in ("file", "focal_x", "focal_y", "licence")
]
HOSTILE_NUMBER = st.one_of(
    HOSTILE_TEXT,
    st.sampled_from(["nan", "inf", "-inf", "1e309", "-0", "0x1p-2", "٣", "1_000", "9" * 400]),
)


def browser_safe(data):
    """What a browser can send: no lone surrogates (no encoder produces them)."""
    return {
        key: value.encode("utf-8", "replace").decode("utf-8") if isinstance(value, str) else value
        for key, value in data.items()
    }


def assert_clean_html(html):
    lowered = html.lower()
    assert "<script" not in lowered and "<iframe" not in lowered and "<style" not in lowered
    assert "javascript:" not in lowered
    assert not re.search(r"<[^>]+\son\w+\s*=", lowered)


def assert_saved_or_refused_clearly(response):
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        # Refused: the form is shown again and says what is wrong, and not because a save
        # failed in the database (a value too long for its column, say).
        html = response.content.decode()
        assert "errornote" in html
        assert "Nothing was saved: the database" not in html


def test_an_overlong_tag_is_refused_with_a_message(client, editor, section):
    client.force_login(editor)
    data = article_form_data(
        headline="H", slug="h", section=section.pk, tags="rusia-iran, " + "x" * 101
    )

    response = client.post(reverse("admin:articles_article_add"), data)

    assert "A tag can be at most 100 characters long; this one is 101" in response.content.decode()
    assert not Article.objects.exists()


def test_a_tag_whose_address_would_be_too_long_is_refused_with_a_message(client, editor, section):
    client.force_login(editor)
    tag = "\ufb03" * 40  # 40 characters, 120 in its address ("ffi" each)
    data = article_form_data(headline="H", slug="h", section=section.pk, tags=tag)

    response = client.post(reverse("admin:articles_article_add"), data)

    assert "This tag makes too long a web address; shorten it" in response.content.decode()
    assert not Article.objects.exists()


def assert_no_null_bytes(instance, fields):
    for field in fields:
        assert "\x00" not in (getattr(instance, field) or ""), field


SLUG = st.from_regex(r"[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,3}", fullmatch=True)


def test_article_form_saves_clean_or_refuses_clearly(client, editor, section):
    client.force_login(editor)
    outcomes = []

    @FUZZ
    @given(
        headline=HOSTILE_TEXT,
        standfirst=HOSTILE_TEXT,
        body=st.one_of(HOSTILE_TEXT, MARKUP),
        tags=HOSTILE_TEXT,
        slug=st.one_of(SLUG, SLUG, HOSTILE_TEXT),
        dateline=HOSTILE_TEXT,
        seo=HOSTILE_TEXT,
        caption=HOSTILE_TEXT,
        published_date=st.one_of(st.just(""), st.just(""), HOSTILE_TEXT),
    )
    def post(headline, standfirst, body, tags, slug, dateline, seo, caption, published_date):
        data = browser_safe(
            article_form_data(
                headline=headline,
                standfirst=standfirst,
                body=body,
                tags=tags,
                slug=slug,
                dateline=dateline,
                seo_description=seo,
                lead_image_caption=caption,
                published_at_0=published_date,
                section=section.pk,
            )
        )
        before = set(Article.objects.values_list("pk", flat=True))

        response = client.post(reverse("admin:articles_article_add"), data)

        assert_saved_or_refused_clearly(response)
        outcomes.append(response.status_code)
        created = list(Article.objects.exclude(pk__in=before))
        assert len(created) == (1 if response.status_code == 302 else 0)
        for article in created:
            # What was typed is what was stored (bar surrounding space), with clean markup.
            assert article.headline == data["headline"].strip()
            assert article.standfirst == data["standfirst"].strip()
            assert_clean_html(article.body)
            assert all("\x00" not in name for name in article.tags.names())

    post()
    # Both branches ran: hostile text that is valid is saved, not merely refused.
    assert 302 in outcomes and 200 in outcomes


@FUZZ
@given(body=MARKUP, headline=HOSTILE_TEXT, revision=HOSTILE_NUMBER)
def test_article_edits_save_clean_or_refuse_clearly(
    client, editor, make_article, body, headline, revision
):
    article = make_article()
    client.force_login(editor)
    data = article_form_data(article, body=body, headline=headline, edit_revision=revision)

    response = client.post(change_url(article), browser_safe(data))

    assert_saved_or_refused_clearly(response)
    article.refresh_from_db()
    assert_clean_html(article.body)


@FUZZ
@given(
    name_es=HOSTILE_TEXT,
    name_en=HOSTILE_TEXT,
    slug=HOSTILE_TEXT,
    order=HOSTILE_NUMBER,
    description=st.one_of(HOSTILE_TEXT, MARKUP),
)
def test_section_form_saves_or_refuses_clearly(
    client, admin_user, name_es, name_en, slug, order, description
):
    client.force_login(admin_user)
    data = {
        "name_es": name_es,
        "name_en": name_en,
        "slug": slug,
        "order": order,
        "description_es": description,
        "description_en": description,
    }

    response = client.post(reverse("admin:articles_section_add"), browser_safe(data))

    assert_saved_or_refused_clearly(response)
    for section in Section.objects.all():
        assert_no_null_bytes(section, ["name_es", "name_en", "slug", "description_es"])


@FUZZ
@given(
    name=HOSTILE_TEXT,
    slug=HOSTILE_TEXT,
    role=HOSTILE_TEXT,
    bio=st.one_of(HOSTILE_TEXT, MARKUP),
    link_label=HOSTILE_TEXT,
    link_url=HOSTILE_TEXT,
)
def test_author_form_saves_or_refuses_clearly(
    client, admin_user, name, slug, role, bio, link_label, link_url
):
    client.force_login(admin_user)
    data = {
        "name": name,
        "slug": slug,
        "role": role,
        "bio_es": bio,
        "bio_en": bio,
        "is_active": "on",
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
        "links-0-label": link_label,
        "links-0-url": link_url,
        "links-0-order": "0",
    }

    response = client.post(reverse("admin:authors_author_add"), browser_safe(data))

    assert_saved_or_refused_clearly(response)
    for author in Author.objects.all():
        assert_no_null_bytes(author, ["name", "slug", "role", "bio_es"])
        for link in author.links.all():
            assert link.url.startswith(("http://", "https://")), link.url


@FUZZ
@given(
    text=st.fixed_dictionaries({field: HOSTILE_TEXT for field in IMAGE_TEXT_FIELDS}),
    focal_x=HOSTILE_NUMBER,
    focal_y=HOSTILE_NUMBER,
    licence=HOSTILE_TEXT,
)
def test_image_form_saves_or_refuses_clearly(
    client, editor, make_image, text, focal_x, focal_y, licence
):
    image = make_image()
    client.force_login(editor)
    data = text | {"focal_x": focal_x, "focal_y": focal_y, "licence": licence}

    response = client.post(
        reverse("admin:images_image_change", args=[image.pk]), browser_safe(data)
    )

    assert_saved_or_refused_clearly(response)
    image.refresh_from_db()
    assert 0 <= image.focal_x <= 1 and 0 <= image.focal_y <= 1
    assert_no_null_bytes(image, ["caption", "alt_text", "photographer", "credit_override"])


def test_image_upload_form_refuses_a_file_that_is_not_an_image(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:images_image_add"),
        {"file": SimpleUploadedFile("photo.jpg", b"\x00<script>" * 100), "licence": "agency"},
    )

    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not Image.objects.exists()


@pytest.fixture
def tip(tips_key_for_admin):
    tip, _code = services.create_tip(text="Original tip")
    return tip


@pytest.fixture
def tips_key_for_admin(settings, tmp_path):
    from tips import crypto

    path = tmp_path / "key.json"
    settings.TIPS_PUBLIC_KEY = crypto.generate_key_file(path)
    settings.TIPS_PRIVATE_KEY_FILES = [str(path)]
    crypto.clear_key_cache()
    yield
    crypto.clear_key_cache()


@FUZZ
@given(status=HOSTILE_TEXT, status_text=HOSTILE_TEXT, reply=HOSTILE_TEXT, note=HOSTILE_TEXT)
def test_tip_desk_form_saves_or_refuses_clearly(
    client, tips_desk_user, tip, status, status_text, reply, note
):
    client.force_login(tips_desk_user)
    messages_before = TipMessage.objects.count()
    data = {
        "status": status if status.strip() else Tip.Status.NEW,
        "status_text": status_text,
        "reply": reply,
        "note": note,
    }

    response = client.post(reverse("admin:tips_tip_change", args=[tip.pk]), browser_safe(data))

    assert_saved_or_refused_clearly(response)
    if response.status_code == 200:
        assert TipMessage.objects.count() == messages_before


@pytest.fixture
def tips_desk_user(make_staff):
    import importlib

    from django.apps import apps

    importlib.import_module("tips.migrations.0002_desk_permissions").grant_desk_permissions(apps)
    return make_staff("Tips desk", username="desk")


@FUZZ
@given(token=HOSTILE_TEXT, next_url=HOSTILE_TEXT)
def test_two_factor_setup_refuses_any_wrong_code_clearly(client, editor, token, next_url):
    client.force_login(editor)
    url = reverse("two-factor")
    client.get(url)

    response = client.post(url, browser_safe({"token": token, "next": next_url}))

    assert response.status_code == 200
    assert "errornote" in response.content.decode() or "errorlist" in response.content.decode()
