import secrets

from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def image_upload_to(instance, filename):
    """Store originals under a random name so uploads never collide or reveal their source name."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    now = timezone.now()
    return f"images/{now:%Y/%m}/{secrets.token_hex(8)}.{extension}"


def compose_credit_line(*, photographer="", agency="", distributor=""):
    """Compose `AGENCY/PHOTOGRAPHER via DISTRIBUTOR`, leaving out the parts that are missing."""
    photographer, agency, distributor = (
        part.strip() for part in (photographer, agency, distributor)
    )
    if agency and photographer:
        source = f"{agency}/{photographer}"
    else:
        source = agency or photographer
    if distributor and distributor.casefold() != agency.casefold():
        return f"{source} via {distributor}" if source else distributor
    return source


class ImageQuerySet(models.QuerySet):
    def usable(self, *, at=None):
        """Images whose usage rights have not expired."""
        today = timezone.localdate(at) if at else timezone.localdate()
        return self.filter(Q(rights_expire_on__isnull=True) | Q(rights_expire_on__gte=today))


class Image(models.Model):
    class Licence(models.TextChoices):
        STAFF = "staff", _("Staff")
        AGENCY = "agency", _("Agency")
        HANDOUT = "handout", _("Handout")
        POOL = "pool", _("Pool")
        CREATIVE_COMMONS = "cc", _("Creative Commons")
        OTHER = "other", _("Other")

    file = models.ImageField(_("file"), upload_to=image_upload_to)
    # Dimensions after applying the EXIF orientation, as readers see the picture.
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    focal_x = models.FloatField(
        _("focal point (horizontal)"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is the left edge, 1 the right. Crops keep this point in frame."),
    )
    focal_y = models.FloatField(
        _("focal point (vertical)"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is the top edge, 1 the bottom."),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it. Required to publish."),
    )
    caption = models.TextField(_("caption"), blank=True)
    photographer = models.CharField(_("photographer"), max_length=150, blank=True)
    agency = models.CharField(_("agency"), max_length=100, blank=True)
    distributor = models.CharField(_("distributor"), max_length=100, blank=True)
    credit_override = models.CharField(
        _("credit override"),
        max_length=250,
        blank=True,
        help_text=_("Replaces the composed credit line when the agency asks for a set wording."),
    )
    copyright_notice = models.CharField(_("copyright notice"), max_length=250, blank=True)
    source = models.CharField(_("source"), max_length=150, blank=True)
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.AGENCY
    )
    licence_version = models.CharField(
        _("licence version"), max_length=20, blank=True, help_text=_("For example CC BY-SA 4.0.")
    )
    restrictions = models.TextField(_("usage restrictions"), blank=True)
    rights_expire_on = models.DateField(_("rights expire on"), null=True, blank=True)
    # [crop, format, width, height, file name] of every rendition: what pages need, no join.
    variants = models.JSONField(default=list, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.title or self.caption[:60] or self.file.name

    def save(self, *args, **kwargs):
        # `variants` is written by sync_variants() alone: an editor's form loaded before a
        # background task made the renditions must not write its stale copy back over them.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "variants"
            ]
        super().save(*args, **kwargs)

    @property
    def credit_line(self):
        if self.credit_override.strip():
            return self.credit_override.strip()
        return compose_credit_line(
            photographer=self.photographer, agency=self.agency, distributor=self.distributor
        )

    def renditions_for(self, crop):
        """Return this image's renditions of one crop, by format, narrowest first.

        Read from `variants`, the copy of the rendition rows kept on the image itself, so pages
        showing images need no query for them.
        """
        by_format = {}
        for variant_crop, kind, width, height, name in self.variants:
            if variant_crop == crop:
                by_format.setdefault(kind, []).append(Variant(kind, width, height, name))
        for renditions in by_format.values():
            renditions.sort(key=lambda rendition: rendition.width)
        return by_format

    def sync_variants(self):
        """Copy the rendition rows into `variants` (call after renditions change)."""
        self.variants = [
            [r.crop, r.format, r.width, r.height, r.file.name]
            for r in self.renditions.order_by("crop", "format", "width")
        ]
        Image.objects.filter(pk=self.pk).update(variants=self.variants)

    def thumbnail_url(self):
        """A small rendition for staff lists (the original until renditions exist): lists of
        originals would each be a full download and, on local disk, a staff check by nginx."""
        smallest = self.renditions_for("16x9").get("jpeg")
        if smallest:
            return smallest[0].file.url
        return self.file.url if self.file else ""

    def public_rendition(self, crop, kind="jpeg"):
        """The widest rendition of a crop in one format, or None if readers may not see it."""
        if not self.is_usable():
            return None
        renditions = self.renditions_for(crop).get(kind)
        return renditions[-1] if renditions else None

    def is_usable(self, *, at=None):
        today = timezone.localdate(at) if at else timezone.localdate()
        return self.rights_expire_on is None or self.rights_expire_on >= today


class VariantFile:
    def __init__(self, name):
        self.name = name

    @property
    def url(self):
        return default_storage.url(self.name)


class Variant:
    """A rendition as pages see it: format, size and file, read from Image.variants."""

    __slots__ = ("format", "width", "height", "file")

    def __init__(self, kind, width, height, name):
        self.format, self.width, self.height = kind, width, height
        self.file = VariantFile(name)


class Rendition(models.Model):
    """A resized, cropped, metadata-free copy of an image, made once and kept in storage."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    crop = models.CharField(max_length=20)
    format = models.CharField(max_length=10)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file = models.FileField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["image", "crop", "format", "width"], name="rendition_unique_size"
            )
        ]

    def __str__(self):
        return f"{self.crop} {self.width}×{self.height} {self.format}"
