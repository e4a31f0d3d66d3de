"""Fault injection for tests: a database connection that drops, a disk that fills up.

On PostgreSQL the connection is really killed: another connection calls pg_terminate_backend
on this one's server process just before the chosen statement runs, so the statement meets a
dead connection exactly as it would in production. SQLite (the in-memory test database cannot
lose its connection without losing the database) raises the OperationalError SQLite gives
for an I/O failure at the same point.
"""

import errno
import os
from contextlib import contextmanager

from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection, connections


def _kill_backend(victim):
    pid = victim.connection.info.backend_pid
    killer = connections.create_connection(victim.alias)
    try:
        with killer.cursor() as cursor:
            # The timeout form waits until the process has really gone.
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    finally:
        killer.close()


@contextmanager
def connection_drops_before(sql_start):
    """Drop the database connection before the first statement starting with `sql_start`.

    Yields a list that holds the statement once the fault has fired.
    """
    fired = []

    def wrapper(execute, sql, params, many, context):
        if not fired and sql.lstrip().upper().startswith(sql_start.upper()):
            fired.append(sql)
            if connection.vendor == "postgresql":
                _kill_backend(context["connection"])
            else:
                raise OperationalError("disk I/O error")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield fired


@contextmanager
def disk_fills_up_on(path_part, monkeypatch, after=0):
    """Make file writes whose name contains `path_part` fail with ENOSPC, after `after` of them.

    Like a real full disk, the failing write leaves half a file behind before it raises.
    Yields the list of names that failed.
    """
    failed = []
    seen = []
    real_save = FileSystemStorage._save

    def failing_save(self, name, content):
        if path_part in name:
            seen.append(name)
            if len(seen) > after:
                failed.append(name)
                path = self.path(name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                data = content.read()
                with open(path, "wb") as partial:
                    partial.write(data[: len(data) // 2])
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", failing_save)
    yield failed
    monkeypatch.setattr(FileSystemStorage, "_save", real_save)


def stored_files(root):
    """Every file under a media root, as relative paths."""
    return sorted(
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _dirs, names in os.walk(root)
        for name in names
    )
