"""Tips from sources. Nothing here holds readable content: every text and file is sealed.

What is stored in the clear is only what the desk needs to sort tips and what cannot identify
anyone: a random reference, the day a tip arrived (not the time), its status, who on the desk
handles it and whether to keep it. No address, user agent, referrer or contact detail exists in
any column.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference():
    return "T-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def attachment_path(instance, filename):
    # The original name is sealed in the attachment's metadata, never used for storage.
    return f"tips/{secrets.token_hex(16)}.bin"


class TipQuerySet(models.QuerySet):
    def past_retention(self, *, today=None, days=None):
        today = today or timezone.localdate()
        days = settings.TIPS_RETENTION_DAYS if days is None else days
        return self.filter(keep=False, last_activity_on__lt=today - timezone.timedelta(days=days))


class Tip(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_REVIEW = "in_review", _("In review")
        VERIFIED = "verified", _("Verified")
        USED = "used", _("Used in a story")
        DISCARDED = "discarded", _("Discarded")

    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_reference, editable=False
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate, editable=False)
    last_activity_on = models.DateField(
        _("last activity on"), default=timezone.localdate, editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    # The short status text the source reads: sealed to the newsroom and to the source's key.
    status_text_sealed = models.BinaryField(null=True, editable=False)
    status_text_for_source = models.BinaryField(null=True, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tips",
    )
    keep = models.BooleanField(
        _("keep"), default=False, help_text=_("Kept tips are never purged automatically.")
    )
    articles = models.ManyToManyField(
        "articles.Article", verbose_name=_("linked articles"), blank=True, related_name="+"
    )
    has_unread = models.BooleanField(_("unread messages"), default=True, editable=False)
    # Only the source can recreate these from the receipt code.
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    source_key_salt = models.BinaryField(max_length=16, editable=False)
    source_public_key = models.BinaryField(max_length=32, editable=False)
    contact_sealed = models.BinaryField(null=True, editable=False)

    objects = TipQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")

    def __str__(self):
        return self.reference


class TipMessage(models.Model):
    class Kind(models.TextChoices):
        SOURCE = "source", _("From the source")
        REPLY = "reply", _("Reply to the source")
        NOTE = "note", _("Internal note")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_on = models.DateField(default=timezone.localdate)
    sealed = models.BinaryField()
    # Replies only: the same text sealed to the source's key, for the follow-up page.
    sealed_for_source = models.BinaryField(null=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.tip.reference} #{self.pk}"


class TipAttachment(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        TipMessage, null=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    # Sealed JSON: original name, content type, real size, per-file key, kind.
    sealed_meta = models.BinaryField()
    metadata_removed = models.BooleanField(default=True)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.tip.reference} file #{self.pk}"


class TipAccess(models.Model):
    """Who opened which tip, and when. Never what they read."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("tip access")
        verbose_name_plural = _("tip accesses")

    def __str__(self):
        return f"{self.tip.reference} · {self.user} · {self.at:%Y-%m-%d %H:%M}"
