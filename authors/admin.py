from django.contrib import admin

from authors.models import Author, AuthorLink
from newsroom.saving import KeepWorkOnFailedSave


class AuthorLinkInline(admin.TabularInline):
    model = AuthorLink
    extra = 0


@admin.register(Author)
class AuthorAdmin(KeepWorkOnFailedSave, admin.ModelAdmin):
    list_display = ("name", "role", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "role")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("photo", "user")
    inlines = (AuthorLinkInline,)
