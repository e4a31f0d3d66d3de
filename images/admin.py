import csv
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from images import services
from images.inspection import inspect_upload
from images.models import Image
from images.reports import image_use_by_agency_and_month
from images.tasks import make_renditions
from newsroom.saving import SAVE_FAILURES, KeepWorkOnFailedSave, atomic_with_files, note_failure
from newsroom.tasks import enqueue_on_commit

EXPIRING_DAYS = 30
MAX_FILES_PER_UPLOAD = 20
RENDITIONS_PENDING = gettext_lazy(
    "Renditions are being made; the image appears on pages once they are ready."
)
RENDITIONS_MISSING = gettext_lazy(
    "No renditions yet: readers see a placeholder. If this lasts, choose the image in the list "
    "and run “Make missing renditions”."
)


class ImageAdminForm(forms.ModelForm):
    # A plain file field: the upload is checked by inspect_upload(), which says why a file is
    # refused, instead of Django's generic "not a valid image".
    file = forms.FileField(
        label=gettext_lazy("file"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text=gettext_lazy("JPEG, PNG, WebP or GIF."),
    )

    class Meta:
        model = Image
        fields = (
            "file",
            "title",
            "alt_text",
            "caption",
            "photographer",
            "agency",
            "distributor",
            "credit_override",
            "copyright_notice",
            "source",
            "licence",
            "licence_version",
            "restrictions",
            "rights_expire_on",
            "focal_x",
            "focal_y",
        )

    facts = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            self.facts = inspect_upload(upload)
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class BulkUploadForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("Images"),
        help_text=gettext_lazy("JPEG, PNG, WebP or GIF; up to 20 files at once."),
    )

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES_PER_UPLOAD:
            raise ValidationError(
                _("Upload at most %(count)s files at once.") % {"count": MAX_FILES_PER_UPLOAD}
            )
        errors = []
        self.inspected = []
        for upload in uploads:
            try:
                self.inspected.append((upload, inspect_upload(upload)))
            except ValidationError as refusal:
                errors.append(f"{upload.name}: {' '.join(refusal.messages)}")
        if errors:
            raise ValidationError(errors)
        return uploads


class RightsStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("rights status")
    parameter_name = "rights"

    def lookups(self, request, model_admin):
        return [
            ("valid", _("Valid")),
            ("expiring", _("Expiring within 30 days")),
            ("expired", _("Expired")),
            ("no_credit", _("Missing credit")),
            ("no_alt", _("Missing alt text")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        soon = today + timedelta(days=EXPIRING_DAYS)
        no_credit = Q(photographer="", agency="", distributor="", credit_override="")
        return {
            "valid": queryset.usable(),
            "expiring": queryset.filter(rights_expire_on__gte=today, rights_expire_on__lte=soon),
            "expired": queryset.filter(rights_expire_on__lt=today),
            "no_credit": queryset.filter(no_credit),
            "no_alt": queryset.filter(alt_text=""),
        }.get(self.value(), queryset)


@admin.register(Image)
class ImageAdmin(KeepWorkOnFailedSave, admin.ModelAdmin):
    form = ImageAdminForm
    list_display = (
        "thumbnail",
        "short_caption",
        "credit_line",
        "licence",
        "rights_status",
        "created_at",
    )
    list_display_links = ("thumbnail", "short_caption")
    list_filter = (RightsStatusFilter, "licence", "agency", "distributor")
    search_fields = ("title", "caption", "photographer", "agency", "distributor", "alt_text")
    date_hierarchy = "created_at"
    readonly_fields = ("preview", "dimensions", "credit_line")
    list_per_page = 50
    actions = ["make_missing_renditions"]
    fieldsets = (
        (None, {"fields": ("file", "preview", "dimensions", ("focal_x", "focal_y"))}),
        (gettext_lazy("Description"), {"fields": ("title", "alt_text", "caption")}),
        (
            gettext_lazy("Credit"),
            {
                "fields": (
                    ("photographer", "agency", "distributor"),
                    "credit_override",
                    "credit_line",
                    "copyright_notice",
                    "source",
                )
            },
        ),
        (
            gettext_lazy("Rights"),
            {"fields": (("licence", "licence_version"), "restrictions", "rights_expire_on")},
        ),
    )

    class Media:
        css = {"all": ("css/admin.css",)}
        js = ("js/admin_focal_point.js",)

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.bulk_upload_view),
                name="images_image_bulk_upload",
            ),
            path(
                "usage.csv",
                self.admin_site.admin_view(self.usage_csv_view),
                name="images_image_usage_csv",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = (extra_context or {}) | {
            "bulk_upload_url": reverse("admin:images_image_bulk_upload"),
            "usage_csv_url": reverse("admin:images_image_usage_csv"),
        }
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        facts = form.facts
        if facts is not None:
            filled = services.prefill_from_metadata(obj, facts.metadata)
            if filled:
                names = ", ".join(str(Image._meta.get_field(name).verbose_name) for name in filled)
                messages.info(
                    request,
                    _("Filled from the file's metadata: %(fields)s. Check them.")
                    % {"fields": names},
                )
        recrop = change and bool({"focal_x", "focal_y"} & set(form.changed_data))
        services.store_image(image=obj, facts=facts, recrop=recrop)
        if obj.renditions_pending:
            messages.info(request, RENDITIONS_PENDING)

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        # Show the editor what the metadata filled in, so they can correct it.
        return redirect("admin:images_image_change", obj.pk)

    def delete_model(self, request, obj):
        services.delete_image_files(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            services.delete_image_files(image)
        super().delete_queryset(request, queryset)

    def bulk_upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BulkUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            pending = 0
            try:
                with atomic_with_files():
                    for upload, facts in form.inspected:
                        image = Image(file=upload)
                        services.prefill_from_metadata(image, facts.metadata)
                        services.store_image(image=image, facts=facts)
                        pending += image.renditions_pending
            except SAVE_FAILURES as error:
                note_failure(error, "Image upload")
                form.add_error(
                    None,
                    _(
                        "Nothing was uploaded: the database or file storage failed while "
                        "saving. Choose the files again and upload them in a moment."
                    ),
                )
                return self.bulk_upload_page(request, form, status=503)
            messages.success(
                request,
                _("%(count)s images added. Add alt text where it is missing.")
                % {"count": len(form.inspected)},
            )
            if pending:
                messages.info(request, RENDITIONS_PENDING)
            return redirect(reverse("admin:images_image_changelist") + "?rights=no_alt")
        return self.bulk_upload_page(request, form)

    def bulk_upload_page(self, request, form, status=200):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload images"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/images/image/bulk_upload.html", context, status=status
        )

    def usage_csv_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="image-use-by-agency.csv"'
        writer = csv.writer(response)
        writer.writerow(["month", "agency", "images", "articles"])
        writer.writerows(image_use_by_agency_and_month())
        return response

    @admin.display(description="")
    def thumbnail(self, obj):
        if not obj.file:
            return ""
        return format_html(
            '<img src="{}" alt="" class="admin-thumb" width="64" height="36" loading="lazy">',
            obj.thumbnail_url(),
        )

    @admin.display(description=gettext_lazy("preview"))
    def preview(self, obj):
        if not obj.pk or not obj.file:
            return _("Upload a file to see it here.")
        return format_html(
            '<div class="focal-preview"><img src="{}" alt="" width="{}" height="{}">'
            '<span class="focal-marker" data-left="{}" data-top="{}"></span></div>'
            '<p class="help">{}</p>',
            obj.file.url,
            obj.width or "",
            obj.height or "",
            round(obj.focal_x * 100, 1),
            round(obj.focal_y * 100, 1),
            _("Click the picture to set the focal point that crops keep in frame."),
        )

    @admin.action(description=gettext_lazy("Make missing renditions"), permissions=["change"])
    def make_missing_renditions(self, request, queryset):
        """Queue (or, without a worker, make) the renditions an image lacks: after a failed
        background run, or for images stored before a new size was added."""
        images = list(queryset.values_list("pk", flat=True))
        for image_id in images:
            enqueue_on_commit(make_renditions, image_id)
        messages.success(
            request,
            _("Missing renditions requested for %(count)s image(s).") % {"count": len(images)},
        )

    @admin.display(description=gettext_lazy("size"))
    def dimensions(self, obj):
        if not obj.width:
            return "—"
        size = f"{obj.width} × {obj.height} px"
        if obj.pk and not obj.variants:
            return f"{size}. {RENDITIONS_MISSING}"
        return size

    @admin.display(description=gettext_lazy("caption"), ordering="caption")
    def short_caption(self, obj):
        return (obj.caption or obj.title or obj.file.name)[:90]

    @admin.display(description=gettext_lazy("rights"))
    def rights_status(self, obj):
        today = timezone.localdate()
        if obj.rights_expire_on is None:
            return _("No expiry")
        if obj.rights_expire_on < today:
            return format_html('<strong class="rights-expired">{}</strong>', _("Expired"))
        if obj.rights_expire_on <= today + timedelta(days=EXPIRING_DAYS):
            return format_html(
                '<strong class="rights-expiring">{}</strong>',
                _("Expires %(date)s") % {"date": obj.rights_expire_on},
            )
        return _("Until %(date)s") % {"date": obj.rights_expire_on}
