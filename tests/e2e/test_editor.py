import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from articles.models import Article

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-Long-Test-Password-7"
# What a word processor puts on the clipboard: class and style noise around real structure.
WORD_PROCESSOR_HTML = (
    '<h2 class="MsoHeading2" style="mso-outline-level:2">Lo que dicen los datos</h2>'
    '<p class="MsoNormal" style="margin:0cm"><b style="mso-bidi-font-weight:normal">40 %</b>'
    " más que en marzo.</p>"
    '<ul style="margin-top:0cm"><li class="MsoListParagraph">Santos</li><li>Callao</li></ul>'
)
PASTE_SCRIPT = """(editor, html) => {
    const data = new DataTransfer();
    data.setData("text/html", html);
    data.setData("text/plain", "fallback");
    const init = {clipboardData: data, bubbles: true, cancelable: true};
    editor.dispatchEvent(new ClipboardEvent("paste", init));
}"""


def choose_autocomplete(page, field_id, search, shown=None):
    """Search a Django admin autocomplete (select2) widget and pick the matching option."""
    page.locator(f"#{field_id}").locator("xpath=following-sibling::span[1]").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=shown or search).first.click()


def test_editor_writes_and_publishes_an_article_that_reaches_the_home_page(
    page, live_server, section, author, make_image
):
    editor = User.objects.create_user("ines", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    make_image(caption="Mercado de Santos al amanecer", alt_text="Grúas en el puerto")

    page.goto("/admin/login/")
    page.fill("#id_username", "ines")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button").last.click()
    page.goto("/admin/articles/article/add/")

    page.fill("#id_headline", "Los puertos del sur recuperan el tráfico")
    expect(page.locator(".char-count").first).to_have_text("40 / 110")
    page.fill("#id_standfirst", "El tráfico de contenedores vuelve a niveles previos.")
    body = page.locator(".ProseMirror[contenteditable=true]")
    expect(body).to_be_visible()
    body.click()
    page.keyboard.type("Los datos del último trimestre muestran una recuperación clara.")
    expect(body).to_contain_text("recuperación clara")
    page.keyboard.press("Enter")
    body.evaluate(PASTE_SCRIPT, WORD_PROCESSOR_HTML)
    expect(body.locator("li")).to_have_count(2)
    choose_autocomplete(page, "id_section", "Amé", shown=re.compile("Am[eé]ricas"))
    page.fill("#id_tags", "puertos, comercio")
    choose_autocomplete(page, "id_lead_image", "Mercado de Santos")
    choose_autocomplete(page, "id_bylines-0-author", "José Antonio")
    page.fill("#id_bylines-0-role", "Americas Coordinator")
    page.select_option("#id_status", "published")
    page.locator("input[name=_save]").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    article = Article.objects.get(headline="Los puertos del sur recuperan el tráfico")
    assert article.is_published()
    assert set(article.tags.names()) == {"puertos", "comercio"}
    assert "recuperación clara" in article.body
    assert "<h2>Lo que dicen los datos</h2>" in article.body
    assert "<strong>40 %</strong>" in article.body
    assert "<li><p>Santos</p></li>" in article.body or "<li>Santos</li>" in article.body
    assert "Mso" not in article.body and "style=" not in article.body

    page.goto("/es/")
    link = page.get_by_role("link", name="Los puertos del sur recuperan el tráfico").first
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("figcaption")).to_contain_text("SPUTNIK/SERGEI SAVOSTYANOV via REUTERS")
    expect(page.locator(".byline")).to_contain_text("Americas Coordinator: José Antonio Sierra")
