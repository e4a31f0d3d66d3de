from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]

PASSWORD = "x-Long-Enough-42"


def sign_in(client, username, password, address="203.0.113.50"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_repeated_wrong_passwords_lock_the_account_without_recording_addresses(client, editor):
    for _ in range(4):
        assert sign_in(client, editor.username, "wrong-password").status_code == 200
    assert sign_in(client, editor.username, "wrong-password").status_code == 429

    locked = sign_in(client, editor.username, PASSWORD)

    assert locked.status_code == 429
    assert "Sign-in is locked for 30 minutes" in locked.content.decode()
    attempt = AccessAttempt.objects.get()
    assert attempt.username == editor.username and attempt.failures_since_start >= 5
    assert not attempt.ip_address and "203.0.113.50" not in str(attempt.__dict__)


def test_the_lock_lifts_after_the_cool_off(client, editor):
    for _ in range(5):
        sign_in(client, editor.username, "wrong-password")

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = sign_in(client, editor.username, PASSWORD)

    assert response.status_code == 302 and response.url == "/admin/"


def test_a_right_password_resets_the_count(client, editor):
    for _ in range(4):
        sign_in(client, editor.username, "wrong-password")
    assert sign_in(client, editor.username, PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        sign_in(client, editor.username, "wrong-password")

    assert sign_in(client, editor.username, PASSWORD).status_code == 302


def test_staff_sessions_end_when_idle(client, editor, settings):
    assert sign_in(client, editor.username, PASSWORD).status_code == 302
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)

    with time_machine.travel(timezone.now() + idle - timedelta(minutes=5)):
        assert client.get("/admin/").status_code == 200  # activity renews the session
    with time_machine.travel(timezone.now() + 2 * idle - timedelta(minutes=10)):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(timezone.now() + 3 * idle + timedelta(minutes=1)):
        response = client.get("/admin/")

    assert response.status_code == 302 and "/admin/login/" in response.url


def test_weak_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("password123", "12345678901234", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak)
