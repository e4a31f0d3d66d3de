import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from tests.e2e.conftest import watch_csp
from tests.images import files
from tips import crypto
from tips.models import Tip

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-Long-Desk-Password-8"


@pytest.fixture
def tips_key(settings, tmp_path):
    path = tmp_path / "tips_key.json"
    settings.TIPS_PUBLIC_KEY = crypto.generate_key_file(path)
    settings.TIPS_PRIVATE_KEY_FILES = [str(path)]
    settings.TIPS_MIN_FILL_SECONDS = 1
    crypto.clear_key_cache()
    yield
    crypto.clear_key_cache()


def test_source_sends_a_photo_keeps_the_receipt_and_reads_the_desk_reply(
    browser, live_server, tips_key, make_article, tmp_path
):
    article = make_article(headline="Gas corridor deal signed")
    photo = tmp_path / "harbour.jpg"
    photo.write_bytes(files.rotated_with_gps())
    source = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 800})
    page = source.new_page()
    violations = watch_csp(page)

    # From the article's box to the form, with the story already chosen.
    page.goto(article.get_absolute_url())
    page.get_by_role("link", name="Envía una pista sobre esta noticia").click()
    expect(page.get_by_label("La historia a la que se refiere (opcional)")).to_have_value(
        str(article.pk)
    )
    expect(page.get_by_label("No, permanecer en el anonimato (recomendado)")).to_be_checked()
    page.get_by_label("Tu mensaje").fill("The tanker left the harbour at night with no lights.")
    page.get_by_label("Archivos").set_input_files(str(photo))
    page.wait_for_timeout(1100)  # a person takes longer than the minimum fill time
    page.get_by_role("button", name="Enviar de forma segura").click()

    code = page.get_by_test_id("receipt-code").inner_text()
    assert len(code.split()) == 6
    tip = Tip.objects.get()
    assert tip.attachments.count() == 1 and tip.contact_sealed is None
    assert [c["name"] for c in source.cookies()] == ["csrftoken"]

    # The desk reads the tip and replies, in the admin.
    desk_user = User.objects.create_user("desk", password=PASSWORD, is_staff=True)
    desk_user.groups.add(Group.objects.get(name="Tips desk"))
    desk_context = browser.new_context(base_url=live_server.url)
    desk = desk_context.new_page()
    violations += watch_csp(desk)
    desk.goto("/admin/login/")
    desk.fill("#id_username", "desk")
    desk.fill("#id_password", PASSWORD)
    desk.get_by_role("button").last.click()
    desk.goto(f"/admin/tips/tip/{tip.pk}/change/")
    expect(desk.locator(".tip-text")).to_contain_text("The tanker left the harbour")
    expect(desk.locator(".tip-files")).to_contain_text("harbour.jpg")
    desk.fill("#id_reply", "Thank you. Which night was it?")
    desk.locator("input[name=_continue]").click()
    expect(desk.locator(".messagelist")).to_be_visible()
    desk_context.close()

    # The source comes back with the code, typed carelessly, and reads the reply.
    page.goto("/es/tips/follow-up/")
    page.get_by_label("Tu código de recibo").fill("  " + code.upper() + "  ")
    page.get_by_role("button", name="Abrir").click()
    expect(page.locator(".tip-reply")).to_have_text("Thank you. Which night was it?")
    source.close()
    assert not violations, violations
