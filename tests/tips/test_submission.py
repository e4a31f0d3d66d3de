import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from tests.images import files
from tests.tips.conftest import receipt_code, tip_data
from tips import crypto, receipts
from tips.models import Tip, TipAttachment

pytestmark = pytest.mark.django_db


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def decrypt_attachment(attachment):
    import base64

    meta = crypto.unseal_json(attachment.sealed_meta)
    with attachment.file.open("rb") as stored:
        data = b"".join(
            crypto.decrypt_file_chunks(stored, base64.b64decode(meta["key"]), meta["size"])
        )
    return meta, data


def test_form_page_explains_what_is_stored_and_shows_the_limits(client):
    html = client.get("/en/tips/").content.decode()

    assert "We do not record" in html
    assert "Up to 5 files of at most 10.0" in html
    assert (
        'value="anonymous" checked' in html
        or 'checked value="anonymous"' in html
        or re.search(r'<input[^>]*value="anonymous"[^>]*checked', html)
    )
    assert "personal" in html.lower() or "your own device" in html


def test_tip_pages_send_strict_headers_and_no_cookie_but_csrf(client):
    for path in ("/es/tips/", "/en/tips/follow-up/"):
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "http" not in csp
        assert response["Referrer-Policy"] == "same-origin"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Frame-Options"] == "DENY"
        assert "geolocation=()" in response["Permissions-Policy"]
        assert "camera=()" in response["Permissions-Policy"]
        assert "microphone=()" in response["Permissions-Policy"]
        assert set(response.cookies) <= {"csrftoken"}
        assert not re.search(r'(src|href)="(https?:)?//', response.content.decode())


def test_anonymous_tip_is_sealed_and_the_receipt_is_shown_once(client, send_tip):
    response = send_tip(message="The minister's convoy left at dawn.")

    assert response.status_code == 200
    code = receipt_code(response)
    assert len(code.split()) == 6 and receipts.entropy_bits() >= 70
    assert "no-store" in response["Cache-Control"]
    tip = Tip.objects.get()
    assert tip.contact_sealed is None
    assert tip.receipt_hash == crypto.receipt_lookup_hash(code)
    assert code not in str(tip.__dict__)
    message = tip.messages.get()
    assert b"convoy" not in bytes(message.sealed)
    assert crypto.unseal_json(message.sealed)["text"] == "The minister's convoy left at dawn."
    assert str(tip) == tip.reference and re.fullmatch(r"T-[A-Z2-9]{8}", tip.reference)


def test_tip_about_an_article_records_which_one(client, send_tip, make_article):
    article = make_article(headline="Gas corridor deal")

    response = send_tip(url=f"/es/tips/?article={article.pk}", article=str(article.pk))

    assert response.status_code == 200
    sealed = crypto.unseal_json(Tip.objects.get().messages.get().sealed)
    assert sealed["article"]["headline"] == "Gas corridor deal"


def test_article_link_preselects_the_story(client, make_article):
    article = make_article(headline="Gas corridor deal")

    html = client.get(f"/es/tips/?article={article.pk}").content.decode()

    assert re.search(rf'<option value="{article.pk}" selected>Gas corridor deal</option>', html)


def test_anonymous_choice_discards_typed_contact_details(send_tip):
    send_tip(identity="anonymous", name="Ana", email="ana@example.org")

    assert Tip.objects.get().contact_sealed is None


def test_contact_details_are_sealed_when_chosen(send_tip):
    send_tip(identity="contact", name="Ana", signal="ana.42")

    contact = crypto.unseal_json(Tip.objects.get().contact_sealed)
    assert contact == {"name": "Ana", "signal": "ana.42"}


def test_contact_choice_without_a_way_to_reach_is_refused_and_text_kept(send_tip):
    response = send_tip(identity="contact", name="Ana", message="Keep this text")

    assert response.status_code == 400
    assert "leave an email, a phone number or a Signal username" in response.content.decode()
    assert "Keep this text" in response.content.decode()
    assert not Tip.objects.exists()


def test_too_long_message_is_refused_with_the_text_kept(send_tip, settings):
    text = "x" * (settings.TIPS_MESSAGE_MAX_CHARS + 1)

    response = send_tip(message=text)

    assert response.status_code == 400
    assert text in response.content.decode()
    assert not Tip.objects.exists()


def test_honeypot_refuses_bots(send_tip):
    response = send_tip(website="http://spam.example")

    assert response.status_code == 400
    assert not Tip.objects.exists()


def test_form_sent_faster_than_a_person_types_is_refused(send_tip, settings):
    settings.TIPS_MIN_FILL_SECONDS = 30

    response = send_tip(message="Keep me")

    assert response.status_code == 400
    assert "faster than a person can type" in response.content.decode()
    assert "Keep me" in response.content.decode()


