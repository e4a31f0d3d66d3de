import os
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from tests.images import files
from tips import crypto
from tips.models import Tip, TipAttachment

pytestmark = pytest.mark.django_db


def test_keygen_writes_a_private_file_and_prints_only_the_public_key(tmp_path):
    out = StringIO()
    path = tmp_path / "desk.key"

    call_command("tips_keygen", str(path), stdout=out)

    assert oct(path.stat().st_mode & 0o777) == "0o600"
    public = out.getvalue().split("TIPS_PUBLIC_KEY=")[1].strip()
    assert '"private"' in path.read_text() and public in path.read_text()
    assert crypto.read_public_key_file(path).encode().hex() != ""


def test_passphrase_protected_key_opens_only_with_the_passphrase(tmp_path, settings, monkeypatch):
    path = tmp_path / "locked.key"
    monkeypatch.setenv("DESK_PASSPHRASE", "correct horse battery staple")
    out = StringIO()
    call_command("tips_keygen", str(path), passphrase_env="DESK_PASSPHRASE", stdout=out)
    settings.TIPS_PUBLIC_KEY = out.getvalue().split("TIPS_PUBLIC_KEY=")[1].strip()
    settings.TIPS_PRIVATE_KEY_FILES = [str(path)]
    assert '"private"' not in path.read_text()
    blob = crypto.seal(b"sealed text")

    settings.TIPS_PRIVATE_KEY_PASSPHRASE = "wrong"
    crypto.clear_key_cache()
    with pytest.raises(crypto.TipsKeyUnavailable, match="wrong passphrase"):
        crypto.unseal(blob)

    settings.TIPS_PRIVATE_KEY_PASSPHRASE = "correct horse battery staple"
    crypto.clear_key_cache()
    assert crypto.unseal(blob) == b"sealed text"


def test_old_tips_still_open_after_a_key_rotation(send_tip, tips_key, tmp_path, settings):
    send_tip(message="Sealed to the old key")
    new_key = tmp_path / "new.key"
    settings.TIPS_PUBLIC_KEY = crypto.generate_key_file(new_key)
    settings.TIPS_PRIVATE_KEY_FILES = [str(new_key), str(tips_key)]
    crypto.clear_key_cache()
    send_tip(message="Sealed to the new key")

    texts = [crypto.unseal_json(t.messages.get().sealed)["text"] for t in Tip.objects.all()]

    assert sorted(texts) == ["Sealed to the new key", "Sealed to the old key"]


def test_public_key_alone_seals_but_cannot_open(settings, tips_key):
    settings.TIPS_PRIVATE_KEY_FILES = []
    crypto.clear_key_cache()
    blob = crypto.seal(b"for the desk host only")

    with pytest.raises(crypto.TipsKeyUnavailable):
        crypto.unseal(blob)


def test_padding_hides_length_within_a_bucket_and_files_round_trip():
    assert len(crypto.seal(b"a")) == len(crypto.seal(b"b" * 900))
    assert len(crypto.seal(b"a")) < len(crypto.seal(b"c" * 2000))
    data = os.urandom(200_000)
    ciphertext, key = crypto.encrypt_file(data)
    assert len(ciphertext) > len(data) and data[:64] not in ciphertext
    import io

    assert b"".join(crypto.decrypt_file_chunks(io.BytesIO(ciphertext), key, len(data))) == data


def make_old(tip, days):
    Tip.objects.filter(pk=tip.pk).update(
        last_activity_on=timezone.localdate() - timezone.timedelta(days=days)
    )


def test_purge_removes_old_tips_and_their_files_and_spares_kept_ones(
    send_tip, settings, media_root, django_capture_on_commit_callbacks
):
    settings.TIPS_RETENTION_DAYS = 30
    photo = files.jpeg(size=(20, 20))
    for _ in range(3):
        send_tip(files=[SimpleUploadedFile("p.jpg", photo)])
    old, kept, recent = Tip.objects.order_by("pk")
    make_old(old, 31)
    make_old(kept, 400)
    Tip.objects.filter(pk=kept.pk).update(keep=True)
    old_file = media_root / TipAttachment.objects.get(tip=old).file.name
    orphan = media_root / "tips" / "interrupted-upload.bin"
    orphan.write_bytes(b"partial")
    an_hour_ago = (timezone.now() - timezone.timedelta(hours=2)).timestamp()
    os.utime(orphan, (an_hour_ago, an_hour_ago))

    dry = StringIO()
    call_command("purge_tips", dry_run=True, stdout=dry)
    assert (
        "Would delete 1 tips older than 30 days, 1 of their files and 1 orphan" in dry.getvalue()
    )
    assert Tip.objects.count() == 3 and old_file.exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_tips", stdout=StringIO())

    assert set(Tip.objects.all()) == {kept, recent}
    assert not old_file.exists() and not orphan.exists()
    assert TipAttachment.objects.count() == 2
    assert all((media_root / a.file.name).exists() for a in TipAttachment.objects.all())
