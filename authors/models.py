from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Author(models.Model):
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    role = models.CharField(
        _("role or title"),
        max_length=150,
        blank=True,
        help_text=_("Current title, for example “Americas Coordinator”."),
    )
    bio_es = models.TextField(_("biography (Spanish)"), blank=True)
    bio_en = models.TextField(_("biography (English)"), blank=True)
    photo = models.ForeignKey(
        "images.Image",
        verbose_name=_("photo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("authors:detail", kwargs={"slug": self.slug})

    @property
    def bio(self):
        if get_language() == "en":
            return self.bio_en or self.bio_es
        return self.bio_es or self.bio_en


class AuthorLink(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(_("label"), max_length=60, help_text=_("For example Mastodon."))
    url = models.URLField(_("URL"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("public link")
        verbose_name_plural = _("public links")

    def __str__(self):
        return self.label
