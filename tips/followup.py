"""The source's follow-up session: an encrypted cookie, nothing kept on the server.

The cookie holds the tip's id and the source key derived from the receipt code, encrypted and
authenticated with a key derived from SECRET_KEY, plus the time of the last request. It is
refused once idle for TIPS_FOLLOWUP_IDLE_SECONDS and renewed on every request.
"""

import base64
import hashlib
import json
import time

import nacl.secret
from django.conf import settings
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey

from tips.models import Tip

COOKIE = "tip_followup"


def _box():
    key = hashlib.blake2b(
        settings.SECRET_KEY.encode(), digest_size=32, person=b"tip-followup"
    ).digest()
    return nacl.secret.SecretBox(key)


def start(response, tip, source_key):
    payload = {"tip": tip.pk, "key": base64.b64encode(bytes(source_key)).decode()}
    _set(response, payload)


def _set(response, payload):
    payload["t"] = int(time.time())
    token = base64.urlsafe_b64encode(_box().encrypt(json.dumps(payload).encode())).decode()
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings.TIPS_FOLLOWUP_IDLE_SECONDS,
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def current(request):
    """Return (tip, source key, payload) for a live session, or None (missing, idle, forged)."""
    token = request.COOKIES.get(COOKIE)
    if not token:
        return None
    try:
        payload = json.loads(_box().decrypt(base64.urlsafe_b64decode(token.encode())))
    except (CryptoError, ValueError, TypeError):
        return None
    if time.time() - payload.get("t", 0) > settings.TIPS_FOLLOWUP_IDLE_SECONDS:
        return None
    tip = Tip.objects.filter(pk=payload.get("tip")).first()
    if tip is None:
        return None
    return tip, PrivateKey(base64.b64decode(payload["key"])), payload


def renew(response, payload):
    _set(response, dict(payload))


def end(response):
    response.delete_cookie(COOKIE, samesite="Strict")
