"""Faults in the middle of a tip: nothing half-saved, no file left, the source's text kept."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.faults import connection_drops_before, disk_fills_up_on, stored_files
from tests.images import files
from tests.tips.conftest import receipt_code
from tips.models import Tip, TipAttachment, TipMessage

# Transactional: on PostgreSQL the test kills the real connection, test transaction included.
pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "Los contratos del puerto se firmaron el martes"


def photo(name="photo.jpg"):
    return SimpleUploadedFile(name, files.jpeg(size=(80, 60)), content_type="image/jpeg")


def assert_nothing_kept(media_root):
    assert not Tip.objects.exists()
    assert not TipMessage.objects.exists()
    assert not TipAttachment.objects.exists()
    assert stored_files(media_root) == []


def assert_text_kept_with_a_clear_message(response, what="tip"):
    html = response.content.decode()
    assert response.status_code == 503
    assert f"Your {what} was not sent: our system could not store it just now" in html
    assert TEXT in html


def test_a_dropped_connection_while_a_tip_is_saved_keeps_nothing_but_the_text(
    send_tip, media_root, caplog
):
    caplog.set_level(logging.DEBUG)
    with connection_drops_before('INSERT INTO "tips_tipattachment"') as fired:
        response = send_tip(message=TEXT, files=[photo()])

    assert fired, "the fault never fired"
    assert_text_kept_with_a_clear_message(response)
    assert_nothing_kept(media_root)  # the encrypted file written before the drop is gone too
    assert "A tip could not be saved" in caplog.text
    assert TEXT not in caplog.text

    # The next attempt goes through on a fresh connection.
    again = send_tip(message=TEXT, files=[photo()])
    receipt_code(again)
    assert Tip.objects.count() == 1 and TipAttachment.objects.count() == 1


def test_a_full_disk_while_storing_attachments_rolls_the_tip_back(
    send_tip, media_root, monkeypatch
):
    with disk_fills_up_on("tips/", monkeypatch, after=1) as failed:
        response = send_tip(message=TEXT, files=[photo("a.jpg"), photo("b.jpg")])

    assert failed, "the fault never fired"
    assert_text_kept_with_a_clear_message(response)
    assert_nothing_kept(media_root)  # the first file and the half-written second one


def test_a_dropped_connection_while_a_source_adds_information_keeps_the_text(
    client, send_tip, media_root
):
    code = receipt_code(send_tip(message="First message"))
    client.post("/en/tips/follow-up/", {"action": "sign-in", "code": code})
    before = stored_files(media_root)

    with connection_drops_before('INSERT INTO "tips_tipattachment"') as fired:
        response = client.post(
            "/en/tips/follow-up/", {"action": "message", "message": TEXT, "attachments": photo()}
        )

    assert fired
    assert_text_kept_with_a_clear_message(response, what="message")
    assert TipMessage.objects.count() == 1
    assert stored_files(media_root) == before
