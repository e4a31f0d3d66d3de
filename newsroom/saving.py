"""Saving that survives faults: a failed save leaves no rows, no files, and loses no typing.

`atomic_with_files()` is `transaction.atomic()` that also remembers the files written inside it
(through `track()`); if the block fails before it commits (an error, a dropped database
connection) those files are deleted again. If COMMIT itself fails the outcome is unknown and the
files stay (rows may refer to them; `purge_tips` sweeps tip files no row refers to), and a step
that fails after a commit never touches them. Blocks nest: an inner block that succeeds hands its
files to the outer one, so they go if the outer transaction fails later. The outermost
transaction around a save must be one of these blocks, which is why the admin mixin below wraps
the whole change form in one.

`KeepWorkOnFailedSave` makes an admin change form answer a database or storage failure by
showing the form again, with everything the editor typed and a message that nothing was saved,
instead of a server error.
"""

import logging
import threading
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# What can fail under a save that is not the person's fault: the database (connection dropped,
# server gone, disk full) and file storage (disk full, permissions, object store unreachable).
SAVE_FAILURES = (DatabaseError, OSError)

_state = threading.local()


def track(storage, name):
    """Record a file just written; it is deleted if the enclosing block does not commit."""
    stack = getattr(_state, "stack", None)
    if stack:
        stack[-1].append((storage, name))


def save_file(storage, name, content, max_length=None):
    """Write a file, tracked by the enclosing block; remove what a failed write left behind."""
    name = storage.get_available_name(name, max_length=max_length)
    try:
        name = storage.save(name, content, max_length=max_length)
    except BaseException:
        # A full disk fails halfway through a write and leaves a partial file.
        discard([(storage, name)])
        raise
    track(storage, name)
    return name


def save_field_file(field_file, name, content):
    """FieldFile.save(save=False) through save_file; return the stored name."""
    field = field_file.field
    generated = field.generate_filename(field_file.instance, name)
    stored = save_file(field_file.storage, generated, content, max_length=field.max_length)
    setattr(field_file.instance, field.attname, stored)
    return stored


@contextmanager
def atomic_with_files(using=None):
    stack = _state.__dict__.setdefault("stack", [])
    written = []
    stack.append(written)
    # Outermost means this block's end is the real COMMIT (not a savepoint release).
    outermost = not connections[using or DEFAULT_DB_ALIAS].in_atomic_block
    outcome = {"entered": False, "failed_inside": False, "committed": False}
    try:
        with transaction.atomic(using=using):
            outcome["entered"] = True
            if outermost:
                # Runs first after COMMIT: from then on the rows exist and so must their files.
                transaction.on_commit(lambda: outcome.update(committed=True), using=using)
            try:
                yield
            except BaseException:
                outcome["failed_inside"] = True
                raise
    except BaseException:
        stack.pop()
        if outcome["failed_inside"] or not outcome["entered"]:
            discard(written)
        elif not outermost:
            # A savepoint could not be released: the enclosing transaction fails with it.
            if stack:
                stack[-1].extend(written)
            else:
                discard(written)
        elif outcome["committed"]:
            logger.error("A step after a committed save failed; its files are kept.")
        else:
            # COMMIT itself failed (a connection lost then): the rows may exist or not, so the
            # files stay; `purge_tips` removes tip files no row refers to.
            logger.error(
                "A commit failed with an unknown outcome; its %s file(s) are kept.", len(written)
            )
        raise
    stack.pop()
    if stack:
        stack[-1].extend(written)


def discard(written):
    for storage, name in written:
        try:
            if storage.exists(name):
                storage.delete(name)
        except OSError:
            # The storage is failing too; `purge_tips` and a media audit find what is left.
            logger.warning("A file from a failed save could not be removed: %s", name)


def reset_connections():
    """Drop database connections a failure left unusable, so the next query reconnects."""
    for connection in connections.all(initialized_only=True):
        # Inside an outer transaction (a test's, or ATOMIC_REQUESTS) the connection is kept:
        # that transaction is already marked for rollback.
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def note_failure(error, what):
    """Log a failed save by the kind of error only (no message: it could quote content)."""
    logger.error("%s could not be saved: %s", what, type(error).__name__)
    reset_connections()


class KeepWorkOnFailedSave:
    """Admin mixin: on a database or storage failure while saving, show the form again.

    The first attempt runs in one `atomic_with_files()` block, so it leaves nothing behind. The
    form is then rendered again from the same POST data, with an error that stops a second save.
    """

    def add_view(self, request, form_url="", extra_context=None):
        view = super().add_view
        return self.keeping_work(request, view, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        view = super().change_view
        return self.keeping_work(request, view, object_id, form_url, extra_context)

    def keeping_work(self, request, view, *args):
        # add_view and change_view, not changeform_view: django-reversion saves the history
        # entry around the latter, and that belongs inside the same transaction.
        if request.method != "POST":
            return view(request, *args)
        try:
            with atomic_with_files():
                return view(request, *args)
        except SAVE_FAILURES as error:
            note_failure(error, self.model._meta.verbose_name.capitalize())
            request.failed_save = error
            return view(request, *args)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if getattr(request, "failed_save", None) is None:
            return form

        class NotSaved(form):
            def clean(self):
                super().clean()
                message = _(
                    "Nothing was saved: the database or file storage failed while saving. "
                    "Everything you typed is still below; files must be chosen again. "
                    "Save again in a moment."
                )
                raise ValidationError(message, code="save_failed")

        return NotSaved
