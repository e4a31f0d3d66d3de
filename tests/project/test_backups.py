"""Backups restore: `manage.py backup_check` dumps the real database and archives real media
files, restores both into scratch copies and notices when the copy differs
(docs/operations.md)."""

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from articles.management.commands.backup_check import (
    Command as BackupCheck,
)
from articles.management.commands.backup_check import (
    connect,
    connection_settings,
    count_rows,
    drop_database,
    media_manifest,
)
from articles.models import Article, Byline
from images.models import Image, Rendition
from tests.tips.conftest import tip_data
from tips import crypto
from tips.models import Tip, TipAttachment

ROOT = Path(__file__).resolve().parents[2]

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="backup_check backs up PostgreSQL with pg_dump and pg_restore; run with "
    "DATABASE_URL=postgres://… to test it",
)


def table_line(output, table):
    """The (source, restored, verdict) the check printed for a table."""
    match = re.search(rf"^{table}\s+(\S+)\s+(\S+)\s+(ok|MISMATCH)$", output, re.MULTILINE)
    assert match, f"no line for {table} in:\n{output}"
    return match.groups()


def database_exists(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


@pytest.fixture
def tip_key(settings, tmp_path):
    """A real tips key pair, kept outside MEDIA_ROOT as on a desk host."""
    path = tmp_path / "keys" / "tips_key.json"
    settings.TIPS_PUBLIC_KEY = crypto.generate_key_file(path)
    settings.TIPS_PRIVATE_KEY_FILES = [str(path)]
    settings.TIPS_DEVELOPMENT_KEY_FILE = None
    settings.TIPS_MIN_FILL_SECONDS = 0
    crypto.clear_key_cache()
    yield path
    crypto.clear_key_cache()


@pytest.fixture
def newsroom(make_article, media_root, client, tip_key):
    """Three articles with real images and renditions, a tip with an encrypted attachment, and
    a file whose name needs care in a tar archive."""
    make_article(headline="Primera")
    make_article(headline="Second", language="en")
    make_article(headline="Tercera", tags=["elecciones"])
    response = client.post(
        "/en/tips/",
        tip_data(
            message="The minutes of the meeting.",
            attachments=[SimpleUploadedFile("notes.txt", b"Minutes.\n", "text/plain")],
        ),
    )
    assert response.status_code == 200
    odd = media_root / "archivo viejo" / "año 2025 – ñandú.txt"
    odd.parent.mkdir(parents=True)
    odd.write_bytes(b"\x00" + os.urandom(4096))
    return media_root


@pytest.fixture
def scratch_cleanup():
    """Drop what a `--keep` run left behind."""
    kept = []
    yield kept
    for command in kept:
        params, password = connection_settings()
        with connect(params, password, autocommit=True) as admin:
            drop_database(admin, command.scratch_database)
        shutil.rmtree(command.restored_media.parent, ignore_errors=True)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_backup_check_restores_every_row_and_file(newsroom, tmp_path, tip_key, monkeypatch):
    # A password in the database settings must never be printed (the server trusts this user,
    # so a made-up one is accepted).
    password = connection.settings_dict["PASSWORD"]
    if not password:
        password = "Pw-marker-4b1d-never-printed"
        monkeypatch.setitem(connection.settings_dict, "PASSWORD", password)
    media_files = [p for p in newsroom.rglob("*") if p.is_file()]
    backup_dir = tmp_path / "backup"
    out, err = io.StringIO(), io.StringIO()

    call_command("backup_check", "--backup-dir", str(backup_dir), stdout=out, stderr=err)

    output = out.getvalue()
    assert "Backup check passed" in output
    assert table_line(output, "articles_article") == ("3", "3", "ok")
    assert table_line(output, "images_image") == (str(Image.objects.count()),) * 2 + ("ok",)
    assert table_line(output, "images_rendition")[:2] == (str(Rendition.objects.count()),) * 2
    assert table_line(output, "articles_byline")[:2] == (str(Byline.objects.count()),) * 2
    assert table_line(output, "tips_tip") == ("1", "1", "ok")
    assert table_line(output, "tips_tipattachment") == ("1", "1", "ok")
    assert "MISMATCH" not in output
    assert f"Media: {len(media_files)} files" in output
    assert f"{len(media_files)} files restored; names, sizes and sha256 digests match" in output
    assert any(p.parts[-2] == "tips" for p in (f.relative_to(newsroom) for f in media_files))
    assert Rendition.objects.exists() and Article.objects.count() == 3
    assert Tip.objects.count() == TipAttachment.objects.count() == 1
    # The backup is kept where asked, private, and checkable with sha256sum.
    assert sorted(p.name for p in backup_dir.iterdir()) == ["SHA256SUMS", "db.dump", "media.tar"]
    assert backup_dir.stat().st_mode & 0o777 == 0o700
    assert (backup_dir / "db.dump").read_bytes().startswith(b"PGDMP")  # custom format
    if shutil.which("sha256sum"):
        subprocess.run(
            ["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=backup_dir, check=True
        )
    # The tips private key is not in it, and the scratch database is gone.
    key = tip_key.read_bytes()
    assert key not in (backup_dir / "media.tar").read_bytes()
    assert key not in (backup_dir / "db.dump").read_bytes()
    assert not database_exists(f"{connection.settings_dict['NAME']}_restore_check")
    assert password not in output + err.getvalue()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_backup_check_fails_when_the_restored_copy_differs(newsroom, scratch_cleanup):
    command = BackupCheck()
    scratch_cleanup.append(command)
    call_command(command, "--keep", stdout=io.StringIO(), stderr=io.StringIO())
    assert database_exists(command.scratch_database)
    params, password = connection_settings()
    with connect(params, password) as source:
        source_counts = count_rows(source)
    source_media = media_manifest(newsroom)

    # Break the restored copy: one row gone, one file gone, one file changed in place.
    with connect(params, password, dbname=command.scratch_database, autocommit=True) as scratch:
        scratch.execute(
            "DELETE FROM articles_byline WHERE id = (SELECT min(id) FROM articles_byline)"
        )
        restored_counts = count_rows(scratch)
    restored = command.restored_media
    missing = sorted(restored.rglob("*.webp"))[0]
    missing.unlink()
    changed = sorted((restored / "tips").glob("*.bin"))[0]
    data = bytearray(changed.read_bytes())
    data[100] ^= 0xFF
    changed.write_bytes(bytes(data))

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="Backup check FAILED: 3 difference"):
        BackupCheck(stdout=out, stderr=err).verify(
            source_counts, restored_counts, source_media, media_manifest(restored)
        )

    assert table_line(out.getvalue(), "articles_byline") == ("3", "2", "MISMATCH")
    assert table_line(out.getvalue(), "articles_article") == ("3", "3", "ok")
    problems = err.getvalue()
    assert f"media file {missing.relative_to(restored).as_posix()} is missing" in problems
    assert f"media file {changed.relative_to(restored).as_posix()}: sha256 differs" in problems
    assert "articles_byline: 3 rows in the source, 2 restored" in problems


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_backup_check_refuses_a_tips_private_key_inside_media(media_root, settings):
    key = media_root / "keys" / "tips.key"
    settings.TIPS_PRIVATE_KEY_FILES = [str(key)]

    with pytest.raises(CommandError, match="tips private key .* is inside MEDIA_ROOT"):
        call_command("backup_check", stdout=io.StringIO())

    assert not database_exists(f"{connection.settings_dict['NAME']}_restore_check")


def test_backup_check_refuses_sqlite_with_a_clear_message(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_VAR_DIR=str(tmp_path / "var"),
        DJANGO_LOG_LEVEL="WARNING",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "backup_check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "backup_check works with PostgreSQL only, and the database is sqlite" in result.stderr
    assert "docs/operations.md" in result.stderr
    assert "Traceback" not in result.stderr
