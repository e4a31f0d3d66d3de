"""The desk's "new tip" email as a background task: queued with nothing about the tip."""

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests.tasks import DATABASE_BACKEND, queued, run_worker
from tests.tips.conftest import receipt_code
from tips import services
from tips.models import Tip, TipMessage

pytestmark = pytest.mark.django_db(transaction=True)

MARKER = "QUOKKA-7731 the minister's phone number is 555 0199"


@pytest.fixture(autouse=True)
def desk_addresses(settings):
    settings.TIPS_NOTIFY_EMAILS = ["desk@news.example.org"]


@pytest.fixture
def worker_backend(settings):
    settings.TASKS = DATABASE_BACKEND


def test_without_a_worker_the_email_leaves_with_the_tip(send_tip):
    response = send_tip(message=MARKER)

    assert response.status_code == 200
    assert len(mail.outbox) == 1
    assert not DBTaskResult.objects.exists()


def test_with_a_worker_the_email_is_queued_holding_nothing_about_the_tip(
    send_tip, worker_backend, caplog
):
    response = send_tip(
        message=MARKER, identity="contact", name="Ana Marker-Source", email="ana@marker.example"
    )
    tip = Tip.objects.get()

    assert mail.outbox == []
    [row] = queued()
    assert row.task_path == "tips.tasks.notify_desk"
    assert row.args_kwargs == {"args": [], "kwargs": {}}
    stored = repr(DBTaskResult.objects.filter(pk=row.pk).values().get())
    for secret in (
        "QUOKKA",
        "Marker-Source",
        "ana@marker",
        tip.reference,
        receipt_code(response),
        f"'id': {tip.pk},",
    ):
        assert secret not in stored

    run_worker()

    [email] = mail.outbox
    assert email.to == ["desk@news.example.org"]
    assert "QUOKKA" not in email.subject + email.body and tip.reference not in email.body
    # Run and gone: no row keeps the time the desk was told (the database keeps only the day).
    assert not DBTaskResult.objects.exists()
    # Nor does any log line: django-tasks' records of the tip line's tasks are dropped.
    assert "tips.tasks" not in caplog.text


def test_a_follow_up_message_queues_one_more_email(worker_backend):
    tip, _code = services.create_tip(text=MARKER)
    services.add_source_message(tip, text="And another thing.")

    assert len(queued("tips.tasks.notify_desk")) == 2
    run_worker()
    assert len(mail.outbox) == 2
    assert TipMessage.objects.filter(tip=tip).count() == 2


def test_a_tip_that_is_not_saved_queues_no_email(worker_backend):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.create_tip(text=MARKER)
        raise RuntimeError("the database went away")

    assert not Tip.objects.exists()
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert mail.outbox == []


def test_with_no_desk_address_nothing_is_queued(worker_backend, settings):
    settings.TIPS_NOTIFY_EMAILS = []

    services.create_tip(text=MARKER)

    assert not DBTaskResult.objects.exists()
