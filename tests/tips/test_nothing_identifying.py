"""The promise, tested end to end: marker strings in every field and file, then a search for
them (and for the source's address, user agent and referrer) everywhere something could stay."""

import logging
import pickle
import shutil
import subprocess
import tempfile

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image as PILImage

from tests.images import files
from tests.tips.conftest import receipt_code, tip_data
from tips import services
from tips.models import Tip

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = {
    "REMOTE_ADDR": "203.0.113.77",
    "HTTP_USER_AGENT": "MarkerAgent/9.1 (SourcePhone)",
    "HTTP_REFERER": "https://referrer-marker.example/where-i-was",
    "HTTP_X_FORWARDED_FOR": "198.51.100.23",
}
MARKERS = {
    "message": "MKmessage4411",
    "name": "MKname4412",
    "email": "mkemail4413@example.org",
    "phone": "+34 600 4414",
    "signal": "MKsignal4415",
    "filename": "MKfilename4416",
    "file_text": "MKfiletext4417",
    "exif": "MKexif4418",
    "comment": "MKcomment4419",
    "followup": "MKfollowup4420",
    "reply": "MKreply4421",
    "note": "MKnote4422",
    "status": "MKstatus4423",
}
IDENTIFYING = [*SOURCE.values(), "203.0.113.", "198.51.100.", "MarkerAgent", "referrer-marker"]


def everything_searched_for():
    return [*MARKERS.values(), *IDENTIFYING]


def photo_with_metadata():
    picture = PILImage.new("RGB", (64, 48), (200, 40, 40))
    exif = PILImage.Exif()
    exif[0x010E] = MARKERS["exif"]  # ImageDescription
    exif[0x8825] = {1: "N", 2: (40.0, 25.0, 0.0), 3: "W", 4: (3.0, 42.0, 0.0)}
    return files.encode(picture, "JPEG", exif=exif, comment=MARKERS["comment"].encode())


def found_in(data, where):
    """Markers found in `data`, as text or as the hex both databases print binary columns in."""
    data = data if isinstance(data, bytes) else str(data).encode()
    lowered = data.lower()
    found = []
    for marker in everything_searched_for():
        forms = (marker.lower().encode(), marker.encode().hex().encode())
        if any(form in lowered for form in forms):
            found.append(f"{where}: {marker}")
    return found


