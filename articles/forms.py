from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.models import Tag

from articles import workflow
from articles.models import Article, Section

BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False},
    "History": True,
    "HTML": True,
}
BYLINE_PREFIX = "bylines"


def posted_byline_count(data, prefix=BYLINE_PREFIX):
    """Count the byline rows of a submitted admin form that name an author and are not deleted."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        return 0
    return sum(
        1
        for index in range(min(total, 1000))
        if data.get(f"{prefix}-{index}-author") and not data.get(f"{prefix}-{index}-DELETE")
    )


class ArticleAdminForm(forms.ModelForm):
    body = ProseEditorFormField(
        label=gettext_lazy("Body"),
        required=False,
        extensions=BODY_EXTENSIONS,
        widget=AdminProseEditorWidget,
    )
    edit_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    significant_update = forms.BooleanField(
        label=gettext_lazy("Significant update"),
        required=False,
        help_text=gettext_lazy(
            "Tick when the change matters to readers: the article shows an “Updated” time. "
            "Leave unticked for typo fixes."
        ),
    )

    # Set by ArticleAdmin.get_form() for the request being served: the editor, and during a
    # restore from history the live row's revision, time and editor.
    user = None
    live_state = None

    class Meta:
        model = Article
        fields = (
            "headline",
            "standfirst",
            "body",
            "article_type",
            "dateline",
            "section",
            "language",
            "tags",
            "lead_image",
            "lead_image_caption",
            "status",
            "published_at",
            "expires_at",
            "updated_at",
            "slug",
            "seo_description",
            "translation_of",
            "related_articles",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_revision"].initial = self.stored_state()["revision"]
        status = self.fields.get("status")
        if status is not None and self.user is not None and not workflow.can_publish(self.user):
            allowed = {Article.Status.DRAFT, Article.Status.IN_REVIEW, self.instance.status}
            status.choices = [choice for choice in status.choices if choice[0] in allowed]

    def clean_tags(self):
        tags = self.cleaned_data.get("tags") or []
        limit = Tag._meta.get_field("name").max_length
        too_long = [tag for tag in tags if len(tag) > limit]
        if too_long:
            raise ValidationError(
                _(
                    "A tag can be at most %(limit)s characters long; "
                    "this one is %(length)s: %(tag)s."
                )
                % {
                    "limit": limit,
                    "length": len(too_long[0]),
                    "tag": Truncator(too_long[0]).chars(40),
                }
            )
        # The tag's address (taggit's slug, "_N" added on a clash) must fit its column too:
        # some characters expand ("ﬃ" becomes "ffi").
        slug_limit = Tag._meta.get_field("slug").max_length - len("_999")
        for tag in tags:
            if len(Tag().slugify(tag)) > slug_limit:
                raise ValidationError(
                    _("This tag makes too long a web address; shorten it: %(tag)s.")
                    % {"tag": Truncator(tag).chars(40)}
                )
        return tags

    def clean(self):
        cleaned = super().clean()
        self.check_concurrent_save()
        previous_status = None
        if self.instance.pk:
            stored = Article.objects.filter(pk=self.instance.pk).values_list("status", flat=True)
            previous_status = stored.first()
        new_status = cleaned.get("status", self.instance.status)
        if self.user is not None:
            try:
                workflow.check_status_change(
                    user=self.user, old_status=previous_status, new_status=new_status
                )
            except PermissionDenied as refusal:
                raise ValidationError(str(refusal)) from None
        if new_status == Article.Status.PUBLISHED:
            candidate = Article(
                headline=cleaned.get("headline") or "",
                standfirst=cleaned.get("standfirst") or "",
                section=cleaned.get("section"),
                lead_image=cleaned.get("lead_image"),
            )
            problems = workflow.publish_problems(
                candidate, byline_count=posted_byline_count(self.data)
            )
            if problems:
                raise ValidationError(workflow.publish_refusal(problems))
        return cleaned

    def stored_state(self):
        """Return the saved row's revision, time and editor (not the instance's, which a
        restore from history replaces with an old version)."""
        if self.live_state is None:
            # The admin runs the whole view in one transaction, so this row lock holds until
            # the save commits: a simultaneous save waits here, then sees the new revision.
            self.live_state = (
                Article.objects.select_for_update(of=("self",))
                .filter(pk=self.instance.pk)
                .values("revision", "modified_at", "modified_by__username")
                .first()
            )
        return self.live_state

    def check_concurrent_save(self):
        if not self.instance.pk:
            return
        current = self.stored_state()
        posted = self.cleaned_data.get("edit_revision")
        if current is None or posted == current["revision"]:
            return
        who = current["modified_by__username"] or _("someone else")
        raise ValidationError(
            _(
                "%(who)s saved this article at %(when)s, after you opened it. Your changes "
                "have not been saved and are still in this form: copy what you need, then "
                "reload the article to see their version."
            )
            % {
                "who": who,
                "when": formats.date_format(
                    timezone.localtime(current["modified_at"]), "DATETIME_FORMAT"
                ),
            },
            code="concurrent_save",
        )


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search for"), max_length=200, required=False)
    section = forms.ModelChoiceField(
        label=gettext_lazy("Section"),
        queryset=Section.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("All sections"),
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].replace("\x00", "").split())
