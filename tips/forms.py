import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from articles.models import Article
from tips.attachments import ACCEPTED_DESCRIPTION, clean_attachment

TOKEN_SALT = "tips.form-token"
RECENT_ARTICLES = 30


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def new_form_token():
    return signing.dumps({"n": secrets.token_hex(8), "t": int(time.time())}, salt=TOKEN_SALT)


def nonce_key(nonce):
    return f"tips:form-used:{nonce}"


class AttachmentsMixin:
    """Clean attached files one by one; say which one failed and why."""

    def attachments_help(self):
        return _(
            "Optional. Up to %(count)s files of at most %(size)s each. %(accepted)s "
            "Photos are re-saved without their hidden data (location, camera, date)."
        ) % {
            "count": settings.TIPS_MAX_FILES,
            "size": filesizeformat(settings.TIPS_MAX_FILE_BYTES),
            "accepted": ACCEPTED_DESCRIPTION,
        }

    def clean_attachments(self):
        cleaned, problems = [], list(self.upload_problems)
        for upload in self.cleaned_data.get("attachments") or []:
            try:
                cleaned.append(clean_attachment(upload))
            except forms.ValidationError as error:
                problems.extend(error.messages)
        if problems:
            problems.append(
                _("Nothing was sent. Your text is kept below; attach the files again.")
            )
            raise forms.ValidationError(problems)
        return cleaned


class TipForm(AttachmentsMixin, forms.Form):
    ANONYMOUS = "anonymous"
    CONTACT = "contact"

    message = forms.CharField(
        label=gettext_lazy("Your message"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=settings.TIPS_MESSAGE_MAX_CHARS,
        help_text=gettext_lazy("What happened, where and when, and how you know."),
    )
    article = forms.ModelChoiceField(
        label=gettext_lazy("The story it concerns (optional)"),
        queryset=Article.objects.none(),
        required=False,
        empty_label=gettext_lazy("None in particular"),
    )
    attachments = MultipleFileField(label=gettext_lazy("Files"), required=False)
    identity = forms.ChoiceField(
        label=gettext_lazy("Do you want us to be able to contact you?"),
        choices=[
            (ANONYMOUS, gettext_lazy("No, stay anonymous (recommended)")),
            (CONTACT, gettext_lazy("Yes, I leave contact details below")),
        ],
        initial=ANONYMOUS,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=gettext_lazy("Name or alias"), max_length=200, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=50, required=False)
    signal = forms.CharField(
        label=gettext_lazy("Signal username or number"), max_length=100, required=False
    )
    # Honeypot: hidden from people, tempting to bots.
    website = forms.CharField(
        label=gettext_lazy("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, upload_problems=(), article_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload_problems = upload_problems
        self.fields["article"].queryset = self.article_choices(article_id)
        if article_id and not self.is_bound:
            self.initial["article"] = article_id
        self.fields["attachments"].help_text = self.attachments_help()
        if not self.is_bound:
            self.initial["token"] = new_form_token()
        self.fields["message"].widget.attrs["maxlength"] = settings.TIPS_MESSAGE_MAX_CHARS

    @staticmethod
    def article_choices(article_id):
        visible = Article.objects.published().in_language(get_language())
        recent = list(visible.order_by("-published_at").values_list("pk", flat=True)[:30])
        wanted = [article_id] if isinstance(article_id, int) else []
        return visible.filter(pk__in=recent + wanted).order_by("-published_at")

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This field must be left empty."))
        return ""

    def clean_token(self):
        try:
            payload = signing.loads(
                self.cleaned_data["token"], salt=TOKEN_SALT, max_age=settings.TIPS_FORM_MAX_AGE
            )
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _("This form was open for too long. Check your text and send it again.")
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This form could not be checked. Send it again.")
            ) from None
        if time.time() - payload["t"] < settings.TIPS_MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("That was sent faster than a person can type. Wait a moment and send it again.")
            )
        if cache.get(nonce_key(payload["n"])):
            raise forms.ValidationError(
                _("This form has already been sent. Your tip was received once.")
            )
        self.nonce = payload["n"]
        return self.cleaned_data["token"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("identity") == self.CONTACT:
            if not any(cleaned.get(field) for field in ("email", "phone", "signal")):
                self.add_error(
                    "identity",
                    _(
                        "To be contacted, leave an email, a phone number or a Signal username; "
                        "or choose to stay anonymous."
                    ),
                )
        return cleaned

    def contact(self):
        """The contact details to seal, or None: an anonymous tip keeps none of them."""
        if self.cleaned_data["identity"] != self.CONTACT:
            return None
        return {
            field: self.cleaned_data[field]
            for field in ("name", "email", "phone", "signal")
            if self.cleaned_data[field]
        }

    def mark_sent(self):
        cache.set(nonce_key(self.nonce), True, settings.TIPS_FORM_MAX_AGE)

    def renewed(self):
        """A copy of a refused form's data with a fresh token, so it can be sent again."""
        data = self.data.copy()
        data["token"] = new_form_token()
        return data


class ReceiptCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Your receipt code"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class FollowUpForm(AttachmentsMixin, forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Add information"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=settings.TIPS_MESSAGE_MAX_CHARS,
    )
    attachments = MultipleFileField(label=gettext_lazy("Files"), required=False)

    def __init__(self, *args, upload_problems=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.upload_problems = upload_problems
        self.fields["attachments"].help_text = self.attachments_help()
