"""The public tip line: the form, the one-time receipt, and the source's follow-up page.

Every response here passes through TipPrivacyMiddleware (no address, user agent or referrer;
strict headers; never cached). Uploads are read into memory only, never into a temporary file.
"""

import logging

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django_ratelimit.core import is_ratelimited

from newsroom.saving import SAVE_FAILURES, note_failure
from tips import crypto, followup, services
from tips.attachments import TipUploadHandler
from tips.forms import FollowUpForm, ReceiptCodeForm, TipForm
from tips.models import TipMessage

logger = logging.getLogger(__name__)


def network_key(group, request):
    return request.tip_network_key


def limited(request, group, rate):
    return is_ratelimited(
        request, group=group, key=network_key, rate=rate, method="POST", increment=True
    )


def tip_line_available():
    crypto.ensure_development_key()
    try:
        crypto.public_key()
    except crypto.TipsKeyUnavailable:
        logger.error("The tip line is closed: no tips public key is configured.")
        return False
    return True


def memory_only_uploads(view):
    """Swap in the memory-only upload handler before the body is read, then check CSRF."""
    protected = csrf_protect(view)

    @csrf_exempt
    def wrapper(request, *args, **kwargs):
        handler = TipUploadHandler(request, settings.TIPS_MAX_FILES, settings.TIPS_MAX_FILE_BYTES)
        request.upload_handlers = [handler]
        request.tip_upload_handler = handler
        return protected(request, *args, **kwargs)

    return wrapper


def upload_problems(request):
    handler = getattr(request, "tip_upload_handler", None)
    return handler.problems if handler else []


def requested_article(request):
    try:
        return int(request.GET.get("article", ""))
    except ValueError:
        return None


def form_page(request, form, status=200, **extra):
    context = {"form": form, "retention_days": settings.TIPS_RETENTION_DAYS} | extra
    return render(request, "tips/tip_line.html", context, status=status)


@memory_only_uploads
def submit(request):
    if not tip_line_available():
        return render(request, "tips/unavailable.html", status=503)
    article_id = requested_article(request)
    if request.method != "POST":
        return form_page(request, TipForm(article_id=article_id))

    form = TipForm(
        request.POST,
        request.FILES,
        upload_problems=upload_problems(request),
        article_id=article_id,
    )
    if limited(request, "tips.submit", settings.TIPS_SUBMIT_RATE):
        form.is_valid()
        form.data = form.renewed()
        return form_page(request, form, status=429, throttled=True)
    if not form.is_valid():
        form.data = form.renewed()
        return form_page(request, form, status=400)
    try:
        tip, code = services.create_tip(
            text=form.cleaned_data["message"],
            article=form.cleaned_data["article"],
            contact=form.contact(),
            files=form.cleaned_data["attachments"],
        )
    except SAVE_FAILURES as error:
        # Nothing was kept (one transaction; its files removed). Say so, keep the text.
        note_failure(error, "A tip")
        form.data = form.renewed()
        return form_page(request, form, status=503, not_stored=True)
    form.mark_sent()
    return render(
        request,
        "tips/receipt.html",
        {"code": code, "file_count": len(form.cleaned_data["attachments"])},
    )


@memory_only_uploads
def follow_up(request):
    session = followup.current(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "logout":
            response = redirect("tips:follow-up")
            followup.end(response)
            return response
        if action == "message" and session:
            return add_message(request, session)
        if action == "message":
            return expired(request)
        return sign_in(request)
    if session is None:
        response = render(request, "tips/follow_up_sign_in.html", {"form": ReceiptCodeForm()})
        if followup.COOKIE in request.COOKIES:
            followup.end(response)
        return response
    return show_thread(request, session, sent=request.GET.get("sent") == "1")


def expired(request):
    response = render(
        request,
        "tips/follow_up_sign_in.html",
        {"form": ReceiptCodeForm(), "expired": True},
        status=403,
    )
    followup.end(response)
    return response


def sign_in(request):
    form = ReceiptCodeForm(request.POST)
    if limited(request, "tips.follow-up", settings.TIPS_FOLLOWUP_RATE):
        return render(
            request, "tips/follow_up_sign_in.html", {"form": form, "throttled": True}, status=429
        )
    tip, source_key = services.find_tip(request.POST.get("code", ""))
    if tip is None:
        # One answer for every wrong code: nothing tells a guess apart from a typo.
        return render(
            request,
            "tips/follow_up_sign_in.html",
            {"form": ReceiptCodeForm(), "wrong_code": True},
            status=403,
        )
    response = redirect("tips:follow-up")
    followup.start(response, tip, source_key)
    return response


def thread_context(tip, source_key):
    entries = []
    for message in tip.messages.exclude(kind=TipMessage.Kind.NOTE).prefetch_related("attachments"):
        entry = {"kind": message.kind, "date": message.created_on}
        if message.kind == TipMessage.Kind.REPLY:
            entry["text"] = crypto.unseal_json(message.sealed_for_source, source_key)["text"]
        else:
            entry["file_count"] = len(message.attachments.all())
        entries.append(entry)
    status_text = ""
    if tip.status_text_for_source:
        status_text = crypto.unseal_json(tip.status_text_for_source, source_key)["text"]
    return {"tip": tip, "entries": entries, "status_text": status_text}


def show_thread(request, session, form=None, status=200, sent=False, not_stored=False):
    tip, source_key, payload = session
    context = thread_context(tip, source_key) | {
        "form": form or FollowUpForm(),
        "sent": sent,
        "not_stored": not_stored,
        "idle_minutes": settings.TIPS_FOLLOWUP_IDLE_SECONDS // 60,
    }
    response = render(request, "tips/follow_up.html", context, status=status)
    followup.renew(response, payload)
    return response


def add_message(request, session):
    tip = session[0]
    form = FollowUpForm(request.POST, request.FILES, upload_problems=upload_problems(request))
    if not form.is_valid():
        return show_thread(request, session, form=form, status=400)
    try:
        services.add_source_message(
            tip, text=form.cleaned_data["message"], files=form.cleaned_data["attachments"]
        )
    except SAVE_FAILURES as error:
        note_failure(error, "A source's message")
        return show_thread(request, session, form=form, status=503, not_stored=True)
    response = redirect(reverse("tips:follow-up") + "?sent=1")
    followup.renew(response, session[2])
    return response
