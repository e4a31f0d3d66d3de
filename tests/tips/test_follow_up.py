import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.images import files
from tests.tips.conftest import receipt_code
from tips import services
from tips.followup import COOKIE
from tips.models import Tip, TipMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(send_tip):
    """A tip sent through the form, with the code its source was shown."""
    code = receipt_code(send_tip(message="First message"))
    return Tip.objects.get(), code


def sign_in(client, code):
    return client.post("/en/tips/follow-up/", {"action": "sign-in", "code": code})


def test_source_reads_status_and_replies_with_a_sloppily_typed_code(client, sent, tips_desk):
    tip, code = sent
    services.add_desk_message(
        tip, user=tips_desk, text="Thank you. Can you say which port?", kind="reply"
    )
    services.add_desk_message(tip, user=tips_desk, text="Desk-only thought", kind="note")
    tip.status = Tip.Status.IN_REVIEW
    services.set_status_text(tip, "We are checking the shipping records.")
    tip.save()

    response = sign_in(client, "  " + code.upper().replace(" ", "   ") + " ")
    assert response.status_code == 302
    page = client.get("/en/tips/follow-up/").content.decode()

    assert "In review" in page
    assert "We are checking the shipping records." in page
    assert "Can you say which port?" in page
    assert "Desk-only thought" not in page
    assert "First message" not in page  # never shown back, even to its source


def test_every_wrong_code_gets_the_same_answer(client, sent):
    _tip, code = sent
    wrong = [code.rsplit(" ", 1)[0] + " zebra", "abacus " * 6, "x"]

    def answer(response):
        # The masked CSRF token differs on every render; everything else must be identical.
        body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
        return response.status_code, body

    answers = {answer(sign_in(client, c)) for c in wrong}

    assert len(answers) == 1
    status, body = answers.pop()
    assert status == 403 and b"does not open a tip" in body
    assert COOKIE not in client.cookies or not client.cookies[COOKIE].value


def test_code_guessing_is_throttled(client, sent, settings):
    settings.TIPS_FOLLOWUP_RATE = "3/10m"
    for _ in range(3):
        sign_in(client, "wrong code")

    response = sign_in(client, sent[1])

    assert response.status_code == 429
    assert b"Too many attempts" in response.content


def test_source_adds_a_message_and_a_photo(client, sent):
    tip, code = sent
    sign_in(client, code)

    response = client.post(
        "/en/tips/follow-up/",
        {
            "action": "message",
            "message": "The ship is the Aurora.",
            "attachments": [SimpleUploadedFile("ship.jpg", files.jpeg(size=(40, 30)))],
        },
    )

    assert response.status_code == 302
    assert "Your new information was received" in client.get(response.url).content.decode()
    message = tip.messages.filter(kind=TipMessage.Kind.SOURCE).last()
    assert message.attachments.count() == 1
    tip.refresh_from_db()
    assert tip.has_unread


def test_follow_up_session_ends_when_idle(client, sent, settings):
    settings.TIPS_FOLLOWUP_IDLE_SECONDS = 600
    sign_in(client, sent[1])
    assert "Your tip" in client.get("/en/tips/follow-up/").content.decode()

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=11)):
        response = client.post("/en/tips/follow-up/", {"action": "message", "message": "Late"})

    assert response.status_code == 403
    assert "idle" in response.content.decode()
    assert TipMessage.objects.filter(kind="source").count() == 1


def test_closing_the_page_ends_the_session(client, sent):
    sign_in(client, sent[1])

    client.post("/en/tips/follow-up/", {"action": "logout"})

    assert "Type the receipt code" in client.get("/en/tips/follow-up/").content.decode()


def test_receipt_and_follow_up_pages_pass_the_nu_html_checker(
    client, send_tip, tips_desk, tmp_path
):
    from tests.quality.checkers import nu_html_errors

    receipt = send_tip(message="Checked markup")
    code = receipt_code(receipt)
    services.add_desk_message(Tip.objects.get(), user=tips_desk, text="A reply", kind="reply")
    sign_in(client, code)
    thread = client.get("/en/tips/follow-up/")
    refused = send_tip(message="x" * 30_000)

    errors = nu_html_errors(
        {
            "receipt": receipt.content.decode(),
            "thread": thread.content.decode(),
            "refused form": refused.content.decode(),
        },
        tmp_path,
    )

    assert not errors, "\n".join(errors)
