"""Tip attachments on S3-compatible object storage (a local moto server): only ciphertext in the
bucket, the desk's download decrypts it, and purging deletes the objects."""

from io import StringIO

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from tests.tips import conftest as tip_line
from tips import services
from tips.models import Tip, TipAttachment

# The tip line's own fixtures: a real key pair, the public form, a desk member.
tips_key, send_tip, tips_desk = tip_line.tips_key, tip_line.send_tip, tip_line.tips_desk

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tips_key", "s3_media")]

MARKER = "ZEBRA-7741-PLAINTEXT"
NOTE = f"Minutes of the board meeting {MARKER}\nThe contract goes to the cousin.\n".encode()


def send_with_attachment(send_tip, name="minutes.txt", content=NOTE):
    response = send_tip(
        files=[SimpleUploadedFile(name, content)], message=f"Look at this {MARKER}"
    )
    assert response.status_code == 200
    return Tip.objects.latest("pk")


def test_the_bucket_holds_only_ciphertext(send_tip, s3_media):
    tip = send_with_attachment(send_tip)

    attachment = tip.attachments.get()
    assert attachment.file.name.startswith("tips/")
    keys = s3_media.keys()
    assert keys == [s3_media.key(attachment.file.name)]
    stored = s3_media.get(keys[0])
    raw = stored["Body"].read()
    assert len(raw) > len(NOTE)
    for needle in (MARKER.encode(), b"contract goes to the cousin", b"minutes.txt"):
        assert needle not in raw
    assert stored["ContentType"] == "application/octet-stream"
    assert stored["CacheControl"] == "private, no-store"
    # Private: no unsigned read.
    unsigned = attachment.file.url.split("?")[0]
    assert requests.get(unsigned, timeout=10).status_code == 403


def test_no_object_anywhere_in_the_bucket_holds_plaintext(send_tip, s3_media):
    send_with_attachment(send_tip)
    send_with_attachment(send_tip, name=f"{MARKER}.txt")

    keys = s3_media.client.list_objects_v2(Bucket=s3_media.name)["Contents"]
    assert len(keys) == 2
    for entry in keys:
        raw = s3_media.body(entry["Key"])
        assert MARKER.encode() not in raw and MARKER.encode("utf-16-le") not in raw
        assert MARKER not in entry["Key"]


def test_the_desk_downloads_the_original_bytes(client, send_tip, tips_desk):
    tip = send_with_attachment(send_tip)
    attachment = tip.attachments.get()
    client.force_login(tips_desk)

    response = client.get(f"/admin/tips/tip/{tip.pk}/attachment/{attachment.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == NOTE
    assert "no-store" in response["Cache-Control"]


def test_purge_deletes_expired_attachments_and_old_orphans(
    send_tip,
    s3_media,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    settings.TIPS_RETENTION_DAYS = 30
    old = send_with_attachment(send_tip)
    recent = send_with_attachment(send_tip)
    Tip.objects.filter(pk=old.pk).update(
        last_activity_on=timezone.localdate() - timezone.timedelta(days=31)
    )
    old_key = s3_media.key(old.attachments.get().file.name)
    recent_key = s3_media.key(recent.attachments.get().file.name)
    # What an interrupted upload would leave: an object no row points to.
    orphan_key = s3_media.key("tips/interrupted-upload.bin")
    s3_media.client.put_object(Bucket=s3_media.name, Key=orphan_key, Body=b"partial")

    # A fresh orphan may belong to a save still in progress: it stays.
    assert services.purge(dry_run=True) == {"tips": 1, "files": 1, "orphans": 0}
    # Two hours later (the object's LastModified cannot be set, so the clock moves instead).
    later = timezone.now() + timezone.timedelta(hours=2)
    monkeypatch.setattr(services.timezone, "now", lambda: later)
    dry = StringIO()
    call_command("purge_tips", dry_run=True, stdout=dry)
    assert "1 orphan" in dry.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.purge()

    assert counts == {"tips": 1, "files": 1, "orphans": 1}
    assert list(Tip.objects.all()) == [recent]
    assert s3_media.keys() == [recent_key]
    assert old_key != recent_key
    assert TipAttachment.objects.count() == 1
