"""Let the admin run under the site's Content Security Policy.

The rich-text editor loads its modules through an inline import map (`<script
type="importmap">`), which a CSP without 'unsafe-inline' blocks unless it carries the request's
nonce. This mixin gives the change form's media that nonce (django-csp adds it to the header).
"""

from csp.constants import UNSAFE_INLINE
from js_asset import Media


class NonceMediaMixin:
    def render_change_form(self, request, context, *args, **kwargs):
        nonce = getattr(request, "csp_nonce", None)
        # django-csp's lazy nonce is falsy until read: read it (which also puts it in the header).
        if nonce is not None and "media" in context:
            context["media"] = Media.from_media(context["media"], nonce=str(nonce))
        return super().render_change_form(request, context, *args, **kwargs)


class AdminStyleMiddleware:
    """Allow inline style attributes in the admin only (select2, the editor's toolbar and
    reversion-compare write them); scripts stay nonce-only there and 'self'-only elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/admin/"):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return response
