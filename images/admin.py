from django.contrib import admin

from images.models import Image


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ("__str__", "credit_line", "licence", "rights_expire_on", "created_at")
    list_filter = ("licence", "agency")
    search_fields = ("title", "caption", "photographer", "agency", "distributor")
    date_hierarchy = "created_at"
