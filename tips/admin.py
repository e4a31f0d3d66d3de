"""The tips desk. Only members of the "Tips desk" group (and superusers) see tips at all.

Tips are decrypted here, in memory, only when a desk member opens one, and only if this server
holds the private key; every opening is recorded (who and when, never what).
"""

import base64
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsroom.saving import KeepWorkOnFailedSave
from tips import crypto, services
from tips.models import Tip, TipAccess, TipAttachment, TipMessage

DESK_GROUP = "Tips desk"
EXPIRING_SOON_DAYS = 14


def is_desk(user):
    return user.is_active and (user.is_superuser or user.groups.filter(name=DESK_GROUP).exists())


class DeskOnly:
    """Refuse everything to staff outside the desk, whatever permissions they were given."""

    def has_module_permission(self, request):
        return is_desk(request.user)

    def has_view_permission(self, request, obj=None):
        return is_desk(request.user) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_desk(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_desk(request.user) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request):
        return False


class ExpiringSoonFilter(admin.SimpleListFilter):
    title = gettext_lazy("retention")
    parameter_name = "retention"

    def lookups(self, request, model_admin):
        return [
            ("soon", _("Purged within %(days)s days") % {"days": EXPIRING_SOON_DAYS}),
            ("kept", _("Kept")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "soon":
            today = timezone.localdate()
            limit = today - timedelta(days=settings.TIPS_RETENTION_DAYS - EXPIRING_SOON_DAYS)
            return queryset.filter(keep=False, last_activity_on__lt=limit)
        if self.value() == "kept":
            return queryset.filter(keep=True)
        return queryset


class TipDeskForm(forms.ModelForm):
    status_text = forms.CharField(
        label=gettext_lazy("Status text for the source"),
        required=False,
        max_length=280,
        help_text=gettext_lazy(
            "Short, shown to the source on the follow-up page. Encrypted. Leave empty for none."
        ),
    )
    reply = forms.CharField(
        label=gettext_lazy("Reply to the source"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=settings.TIPS_MESSAGE_MAX_CHARS,
        help_text=gettext_lazy("The source reads it with their receipt code. Encrypted."),
    )
    note = forms.CharField(
        label=gettext_lazy("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=settings.TIPS_MESSAGE_MAX_CHARS,
        help_text=gettext_lazy("Only the desk sees it. Encrypted."),
    )

    class Meta:
        model = Tip
        fields = ["status", "status_text", "assignee", "keep", "articles"]


@admin.register(Tip)
class TipAdmin(DeskOnly, KeepWorkOnFailedSave, admin.ModelAdmin):
    form = TipDeskForm
    change_form_template = "admin/tips/tip/change_form.html"
    list_display = [
        "reference",
        "received_on",
        "status",
        "assignee",
        "has_unread",
        "attachment_count",
        "purge_on",
        "keep",
    ]
    list_filter = ["status", "has_unread", ExpiringSoonFilter, "assignee"]
    search_fields = ["=reference"]
    readonly_fields = ["reference", "received_on", "last_activity_on"]
    autocomplete_fields = ["articles"]
    fieldsets = [
        (None, {"fields": ["reference", "received_on", "last_activity_on"]}),
        (gettext_lazy("Handling"), {"fields": ["status", "status_text", "assignee", "keep"]}),
        (gettext_lazy("Write"), {"fields": ["reply", "note"]}),
        (gettext_lazy("Stories"), {"fields": ["articles"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assignee")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(
                is_active=True, groups__name=DESK_GROUP
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("files"))
    def attachment_count(self, tip):
        return tip.attachments.count()

    @admin.display(description=gettext_lazy("purged on"))
    def purge_on(self, tip):
        if tip.keep:
            return "—"
        return tip.last_activity_on + timedelta(days=settings.TIPS_RETENTION_DAYS + 1)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and obj.status_text_sealed:
            try:
                form.base_fields["status_text"].initial = crypto.unseal_json(
                    obj.status_text_sealed
                )["text"]
            except crypto.TipsKeyUnavailable:
                form.base_fields["status_text"].disabled = True
        return form

    def save_model(self, request, obj, form, change):
        if "status_text" in form.changed_data:
            services.set_status_text(obj, form.cleaned_data["status_text"])
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("reply"):
            services.add_desk_message(
                obj, user=request.user, text=form.cleaned_data["reply"], kind=TipMessage.Kind.REPLY
            )
        if form.cleaned_data.get("note"):
            services.add_desk_message(
                obj, user=request.user, text=form.cleaned_data["note"], kind=TipMessage.Kind.NOTE
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        tip = self.get_object(request, object_id)
        if tip is not None and self.has_view_permission(request, tip):
            if request.method == "GET":
                services.record_access(tip, request.user)
            extra_context = (extra_context or {}) | self.thread(tip)
        return super().change_view(request, object_id, form_url, extra_context)

    def thread(self, tip):
        """Decrypt the tip for display, or say plainly that it cannot be read here."""
        try:
            contact = crypto.unseal_json(tip.contact_sealed) if tip.contact_sealed else None
            entries = []
            for message in tip.messages.select_related("author").prefetch_related("attachments"):
                content = crypto.unseal_json(message.sealed)
                files = []
                for attachment in message.attachments.all():
                    meta = crypto.unseal_json(attachment.sealed_meta)
                    files.append(
                        {
                            "name": meta["name"],
                            "size": meta["size"],
                            "content_type": meta["content_type"],
                            "metadata_removed": attachment.metadata_removed,
                            "url": reverse(
                                "admin:tips_tip_attachment", args=[tip.pk, attachment.pk]
                            ),
                        }
                    )
                entries.append(
                    {"message": message, "text": content["text"], "files": files}
                    | {"article": content.get("article")}
                )
        except crypto.TipsKeyUnavailable:
            return {"key_unavailable": True}
        accesses = tip.accesses.select_related("user")[:20]
        return {"contact": contact, "entries": entries, "accesses": accesses}

    def get_urls(self):
        return [
            path(
                "<int:tip_id>/attachment/<int:attachment_id>/",
                self.admin_site.admin_view(self.download_view),
                name="tips_tip_attachment",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, tip_id, attachment_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = get_object_or_404(TipAttachment, pk=attachment_id, tip_id=tip_id)
        try:
            meta = crypto.unseal_json(attachment.sealed_meta)
        except crypto.TipsKeyUnavailable:
            messages.error(request, _("This file cannot be decrypted on this server."))
            raise PermissionDenied from None
        services.record_access(attachment.tip, request.user)
        stored = attachment.file.open("rb")
        chunks = crypto.decrypt_file_chunks(stored, base64.b64decode(meta["key"]), meta["size"])
        response = StreamingHttpResponse(chunks, content_type="application/octet-stream")
        # Always a download, never rendered in the browser; the name travels encoded.
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=meta["name"]
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "no-store, private"
        response["Content-Length"] = str(meta["size"])
        return response


@admin.register(TipAccess)
class TipAccessAdmin(DeskOnly, admin.ModelAdmin):
    list_display = ["tip", "user", "at"]
    list_filter = ["user"]
    search_fields = ["=tip__reference"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
