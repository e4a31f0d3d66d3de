import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from tests.images import files

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-Long-Test-Password-8"


def test_photo_editor_uploads_an_agency_photo_and_sees_its_credit_filled(page, tmp_path):
    photo_editor = User.objects.create_user("olga", password=PASSWORD, is_staff=True)
    photo_editor.groups.add(Group.objects.get(name="Photo editor"))
    photo = tmp_path / "wire-photo.jpg"
    photo.write_bytes(files.agency_photo())

    page.goto("/admin/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button").last.click()
    page.goto("/admin/images/image/add/")
    page.set_input_files("#id_file", str(photo))
    page.fill("#id_alt_text", "Delegados llegan a la cumbre")
    page.locator("input[name=_save]").click()

    expect(page.locator("#id_photographer")).to_have_value("SERGEI SAVOSTYANOV")
    expect(page.locator("#id_agency")).to_have_value("SPUTNIK")
    expect(page.locator("#id_caption")).to_have_value("Delegates arrive at the summit in Tehran.")
    expect(page.locator(".field-credit_line .readonly")).to_have_text("SPUTNIK/SERGEI SAVOSTYANOV")
    expect(page.locator(".messagelist .info")).to_be_visible()
    page.locator(".focal-preview img").click(position={"x": 5, "y": 5})
    assert float(page.locator("#id_focal_x").input_value()) < 0.1