def database_dump():
    if connection.vendor == "postgresql":
        db = settings.DATABASES["default"]
        command = ["pg_dump", "--data-only", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"]]
        if db.get("PORT"):
            command += ["-p", str(db["PORT"])]
        result = subprocess.run(
            [*command, connection.settings_dict["NAME"]], capture_output=True, check=True
        )
        return result.stdout
    connection.ensure_connection()
    return "\n".join(connection.connection.iterdump()).encode()


def cache_contents():
    backend = cache._cache if hasattr(cache, "_cache") else None
    if isinstance(backend, dict):  # LocMemCache: pickled values by key
        return b"".join(k.encode() + v for k, v in backend.items())
    client = cache._cache.get_client()  # RedisCache
    return b"".join(key + (client.dump(key) or b"") for key in client.scan_iter("*"))


@pytest.fixture
def watched_tempdir(tmp_path, monkeypatch, settings):
    """Point every temporary file Python or Django would make at a directory we can inspect."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    settings.FILE_UPLOAD_TEMP_DIR = str(directory)
    return directory


@pytest.fixture
def source_client(client):
    client.defaults.update(SOURCE)
    return client


def test_nothing_identifying_or_readable_is_left_anywhere(
    source_client, tips_desk, settings, caplog, media_root, watched_tempdir
):
    if shutil.which("pg_dump") is None and connection.vendor == "postgresql":
        pytest.fail("pg_dump is needed to check the database dump")
    settings.TIPS_NOTIFY_EMAILS = ["desk@newsroom.example"]
    settings.ADMINS = [("Admin", "admin@newsroom.example")]
    caplog.set_level(logging.DEBUG)
    client = source_client
    big_text = (MARKERS["file_text"] + " ") * 250_000  # 3.5 MB: above Django's in-memory limit
    assert len(big_text) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE

    # An anonymous tip that typed contact details anyway, and a tip with contact details.
    anonymous = client.post(
        "/en/tips/",
        tip_data(
            message=MARKERS["message"],
            name=MARKERS["name"],
            email=MARKERS["email"],
            attachments=[
                SimpleUploadedFile(f"{MARKERS['filename']}.jpg", photo_with_metadata()),
                SimpleUploadedFile(f"{MARKERS['filename']}.txt", big_text.encode()),
            ],
        ),
    )
    code = receipt_code(anonymous)
    contact = client.post(
        "/en/tips/",
        tip_data(
            message=MARKERS["message"],
            identity="contact",
            name=MARKERS["name"],
            email=MARKERS["email"],
            phone=MARKERS["phone"],
            signal=MARKERS["signal"],
        ),
    )
    assert contact.status_code == 200
    # The source comes back; the desk reads, replies, notes and sets a status text.
    client.post("/en/tips/follow-up/", {"action": "sign-in", "code": code})
    client.post("/en/tips/follow-up/", {"action": "message", "message": MARKERS["followup"]})
    tip = Tip.objects.order_by("pk").first()
    desk = type(client)()
    desk.force_login(tips_desk)
    assert MARKERS["message"] in desk.get(f"/admin/tips/tip/{tip.pk}/change/").content.decode()
    desk.post(
        f"/admin/tips/tip/{tip.pk}/change/",
        {
            "status": "verified",
            "status_text": MARKERS["status"],
            "reply": MARKERS["reply"],
            "note": MARKERS["note"],
        },
    )
    assert MARKERS["reply"] in client.get("/en/tips/follow-up/").content.decode()
    assert Tip.objects.count() == 2 and tip.attachments.count() == 2

    leaks = found_in(database_dump(), "database")
    for path in media_root.rglob("*"):
        if path.is_file():
            leaks += found_in(path.read_bytes(), f"media {path.name}")
    leaks += [f"temp file {p}" for p in watched_tempdir.rglob("*")]
    for record in caplog.records:
        leaks += found_in(record.getMessage() + repr(record.__dict__), f"log {record.name}")
    leaks += found_in(cache_contents(), "cache")
    assert mail.outbox, "the desk was not notified"
    for message in mail.outbox:
        leaks += found_in(message.message().as_bytes(), f"email {message.subject}")
    assert not leaks


def test_error_report_for_a_tip_carries_no_address_body_or_variables(
    source_client, settings, monkeypatch
):
    settings.ADMINS = [("Admin", "admin@newsroom.example")]
    source_client.raise_request_exception = False

    def crash(**kwargs):
        raise RuntimeError("storage exploded")

    monkeypatch.setattr(services, "create_tip", crash)

    response = source_client.post(
        "/en/tips/", tip_data(message=MARKERS["message"], email=MARKERS["email"])
    )

    assert response.status_code == 500
    assert len(mail.outbox) == 1
    report = mail.outbox[0].message().as_bytes()
    assert b"storage exploded" in report  # the report is still useful
    assert not found_in(report, "error report")
    assert b"csrfmiddlewaretoken" not in report


def test_error_report_elsewhere_keeps_its_details(client, settings, monkeypatch):
    """The tip-only rule does not blind error reports for the rest of the site."""
    from articles import views

    settings.ADMINS = [("Admin", "admin@newsroom.example")]
    client.raise_request_exception = False
    monkeypatch.setattr(views.HomeView, "get_context_data", lambda *a, **k: 1 / 0)

    client.get("/en/", REMOTE_ADDR="192.0.2.9")

    assert b"192.0.2.9" in mail.outbox[0].message().as_bytes()


def test_tip_entry_in_cache_holds_no_address(source_client):
    source_client.post("/en/tips/", tip_data())
    pickled = cache_contents()

    assert not found_in(pickled, "cache")
    assert pickle  # the LocMem cache stores pickles; searched above as bytes


def test_refused_tip_line_requests_leave_no_log_line(client, caplog):
    caplog.set_level(logging.DEBUG)

    client.post("/en/tips/", {"message": "", "identity": "anonymous"})  # a form with errors
    client.post("/en/tips/follow-up/", {"action": "sign-in", "code": "wrong code"})
    client.get("/es/no-such-page/")  # elsewhere, refusals are still logged

    assert "/tips/" not in caplog.text
    assert "Not Found: /es/no-such-page/" in caplog.text
