from django.contrib import admin
from django.db import models

from authors.models import Author, AuthorLink
from newsroom.saving import KeepWorkOnFailedSave


class AuthorLinkInline(admin.TabularInline):
    model = AuthorLink
    extra = 0
    # A link typed without a scheme is taken as https://, the default from Django 6 on.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Author)
class AuthorAdmin(KeepWorkOnFailedSave, admin.ModelAdmin):
    list_display = ("name", "role", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "role")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("photo", "user")
    inlines = (AuthorLinkInline,)
