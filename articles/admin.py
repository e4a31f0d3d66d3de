from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin
from taggit.models import Tag

from articles import workflow
from articles.forms import ArticleAdminForm
from articles.models import Article, Byline, Correction, Section
from newsroom.admin_csp import NonceMediaMixin
from newsroom.saving import KeepWorkOnFailedSave

PRESENCE_SECONDS = 15 * 60
TAG_SUGGESTIONS = 10


@admin.register(Section)
class SectionAdmin(KeepWorkOnFailedSave, admin.ModelAdmin):
    list_display = ("name_es", "name_en", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name_es", "name_en")
    prepopulated_fields = {"slug": ("name_es",)}


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ("author",)
    fields = ("author", "role", "kind", "order")


class CorrectionInline(admin.StackedInline):
    """Append-only: existing entries show read-only, new ones can be added by editors."""

    model = Correction
    extra = 0
    can_delete = False
    fields = ("kind", "text", "created_at")
    readonly_fields = ("created_at",)

    def has_change_permission(self, request, obj=None):
        return False


class TranslationFilter(admin.SimpleListFilter):
    title = gettext_lazy("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [("missing", _("Missing")), ("outdated", _("Out of date"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(translation_of__isnull=True, translated_version__isnull=True)
        if self.value() == "outdated":
            return queryset.filter(translation_of__content_changed_at__gt=F("content_changed_at"))
        return queryset


class ScheduleFilter(admin.SimpleListFilter):
    title = gettext_lazy("visibility")
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [("live", _("Live now")), ("scheduled", _("Scheduled"))]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.published()
        if self.value() == "scheduled":
            return queryset.scheduled()
        return queryset


@admin.register(Article)
class ArticleAdmin(KeepWorkOnFailedSave, NonceMediaMixin, CompareVersionAdmin):
    form = ArticleAdminForm
    list_display = (
        "thumbnail",
        "headline",
        "section",
        "language",
        "status_label",
        "byline_names",
        "published_at",
        "translation_state",
        "modified_at",
    )
    list_display_links = ("headline",)
    list_filter = (
        "status",
        ScheduleFilter,
        "section",
        "language",
        "article_type",
        TranslationFilter,
        ("bylines__author", admin.RelatedOnlyFieldListFilter),
        "published_at",
    )
    search_fields = ("headline", "standfirst", "slug", "tags__name", "bylines__author__name")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("lead_image", "translation_of", "related_articles", "section")
    readonly_fields = ("text_stats", "preview_link", "first_published_at", "content_changed_at")
    inlines = (BylineInline, CorrectionInline)
    actions = ("publish_selected", "unpublish_selected", "submit_selected_for_review")
    list_select_related = ("section", "lead_image", "translation_of")
    fieldsets = (
        (
            gettext_lazy("Content"),
            {
                "fields": (
                    "headline",
                    "standfirst",
                    "body",
                    "text_stats",
                    ("article_type", "dateline"),
                    ("section", "language"),
                    "tags",
                    ("lead_image", "lead_image_caption"),
                )
            },
        ),
        (
            gettext_lazy("Publishing"),
            {
                "fields": (
                    "status",
                    ("published_at", "expires_at"),
                    "significant_update",
                    "updated_at",
                    "preview_link",
                    "edit_revision",
                )
            },
        ),
        (gettext_lazy("SEO"), {"fields": ("slug", "seo_description")}),
        (
            gettext_lazy("Advanced"),
            {
                "classes": ("collapse",),
                "fields": (
                    "translation_of",
                    "related_articles",
                    "first_published_at",
                    "content_changed_at",
                ),
            },
        ),
    )

    class Media:
        js = ("js/admin_counts.js", "js/admin_tags.js")
        css = {"all": ("css/admin.css",)}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bylines__author")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        attrs = {"user": request.user, "live_state": getattr(request, "live_article_state", None)}
        return type(form.__name__, (form,), attrs)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # A restore can change what is public, so only people who may publish restore, and only
        # from this article's own versions (a revision also holds other objects saved with it).
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        get_object_or_404(
            Version.objects.get_for_model(Article), pk=version_id, object_id=object_id
        )
        # django-reversion writes the old version into the row before the form runs: keep the
        # live row for the concurrent-save check, slug history and the new revision number.
        request.live_article = get_object_or_404(
            Article.objects.select_related("modified_by"), pk=object_id
        )
        request.live_article_state = {
            "revision": request.live_article.revision,
            "modified_at": request.live_article.modified_at,
            "modified_by__username": getattr(request.live_article.modified_by, "username", None),
        }
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        get_object_or_404(Version.objects.get_for_model(Article), pk=version_id)
        return super().recover_view(request, version_id, extra_context)

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is not None and obj.status in workflow.PUBLISHER_ONLY_STATUSES:
            return workflow.can_publish(request.user)
        return True

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not workflow.can_publish(request.user):
            fields += ["published_at", "expires_at", "updated_at"]
        return fields

    def get_inlines(self, request, obj):
        if obj is None or not obj.first_published_at:
            return (BylineInline,)
        return self.inlines

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published() else None

    def save_model(self, request, obj, form, change):
        previous = getattr(request, "live_article", None)
        if previous is None and change:
            previous = Article.objects.filter(pk=obj.pk).first()
        if previous is not None:
            # Fields a restore must not roll back.
            obj.preview_version = previous.preview_version
            obj.first_published_at = obj.first_published_at or previous.first_published_at
        workflow.check_status_change(
            user=request.user,
            old_status=previous.status if previous else None,
            new_status=obj.status,
        )
        workflow.prepare_for_save(
            obj,
            user=request.user,
            previous=previous,
            significant=form.cleaned_data.get("significant_update", False),
        )
        super().save_model(request, obj, form, change)
        workflow.record_old_slug(article=obj, previous=previous)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Correction) and instance.pk is None:
                instance.created_by = request.user
            instance.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self.note_presence(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def note_presence(self, request, object_id):
        """Warn when someone else opened this article recently, then record this visit."""
        key = f"articles:presence:{object_id}"
        seen = cache.get(key)
        if seen and seen["user_id"] != request.user.pk:
            minutes = max(0, int((timezone.now().timestamp() - seen["at"]) // 60))
            messages.warning(
                request,
                _(
                    "%(name)s opened this article %(minutes)s minute(s) ago and may be "
                    "editing it. Coordinate before saving."
                )
                % {"name": seen["name"], "minutes": minutes},
            )
        cache.set(
            key,
            {
                "user_id": request.user.pk,
                "name": request.user.get_full_name() or request.user.get_username(),
                "at": timezone.now().timestamp(),
            },
            PRESENCE_SECONDS,
        )

    @admin.display(description="")
    def thumbnail(self, obj):
        if obj.lead_image_id and obj.lead_image.file:
            return format_html(
                '<img src="{}" alt="" class="admin-thumb" width="64" height="36" loading="lazy">',
                obj.lead_image.thumbnail_url(),
            )
        return ""

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_label(self, obj):
        if obj.status == Article.Status.PUBLISHED and not obj.is_published():
            if obj.published_at and obj.published_at > timezone.now():
                return _("Scheduled")
            return _("Expired")
        return obj.get_status_display()

    @admin.display(description=gettext_lazy("bylines"))
    def byline_names(self, obj):
        return ", ".join(byline.author.name for byline in obj.bylines.all())

    @admin.display(description=gettext_lazy("translation"))
    def translation_state(self, obj):
        if obj.translation_of_id:
            if obj.is_translation_out_of_date:
                return _("Out of date")
            return _("Translation")
        return _("Translated") if obj.translation else _("Missing")

    @admin.display(description=gettext_lazy("length"))
    def text_stats(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return _("%(words)s words · %(minutes)s min read") % {
            "words": obj.word_count,
            "minutes": obj.reading_minutes,
        }

    @admin.display(description=gettext_lazy("preview link"))
    def preview_link(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the article to get a preview link.")
        url = reverse("articles:preview", kwargs={"token": workflow.make_preview_token(obj)})
        revoke = reverse("admin:articles_article_revoke_previews", args=[obj.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> '
            '<span class="help">{}</span> '
            '<button type="submit" formaction="{}" formmethod="post" formnovalidate '
            'class="button">{}</button>',
            url,
            _("Preview (works without signing in, for 7 days)"),
            _("Share it only with people who should read the draft."),
            revoke,
            _("Revoke all preview links"),
        )

    def get_urls(self):
        return [
            path(
                "tag-suggestions/",
                self.admin_site.admin_view(self.tag_suggestions_view),
                name="articles_article_tag_suggestions",
            ),
            path(
                "<int:pk>/revoke-previews/",
                self.admin_site.admin_view(self.revoke_previews_view),
                name="articles_article_revoke_previews",
            ),
            *super().get_urls(),
        ]

    def tag_suggestions_view(self, request):
        """Return existing tag names that start with ?q=, for the tags field's suggestions."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        prefix = request.GET.get("q", "").strip()[:100]
        names = []
        if prefix:
            names = list(
                Tag.objects.filter(name__istartswith=prefix)
                .order_by("name")
                .values_list("name", flat=True)[:TAG_SUGGESTIONS]
            )
        return JsonResponse({"tags": names})

    def revoke_previews_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(Article, pk=pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        workflow.revoke_preview_links(article=article)
        messages.success(request, _("Earlier preview links no longer work."))
        return redirect("admin:articles_article_change", pk)

    @admin.action(permissions=["publish"], description=gettext_lazy("Publish selected articles"))
    def publish_selected(self, request, queryset):
        self.apply_to_each(request, queryset, workflow.publish_article, _("Published"))

    @admin.action(permissions=["publish"], description=gettext_lazy("Unpublish selected articles"))
    def unpublish_selected(self, request, queryset):
        self.apply_to_each(request, queryset, workflow.unpublish_article, _("Unpublished"))

    @admin.action(
        permissions=["change"], description=gettext_lazy("Submit selected drafts for review")
    )
    def submit_selected_for_review(self, request, queryset):
        self.apply_to_each(request, queryset, workflow.submit_for_review, _("Submitted"))

    def apply_to_each(self, request, queryset, service, done_label):
        done = 0
        for article in queryset:
            try:
                service(article=article, user=request.user)
            except (ValidationError, PermissionDenied) as refusal:
                text = "; ".join(refusal.messages) if hasattr(refusal, "messages") else refusal
                messages.error(request, f"“{article.headline}”: {text}")
            else:
                done += 1
        if done:
            messages.success(
                request,
                _("%(label)s: %(count)s article(s).")
                % {
                    "label": done_label,
                    "count": done,
                },
            )


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ("article", "kind", "created_at", "created_by")
    list_filter = ("kind", "article__language")
    search_fields = ("text", "article__headline")
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
