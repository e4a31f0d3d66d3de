import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_bilingual_articles_with_credited_images(capsys):
    call_command("seed_demo")

    articles = Article.objects.published()
    assert articles.count() >= 12
    assert set(articles.values_list("language", flat=True)) == {"es", "en"}
    for article in articles.select_related("lead_image"):
        assert article.bylines.exists()
        assert article.tags.exists()
        assert article.lead_image.credit_line
        assert article.lead_image.caption
        assert article.lead_image.alt_text
        assert article.lead_image.file.storage.exists(article.lead_image.file.name)
    assert Article.objects.filter(translation_of__isnull=False).count() >= 6


def test_seed_demo_prints_a_random_editor_password_once(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    password = first.split("password: ")[1].split()[0]

    call_command("seed_demo")
    second = capsys.readouterr().out

    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password(password)
    assert len(password) >= 16
    assert "password" not in second
    assert "already present" in second
    assert Article.objects.count() >= 12
