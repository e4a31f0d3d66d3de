"""Two-factor sign-in for staff (django-otp, TOTP).

Every staff member may add an authenticator app at /admin/two-factor/. Once they have one, the
admin sign-in asks for its six-digit code. Members of TWO_FACTOR_REQUIRED_GROUPS (in production:
Editor and Tips desk) cannot use the admin until their session is verified: they are sent to
set up an app first, and must sign in with a code afterwards.
"""

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

OPEN_PATHS = ("/admin/login/", "/admin/logout/", "/admin/two-factor/", "/admin/jsi18n/")


def two_factor_required(user):
    groups = settings.TWO_FACTOR_REQUIRED_GROUPS
    return bool(groups) and user.is_active and user.groups.filter(name__in=groups).exists()


def awaiting_second_factor(user):
    """A signed-in staff member who must use two-factor sign-in and has not, this session."""
    return user.is_staff and not user.is_verified() and two_factor_required(user)


class OTPAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin sign-in form, asking for the app's code from staff who have an app."""

    otp_token = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=gettext_lazy("Only if you have set up two-factor sign-in."),
    )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user_has_device(user):
            return
        token = (self.cleaned_data.get("otp_token") or "").strip().replace(" ", "")
        device = match_token(user, token) if token else None
        if device is None:
            raise forms.ValidationError(
                _("Enter the current six-digit code from your authenticator app."),
                code="otp_required",
            )
        # django-otp marks the session verified when the login completes.
        user.otp_device = device


class TwoFactorRequiredMiddleware:
    """Send members of the required groups to set up an app before any other admin page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        user = getattr(request, "user", None)
        if (
            path.startswith("/admin/")
            and not path.startswith(OPEN_PATHS)
            and user is not None
            and user.is_authenticated
            and awaiting_second_factor(user)
        ):
            return redirect(reverse("two-factor") + f"?next={path}")
        return self.get_response(request)


class SetupForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code shown by the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@login_required
def setup(request):
    """Add an authenticator app: show its secret (and a QR code), confirm it with a code."""
    if not request.user.is_staff:
        return redirect("admin:login")
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "authenticator app"}
    )
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip().replace(" ", "")):
            device.confirmed = True
            device.save()
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            otp_login(request, device)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = reverse("admin:index")
            return redirect(target)
        form.add_error(
            "token", _("That code does not match. Check the app's clock and try again.")
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Two-factor sign-in"),
        "form": form,
        "already_confirmed": confirmed,
        "required": two_factor_required(request.user),
        "secret": device.config_url.split("secret=")[1].split("&")[0],
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4),
    }
    return render(request, "admin/two_factor_setup.html", context)
