import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]

PASSWORD = "x-Long-Enough-42"


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, user, code=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": user.username, "password": PASSWORD, "otp_token": code},
    )


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED_GROUPS = ["Editor", "Tips desk"]


def test_an_editor_must_set_up_an_app_before_using_the_admin(client, editor, required):
    assert sign_in(client, editor).status_code == 302

    response = client.get("/admin/articles/article/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/two-factor/")
    page = client.get(response.url).content.decode()
    assert "Your role requires two-factor sign-in" in page and "<svg" in page


def test_setting_up_an_app_verifies_the_session_and_later_sign_ins_need_its_code(
    client, editor, required
):
    sign_in(client, editor)
    client.get("/admin/two-factor/")
    device = TOTPDevice.objects.get(user=editor)

    wrong = client.post("/admin/two-factor/", {"token": "000000"})
    assert "does not match" in wrong.content.decode()
    # django-otp slows down guessing after a wrong code; a person would wait a second.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )
    confirmed = client.post(
        "/admin/two-factor/?next=https://evil.example/", {"token": code_for(device)}
    )
    assert confirmed.status_code == 302 and confirmed.url == "/admin/"
    assert client.get("/admin/articles/article/").status_code == 200

    client.logout()
    without_code = sign_in(client, editor)
    assert without_code.status_code == 200
    assert "Enter the current six-digit code" in without_code.content.decode()
    device.refresh_from_db()
    device.last_t = -1  # allow the same time step again for this test
    device.save()
    assert sign_in(client, editor, code_for(device)).status_code == 302
    assert client.get("/admin/articles/article/").status_code == 200


def test_tips_desk_cannot_open_tips_without_two_factor(client, make_staff, required):
    desk = make_staff("Tips desk", username="desk")
    sign_in(client, desk)

    response = client.get("/admin/tips/tip/")

    assert response.status_code == 302 and response.url.startswith("/admin/two-factor/")


def test_other_staff_may_sign_in_with_a_password_alone(client, reporter, required):
    sign_in(client, reporter)

    assert client.get("/admin/articles/article/").status_code == 200
