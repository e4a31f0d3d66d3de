"""Background work through Django's task interface (django-tasks, the backport of django.tasks).

`TASKS_BACKEND` chooses where tasks run (settings.py): by default the immediate backend runs
each task inline, in the request that enqueued it; `TASKS_BACKEND=database` stores each task as a
row that `manage.py db_worker` picks up and runs outside the request.

Tasks here and in the apps (`images/tasks.py`, `tips/tasks.py`) always follow a database change
and must only run once it has committed: enqueue them with `enqueue_on_commit()`.
"""

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend

from newsroom import cdn


def runs_inline(task):
    """True when `task` would run inside the request that enqueues it (no worker configured)."""
    return isinstance(task.get_backend(), ImmediateBackend)


def enqueue_on_commit(task, *args, **kwargs):
    """Enqueue `task` so that it runs only once the current transaction has committed.

    With the database backend the task's row is written inside the transaction: it commits with
    the work it follows (a worker cannot see it before) or rolls back with it, and it cannot be
    lost between the commit and the enqueue. Any other backend is called from on_commit (with
    the immediate backend the task then runs right after the commit, as the work did before
    tasks existed). Outside a transaction both enqueue at once.
    """
    if isinstance(task.get_backend(), DatabaseBackend):
        return task.enqueue(*args, **kwargs)

    def enqueue():
        task.enqueue(*args, **kwargs)

    # A function, not a partial: Django's robust on_commit logs the callback's name.
    transaction.on_commit(enqueue, robust=True)
    return None


@task()
def purge_cdn(paths, tags=()):
    """Ask the CDN to drop these paths and the pages the purged tags change (newsroom/cdn.py).

    `paths` are the pages the page cache deleted; `tags` add the pages that show the purged
    content whether or not this site cached them (`PAGE_CACHE_TAG_PATHS`), looked up here, in
    the worker, not in the request that saved.
    """
    wanted = set(paths)
    if tags and settings.PAGE_CACHE_TAG_PATHS:
        wanted |= set(import_string(settings.PAGE_CACHE_TAG_PATHS)(tags))
    return cdn.send_purge(sorted(wanted))
