from django.contrib import admin

from articles.models import Article, Byline, Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name_es", "name_en", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name_es",)}


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    autocomplete_fields = ("author",)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("headline", "section", "language", "status", "published_at", "modified_at")
    list_filter = ("status", "language", "section")
    search_fields = ("headline", "standfirst")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("lead_image", "translation_of", "related_articles")
    inlines = (BylineInline,)
