import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.images import files
from tests.tips.conftest import receipt_code
from tips.models import Tip, TipAccess, TipMessage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]

MARKER = "Unique-desk-marker-7731"


@pytest.fixture
def tip(send_tip):
    receipt_code(
        send_tip(
            message=f"{MARKER} message",
            identity="contact",
            email="source@example.org",
            files=[SimpleUploadedFile(f"{MARKER}.jpg", files.jpeg(size=(30, 20)))],
        )
    )
    return Tip.objects.get()


def tip_urls(tip):
    attachment = tip.attachments.get()
    base = f"/admin/tips/tip/{tip.pk}"
    return [
        "/admin/tips/",
        "/admin/tips/tip/",
        f"{base}/change/",
        f"{base}/history/",
        f"{base}/delete/",
        f"{base}/attachment/{attachment.pk}/",
        "/admin/tips/tipaccess/",
    ]


@pytest.mark.parametrize("group", ["Editor", "Reporter", "Photo editor"])
def test_staff_outside_the_desk_are_refused_on_every_tip_url(client, make_staff, tip, group):
    user = make_staff(group)
    # Even a permission granted by mistake does not open tips to someone outside the desk.
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_tip"))
    client.force_login(user)

    for url in tip_urls(tip):
        response = client.get(url, follow=True)
        assert response.status_code in (403, 404), url
        assert MARKER not in response.content.decode()
    index = client.get("/admin/").content.decode()
    assert "/admin/tips/" not in index


def test_desk_reads_the_tip_and_every_opening_is_recorded(client, tips_desk, tip):
    client.force_login(tips_desk)

    page = client.get(f"/admin/tips/tip/{tip.pk}/change/").content.decode()

    assert f"{MARKER} message" in page
    assert "source@example.org" in page
    assert f"{MARKER}.jpg" in page
    assert "metadata removed" in page
    access = TipAccess.objects.get()
    assert access.user == tips_desk and access.tip == tip
    assert MARKER not in str(access.__dict__)


def test_attachment_is_always_a_download(client, tips_desk, tip):
    client.force_login(tips_desk)
    attachment = tip.attachments.get()

    response = client.get(f"/admin/tips/tip/{tip.pk}/attachment/{attachment.pk}/")
    data = b"".join(response.streaming_content)

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert data.startswith(b"\xff\xd8")


def test_reply_note_and_status_text_are_sealed_and_logged_without_content(client, tips_desk, tip):
    client.force_login(tips_desk)

    response = client.post(
        f"/admin/tips/tip/{tip.pk}/change/",
        {
            "status": "in_review",
            "status_text": f"{MARKER} status",
            "assignee": tips_desk.pk,
            "reply": f"{MARKER} reply",
            "note": f"{MARKER} note",
        },
    )

    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.status == "in_review" and tip.assignee == tips_desk
    kinds = list(tip.messages.values_list("kind", flat=True))
    assert kinds == [TipMessage.Kind.SOURCE, TipMessage.Kind.REPLY, TipMessage.Kind.NOTE]
    for message in tip.messages.all():
        assert MARKER.encode() not in bytes(message.sealed)
    entry = LogEntry.objects.get()
    assert entry.object_repr == tip.reference
    assert MARKER not in entry.change_message and "source@" not in entry.change_message
    assert re.fullmatch(r"T-[A-Z2-9]{8}", str(tip))


def test_without_the_private_key_the_desk_is_told_and_nothing_crashes(
    client, tips_desk, tip, settings
):
    from tips import crypto

    settings.TIPS_PRIVATE_KEY_FILES = ["/nonexistent/tips_key.json"]
    crypto.clear_key_cache()
    client.force_login(tips_desk)

    page = client.get(f"/admin/tips/tip/{tip.pk}/change/")
    download = client.get(f"/admin/tips/tip/{tip.pk}/attachment/{tip.attachments.get().pk}/")

    assert page.status_code == 200
    assert "cannot be read on this server" in page.content.decode()
    assert MARKER not in page.content.decode()
    assert download.status_code == 403


def test_expiring_soon_filter_lists_old_unkept_tips(client, tips_desk, tip, settings):
    from django.utils import timezone

    Tip.objects.filter(pk=tip.pk).update(
        last_activity_on=timezone.localdate()
        - timezone.timedelta(days=settings.TIPS_RETENTION_DAYS - 3)
    )
    client.force_login(tips_desk)

    soon = client.get("/admin/tips/tip/?retention=soon").content.decode()

    assert tip.reference in soon
