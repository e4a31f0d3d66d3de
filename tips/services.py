"""Everything that writes tips: sealing, storing files, notifying the desk, purging."""

import base64
import logging
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from nacl.public import PublicKey

from newsroom.saving import atomic_with_files, save_field_file
from tips import crypto, receipts
from tips.models import Tip, TipAccess, TipAttachment, TipMessage

logger = logging.getLogger(__name__)


def _attach(tip, message, files):
    for clean in files:
        ciphertext, key = crypto.encrypt_file(clean.data)
        attachment = TipAttachment(
            tip=tip,
            message=message,
            metadata_removed=clean.metadata_removed,
            sealed_meta=crypto.seal_json(
                {
                    "name": clean.name,
                    "content_type": clean.content_type,
                    "size": len(clean.data),
                    "key": base64.b64encode(key).decode(),
                }
            ),
        )
        save_field_file(attachment.file, "attachment.bin", ContentFile(ciphertext))
        attachment.save()


def create_tip(*, text, article=None, contact=None, files=()):
    """Seal and store a new tip; return (tip, receipt code). The code is shown once, never kept."""
    code = receipts.new_code()
    salt = secrets.token_bytes(16)
    source_key = crypto.source_private_key(code, salt)
    about = None
    if article is not None:
        about = {"id": article.pk, "headline": article.headline, "url": article.get_absolute_url()}

    with atomic_with_files():
        tip = Tip.objects.create(
            receipt_hash=crypto.receipt_lookup_hash(code),
            source_key_salt=salt,
            source_public_key=bytes(source_key.public_key),
            contact_sealed=crypto.seal_json(contact) if contact else None,
        )
        message = TipMessage.objects.create(
            tip=tip,
            kind=TipMessage.Kind.SOURCE,
            sealed=crypto.seal_json({"text": text, "article": about}),
        )
        _attach(tip, message, files)
        notify_desk_later()
    return tip, code


def add_source_message(tip, *, text, files=()):
    with atomic_with_files():
        message = TipMessage.objects.create(
            tip=tip, kind=TipMessage.Kind.SOURCE, sealed=crypto.seal_json({"text": text})
        )
        _attach(tip, message, files)
        Tip.objects.filter(pk=tip.pk).update(
            has_unread=True, last_activity_on=timezone.localdate()
        )
        notify_desk_later()
    return message


def add_desk_message(tip, *, user, text, kind):
    """An internal note (newsroom key only) or a reply (also sealed to the source's key)."""
    for_source = None
    if kind == TipMessage.Kind.REPLY:
        for_source = crypto.seal_json({"text": text}, PublicKey(bytes(tip.source_public_key)))
    with transaction.atomic():
        Tip.objects.filter(pk=tip.pk).update(last_activity_on=timezone.localdate())
        return TipMessage.objects.create(
            tip=tip,
            kind=kind,
            author=user,
            sealed=crypto.seal_json({"text": text}),
            sealed_for_source=for_source,
        )


def set_status_text(tip, text):
    """Seal the short status text the source reads, to the newsroom and to the source."""
    if text:
        tip.status_text_sealed = crypto.seal_json({"text": text})
        tip.status_text_for_source = crypto.seal_json(
            {"text": text}, PublicKey(bytes(tip.source_public_key))
        )
    else:
        tip.status_text_sealed = tip.status_text_for_source = None


def find_tip(code):
    """Return (tip, source private key) for a typed receipt code, or (None, None).

    The slow hash runs whatever the code, so a wrong code costs the same time as a right one.
    """
    normalised = receipts.normalise(code)
    tip = Tip.objects.filter(receipt_hash=crypto.receipt_lookup_hash(normalised)).first()
    if tip is None:
        return None, None
    return tip, crypto.source_private_key(normalised, bytes(tip.source_key_salt))


def record_access(tip, user):
    TipAccess.objects.create(tip=tip, user=user)
    if tip.has_unread:
        Tip.objects.filter(pk=tip.pk).update(has_unread=False)


def notify_desk_later():
    """Queue the desk's notification (tips/tasks.py) for when this transaction commits."""
    if not settings.TIPS_NOTIFY_EMAILS:
        return
    from newsroom.tasks import enqueue_on_commit
    from tips.tasks import notify_desk as notify_desk_task

    enqueue_on_commit(notify_desk_task)


def notify_desk():
    """Tell the desk that something arrived; say nothing of what, from whom, or which tip."""
    if not settings.TIPS_NOTIFY_EMAILS:
        return
    with override(settings.LANGUAGE_CODE):
        subject = _("New activity on the tip line")
        body = _(
            "A source has sent a new tip or a new message. Sign in to the tips desk to read it."
        )
    try:
        send_mail(subject, body, None, settings.TIPS_NOTIFY_EMAILS)
    except OSError:
        logger.warning("The tips desk notification email could not be sent.")


def purge(*, days=None, dry_run=False, today=None):
    """Delete tips past retention (unless kept) with their files, and orphan tip files.

    Returns {"tips": n, "files": n, "orphans": n}.
    """
    expired = Tip.objects.past_retention(today=today, days=days)
    files = list(TipAttachment.objects.filter(tip__in=expired).values_list("file", flat=True))
    known = set(TipAttachment.objects.values_list("file", flat=True))
    # A file younger than an hour may belong to a submission that is still being saved.
    cutoff = timezone.now() - timezone.timedelta(hours=1)
    orphans = [
        name
        for name in stored_tip_files()
        if name not in known and default_storage.get_modified_time(name) < cutoff
    ]
    counts = {"tips": expired.count(), "files": len(files), "orphans": len(orphans)}
    if dry_run:
        return counts
    with transaction.atomic():
        expired.delete()
        transaction.on_commit(
            lambda: [default_storage.delete(n) for n in files + orphans], robust=True
        )
    return counts


def stored_tip_files():
    try:
        _dirs, names = default_storage.listdir("tips")
    except FileNotFoundError:
        return []
    return [f"tips/{name}" for name in names]
