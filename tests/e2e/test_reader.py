import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_opens_the_home_page_and_an_article(page, make_article):
    article = make_article(
        headline="El altiplano vota entre colas de horas",
        standfirst="La participación supera el 70 %.",
    )

    page.goto("/es/")
    expect(page).to_have_title("Mundo Abierto")
    page.get_by_role("link", name="El altiplano vota entre colas de horas").first.click()

    expect(page).to_have_url(f"{page.url.split('/es/')[0]}{article.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(article.headline)
    expect(page.locator("figcaption")).to_contain_text("SPUTNIK/SERGEI SAVOSTYANOV via REUTERS")
    image = page.locator("figure.lead-figure img")
    expect(image).to_have_attribute("alt", "Voters queue outside a school")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert image.evaluate("img => img.currentSrc").endswith(".webp")
    expect(page.get_by_role("link", name="Envía una pista sobre esta noticia")).to_be_visible()


def test_reader_switches_language_and_searches(page, make_article):
    original = make_article(headline="Teherán y Moscú firman un corredor de gas")
    make_article(
        headline="Tehran and Moscow sign a gas corridor", language="en", translation_of=original
    )

    page.goto(original.get_absolute_url())
    page.get_by_role("link", name="English").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tehran and Moscow sign a gas corridor"
    )
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("searchbox").first.fill("teheran gas")
    page.get_by_role("searchbox").first.press("Enter")
    expect(page.locator(".result-count")).to_have_text("0 results for “teheran gas”")
    page.goto("/es/")
    page.get_by_role("searchbox").first.fill("teheran")
    page.get_by_role("searchbox").first.press("Enter")
    expect(page.locator(".search-result h2")).to_have_text(
        "Teherán y Moscú firman un corredor de gas"
    )
