"""Background work of the tip line (see newsroom/tasks.py).

The desk's notification carries nothing about the tip: no id, no reference, no text, not even
which tip or message it follows. With the database backend the task row would still record when
it was queued and run, close to when a tip arrived (the database keeps only a tip's day), so the
row is deleted as soon as the task has run.
"""

from django.dispatch import receiver
from django_tasks import task
from django_tasks.signals import task_finished
from django_tasks_db import DatabaseBackend

from tips import services


@task()
def notify_desk():
    """Email the desk that something arrived (tips.services.notify_desk); takes no arguments."""
    services.notify_desk()


@receiver(task_finished, dispatch_uid="tips-forget-notification")
def forget_notification(sender, task_result, **kwargs):
    # The worker sends its backend instance as the sender, the backends their class.
    backend = sender if isinstance(sender, type) else type(sender)
    if issubclass(backend, DatabaseBackend) and task_result.task.func is notify_desk.func:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(pk=task_result.id).delete()
