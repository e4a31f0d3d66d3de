"""Running background tasks in tests: the database backend and one pass of its worker."""

import io
import signal

from django.core.management import call_command

# TASKS_BACKEND=database: tasks are queued in the database instead of running inline. Tests
# that run the worker must be transactional (`django_db(transaction=True)`): the worker manages
# its own transactions and connections, as `manage.py db_worker` does.
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """Run every queued task once and stop: `manage.py db_worker --batch`."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    output = io.StringIO()
    try:
        call_command(
            "db_worker",
            "--batch",
            "--interval=0",
            "--no-startup-delay",
            "--no-reload",
            stdout=output,
            stderr=output,
        )
    finally:
        # The worker installs its own graceful-shutdown handlers; give pytest its own back.
        for number, handler in handlers.items():
            signal.signal(number, handler)
    return output.getvalue()


def queued(task_path=None):
    """The task rows waiting for the worker (optionally of one task)."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.ready()
    return list(rows.filter(task_path=task_path) if task_path else rows)