def test_forged_token_is_refused(send_tip):
    response = send_tip(token="forged")

    assert response.status_code == 400
    assert not Tip.objects.exists()


def test_same_form_sent_twice_is_stored_once(client):
    data = tip_data()

    first = client.post("/en/tips/", data)
    second = client.post("/en/tips/", data)

    assert first.status_code == 200 and second.status_code == 400
    assert "already been sent" in second.content.decode()
    assert Tip.objects.count() == 1


def test_submissions_are_rate_limited_per_network_with_the_text_kept(send_tip, settings):
    settings.TIPS_SUBMIT_RATE = "2/h"
    send_tip()
    send_tip()

    response = send_tip(message="Third tip text")

    assert response.status_code == 429
    assert "Third tip text" in response.content.decode()
    assert Tip.objects.count() == 2


def test_photo_is_upright_and_stripped_of_gps_and_comments(send_tip):
    photo = files.rotated_with_gps()
    assert b"secret comment" in photo

    response = send_tip(files=[upload("IMG_0001.jpg", photo, "image/jpeg")])

    assert response.status_code == 200
    attachment = TipAttachment.objects.get()
    meta, data = decrypt_attachment(attachment)
    assert meta["name"] == "IMG_0001.jpg" and attachment.metadata_removed
    assert b"secret comment" not in data
    with PILImage.open(io.BytesIO(data)) as picture:
        assert picture.size == (480, 640)
        assert not picture.getexif()
        assert "comment" not in picture.info and "icc_profile" not in picture.info
    assert "IMG_0001" not in attachment.file.name


def test_pdf_loses_its_document_metadata(send_tip):
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    with pdf.open_metadata() as xmp:
        xmp["dc:creator"] = ["Leaky Author"]
    pdf.docinfo["/Author"] = "Leaky Author"
    buffer = io.BytesIO()
    pdf.save(buffer)

    send_tip(files=[upload("report.pdf", buffer.getvalue(), "application/pdf")])

    meta, data = decrypt_attachment(TipAttachment.objects.get())
    assert meta["content_type"] == "application/pdf"
    assert b"Leaky Author" not in data
    assert data.startswith(b"%PDF-")


def test_office_document_is_kept_and_flagged_metadata_not_removed(send_tip):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("docProps/core.xml", "<creator>Someone</creator>")

    send_tip(files=[upload("memo.docx", buffer.getvalue())])

    assert TipAttachment.objects.get().metadata_removed is False


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bomb.png", files.decompression_bomb(), "megapixels"),
        ("photo.jpg", b"MZ\x90\x00 an executable pretending to be a photo", "not accepted"),
        ("page.pdf", b"<html><script>alert(1)</script></html>\x00", "not accepted"),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 40, "damaged"),
        ("broken.jpg", files.truncated_jpeg(), "damaged"),
    ],
    ids=["bomb", "executable-named-jpg", "html-named-pdf", "broken-zip", "truncated-jpeg"],
)
def test_refused_file_stores_nothing_and_keeps_the_text(send_tip, name, data, message, media_root):
    response = send_tip(message="Text I typed carefully", files=[upload(name, data)])

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Text I typed carefully" in html
    assert not Tip.objects.exists()
    assert not list(media_root.rglob("*.bin"))


def test_one_file_too_many_is_refused_with_the_text_kept(send_tip, settings):
    settings.TIPS_MAX_FILES = 2
    photos = [upload(f"p{i}.jpg", files.jpeg(size=(20, 20)), "image/jpeg") for i in range(3)]

    response = send_tip(message="Three photos", files=photos)

    assert response.status_code == 400
    assert "at most 2 files" in response.content.decode()
    assert "Three photos" in response.content.decode()
    assert not Tip.objects.exists()


def test_oversize_file_is_refused_with_the_text_kept(send_tip, settings):
    settings.TIPS_MAX_FILE_BYTES = 50_000

    response = send_tip(
        message="Big file", files=[upload("big.jpg", files.jpeg(size=(2000, 2000), quality=100))]
    )

    assert response.status_code == 400
    assert "larger than the limit" in response.content.decode()
    assert "Big file" in response.content.decode()
    assert not Tip.objects.exists()


def test_ciphertexts_of_short_and_long_messages_in_one_bucket_are_the_same_size(send_tip):
    send_tip(message="Yes.")
    send_tip(message="A much longer message about the port, the ships and the cargo. " * 10)

    short, long = (bytes(t.messages.get().sealed) for t in Tip.objects.order_by("pk"))
    assert len(short) == len(long)


def test_closed_tip_line_says_so_and_stores_nothing(client, settings):
    settings.TIPS_PUBLIC_KEY = ""
    settings.TIPS_PRIVATE_KEY_FILES = []

    response = client.post("/es/tips/", tip_data())

    assert response.status_code == 503
    assert not Tip.objects.exists()
