"""Strip what could identify a source from every tip-line request, before anything reads it."""

import hashlib
import hmac
import ipaddress
import re

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control

TIP_PATH = re.compile(r"^/(?:[a-z]{2}/)?tips/")

# Request headers that name or locate a person, their device, or where they came from.
IDENTIFYING_META = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_X_CLIENT_IP",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_MOBILE",
    "HTTP_SEC_CH_UA_PLATFORM",
    "HTTP_VIA",
)

TIP_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
TIP_PERMISSIONS_POLICY = (
    "geolocation=(), camera=(), microphone=(), interest-cohort=(), browsing-topics=()"
)


def is_tip_path(path):
    return bool(TIP_PATH.match(path))


def network_of(address):
    """The /24 (IPv4) or /48 (IPv6) network an address belongs to, as text."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return "unknown"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def network_key(address):
    """A keyed hash of the address's network: enough to count requests, useless to identify."""
    key = hashlib.sha256(f"tips-network:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, network_of(address).encode(), hashlib.sha256).hexdigest()[:32]


def client_address(meta):
    header = settings.TIPS_CLIENT_IP_HEADER
    if header and meta.get(header):
        return meta[header].split(",")[-1]
    return meta.get("REMOTE_ADDR", "")


class TipPrivacyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_tip_path(request.path_info):
            return self.get_response(request)
        request.is_tip_request = True
        request.tip_network_key = network_key(client_address(request.META))
        for name in IDENTIFYING_META:
            request.META.pop(name, None)
        # Django's CSRF check and a few others read REMOTE_ADDR; give them a constant.
        request.META["REMOTE_ADDR"] = "0.0.0.0"
        response = self.get_response(request)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        response["Content-Security-Policy"] = TIP_CSP
        response["Referrer-Policy"] = "same-origin"
        response["X-Frame-Options"] = "DENY"
        response["Permissions-Policy"] = TIP_PERMISSIONS_POLICY
        response["X-Robots-Tag"] = "noindex"
        return response
