"""Prove that a backup restores: dump, archive, restore into scratch copies, compare.

`manage.py backup_check` backs up the PostgreSQL database in DATABASE_URL with
`pg_dump --format=custom` and MEDIA_ROOT as a tar archive, restores the dump into a scratch
database (`<name>_restore_check`) with `pg_restore --no-owner` and the archive into a scratch
directory, then compares the exact row count of every table in the public schema and every
media file's name, size and sha256 digest. Any difference exits non-zero.

The source rows are counted inside the very snapshot pg_dump reads (`--snapshot`), so the
comparison is exact on a live site too. The procedure is the one in docs/operations.md.
"""

import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from psycopg import sql
from psycopg.conninfo import make_conninfo

SCRATCH_SUFFIX = "_restore_check"
DUMP_NAME = "db.dump"
MEDIA_ARCHIVE_NAME = "media.tar"
SUMS_NAME = "SHA256SUMS"
# pg_dump and pg_restore get every connection setting on their command line except these,
# which must never appear in a process list. The password goes through PGPASSWORD.
SECRET_KEYWORDS = {
    "password",
    "sslpassword",
    "oauth_client_secret",
    "scram_client_key",
    "scram_server_key",
}
PG_LIB_DIR = Path("/usr/lib/postgresql")
SHOWN_PROBLEMS = 20


def connection_settings(alias="default"):
    """Return (libpq keywords without the password, password) for a Django database.

    Raises CommandError when the database is not PostgreSQL.
    """
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise CommandError(
            f"backup_check works with PostgreSQL only, and the database is "
            f"{connection.vendor} ({connection.settings_dict['ENGINE']}). Set DATABASE_URL to a "
            "postgres:// URL. To back up SQLite, see docs/operations.md, 'SQLite'."
        )
    libpq = {option.keyword.decode() for option in psycopg.pq.Conninfo.get_defaults()}
    params = {
        key: str(value)
        for key, value in connection.get_connection_params().items()
        if key in libpq and value is not None and value != ""
    }
    password = params.pop("password", "")
    unsupported = sorted(SECRET_KEYWORDS & params.keys())
    if unsupported:
        raise CommandError(
            f"backup_check cannot pass {', '.join(unsupported)} to pg_dump without showing it "
            "in the process list; use a libpq service file (PGSERVICEFILE) instead."
        )
    return params, password


def connect(params, password, **overrides):
    params = {**params, **overrides}
    try:
        return psycopg.connect(**params, password=password or None)
    except psycopg.OperationalError as error:
        raise CommandError(f"Cannot connect to database {params['dbname']}: {error}") from error


def server_major(conn):
    return conn.info.server_version // 10000


def server_version(conn):
    """The server's version as it reports it, e.g. '15.20'."""
    return (conn.info.parameter_status("server_version") or "").split(" ")[0]


def binary_version(path):
    """The (major, full) version a pg_dump or pg_restore binary reports, e.g. (15, '15.20')."""
    result = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30)
    match = re.search(r"(\d+)(?:\.(\d+))?", result.stdout)
    if result.returncode != 0 or not match:
        return None
    return int(match.group(1)), match.group(0)


def find_binary(name, major, near=None):
    """Find pg_dump or pg_restore no older than the server: (path, version).

    Looks next to `near` first (so pg_restore comes from pg_dump's directory), then in
    /usr/lib/postgresql/<server major>/bin, on PATH, and in the other /usr/lib/postgresql/*/bin.
    """
    candidates = []
    if near is not None:
        candidates.append(Path(near).parent / name)
    candidates.append(PG_LIB_DIR / str(major) / "bin" / name)
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    candidates += sorted(PG_LIB_DIR.glob(f"*/bin/{name}"), reverse=True)
    too_old = []
    for path in candidates:
        if not (path.is_file() and os.access(path, os.X_OK)):
            continue
        version = binary_version(path)
        if version and version[0] >= major:
            return path, version[1]
        if version:
            too_old.append(f"{path} ({version[1]})")
    if too_old:
        raise CommandError(
            f"{name} must be version {major} or newer to match the server, and only "
            f"{', '.join(too_old)} was found. Install the PostgreSQL {major} client "
            f"(Debian: apt-get install postgresql-client-{major})."
        )
    raise CommandError(
        f"{name} was not found on PATH or in {PG_LIB_DIR}/*/bin. Install the PostgreSQL "
        f"{major} client (Debian: apt-get install postgresql-client-{major})."
    )


def run_tool(command, password, what):
    env = {**os.environ, "PGPASSWORD": password} if password else dict(os.environ)
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise CommandError(f"{what} failed (exit {result.returncode}):\n{detail}")


def count_rows(conn):
    """Exact row counts of every table in the public schema: {table: rows}."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        )
    ]
    counts = {}
    for table in tables:
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", table))
        counts[table] = conn.execute(query).fetchone()[0]
    return counts


def compare_counts(source, restored):
    """Rows of (table, source count, restored count, ok) and the list of problems."""
    rows, problems = [], []
    for table in sorted(source.keys() | restored.keys()):
        before, after = source.get(table), restored.get(table)
        ok = before == after
        rows.append((table, before, after, ok))
        if before is None:
            problems.append(f"table {table} is in the restored database only")
        elif after is None:
            problems.append(f"table {table} is missing from the restored database")
        elif not ok:
            problems.append(f"table {table}: {before} rows in the source, {after} restored")
    return rows, problems


def media_manifest(root):
    """{relative path: (size, sha256)} of every file under root; symlinks by their target."""
    root = Path(root)
    manifest = {}
    if not root.exists():
        return manifest
    for directory, dirnames, filenames in os.walk(root):
        here = Path(directory)
        names = list(filenames) + [d for d in dirnames if (here / d).is_symlink()]
        for name in names:
            path = here / name
            relative = path.relative_to(root).as_posix()
            if path.is_symlink():
                manifest[relative] = (0, f"symlink to {os.readlink(path)}")
                continue
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            manifest[relative] = (path.stat().st_size, digest)
    return manifest


def compare_media(source, restored):
    """The list of problems between two media manifests."""
    problems = []
    for name in sorted(source.keys() | restored.keys()):
        if name not in restored:
            problems.append(f"media file {name} is missing from the restored copy")
        elif name not in source:
            problems.append(f"media file {name} is in the restored copy only")
        elif source[name][0] != restored[name][0]:
            problems.append(
                f"media file {name}: {source[name][0]} bytes, {restored[name][0]} restored"
            )
        elif source[name][1] != restored[name][1]:
            problems.append(f"media file {name}: sha256 differs after restoring")
    return problems


def write_media_archive(root, archive):
    """Archive MEDIA_ROOT like `tar -C MEDIA_ROOT -cf ARCHIVE .` (uncompressed, POSIX format)."""
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
        if Path(root).exists():
            tar.add(root, arcname=".")


def extract_media_archive(archive, destination):
    """Unpack like `tar -C DESTINATION -xf ARCHIVE`, refusing paths that leave DESTINATION."""
    Path(destination).mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(destination, filter="data")


def sha256_of(path):
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def human_size(size):
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"  # pragma: no cover


def scratch_database_name(name):
    scratch = f"{name}{SCRATCH_SUFFIX}"
    if len(scratch.encode()) > 63:
        raise CommandError(
            f"The scratch database name {scratch!r} is longer than PostgreSQL's 63-byte limit."
        )
    return scratch


def drop_database(admin, name):
    force = sql.SQL(" WITH (FORCE)") if admin.info.server_version >= 130000 else sql.SQL("")
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force)


def create_scratch_database(admin, name):
    """Drop and re-create `name` empty, with the source database's encoding and locale."""
    encoding, collate, ctype = admin.execute(
        "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
        "WHERE datname = current_database()"
    ).fetchone()
    drop_database(admin, name)
    try:
        admin.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING {} LC_COLLATE {} LC_CTYPE {}"
            ).format(sql.Identifier(name), encoding, collate, ctype)
        )
    except psycopg.errors.InsufficientPrivilege as error:
        raise CommandError(
            f"Cannot create the scratch database {name}: the database user needs the "
            "CREATEDB right (ALTER ROLE … CREATEDB) to run backup_check."
        ) from error


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump --format=custom) and MEDIA_ROOT (tar), "
        "restore both into scratch copies and compare row counts and files; exit non-zero on "
        "any difference. See docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--backup-dir",
            type=Path,
            help=(
                f"write {DUMP_NAME}, {MEDIA_ARCHIVE_NAME} and {SUMS_NAME} to this new or empty "
                "directory and keep them (default: a private temporary directory, removed "
                "at the end)"
            ),
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="keep the scratch database, the restored media and the temporary backup",
        )

    def handle(self, *args, backup_dir=None, keep=False, verbosity=1, **options):
        self.verbosity = verbosity
        params, password = connection_settings()
        source_name = params["dbname"]
        scratch = scratch_database_name(source_name)
        media_root = Path(settings.MEDIA_ROOT).resolve()
        self.refuse_key_files_inside(media_root)
        work = Path(tempfile.mkdtemp(prefix="backup-check-"))
        restored_media = work / "restored-media"
        self.scratch_database, self.restored_media = scratch, restored_media
        admin = None
        try:
            backup_dir = self.prepare_backup_dir(backup_dir, work, media_root)
            dump, archive = backup_dir / DUMP_NAME, backup_dir / MEDIA_ARCHIVE_NAME
            # 1. Back up: the database first, then the media, as docs/operations.md says.
            with connect(params, password) as source:
                major = server_major(source)
                pg_dump, dump_version = find_binary("pg_dump", major)
                pg_restore, restore_version = find_binary("pg_restore", major, near=pg_dump)
                self.say(
                    f"Database {source_name} on {params.get('host', 'local socket')}:"
                    f"{params.get('port', '5432')} (PostgreSQL {server_version(source)})"
                    f"\npg_dump {dump_version} ({pg_dump}), pg_restore {restore_version} "
                    f"({pg_restore})\nMedia {media_root}"
                )
                source.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                snapshot = source.execute("SELECT pg_export_snapshot()").fetchone()[0]
                run_tool(
                    [
                        str(pg_dump),
                        "--format=custom",
                        f"--file={dump}",
                        f"--snapshot={snapshot}",
                        f"--dbname={make_conninfo(**params)}",
                    ],
                    password,
                    "pg_dump",
                )
                source_counts = count_rows(source)
                source.rollback()
            source_media = media_manifest(media_root)
            try:
                write_media_archive(media_root, archive)
            except OSError as error:
                raise CommandError(f"Archiving {media_root} failed: {error}") from error
            self.write_sums(backup_dir, [dump, archive])
            self.say(
                f"Backup in {backup_dir}: {DUMP_NAME} ({human_size(dump.stat().st_size)}), "
                f"{MEDIA_ARCHIVE_NAME} ({human_size(archive.stat().st_size)}), {SUMS_NAME}"
            )

            # 2. Restore into a scratch database and a scratch directory.
            admin = connect(params, password, autocommit=True)
            create_scratch_database(admin, scratch)
            run_tool(
                [
                    str(pg_restore),
                    "--no-owner",
                    "--exit-on-error",
                    f"--dbname={make_conninfo(**{**params, 'dbname': scratch})}",
                    str(dump),
                ],
                password,
                "pg_restore",
            )
            with connect(params, password, dbname=scratch, autocommit=True) as restored:
                restored_counts = count_rows(restored)
            try:
                extract_media_archive(archive, restored_media)
            except (OSError, tarfile.TarError) as error:
                raise CommandError(f"Unpacking {archive} failed: {error}") from error
            self.say(f"Restored into database {scratch} and {restored_media}\n")

            # 3. Compare.
            restored_manifest = media_manifest(restored_media)
            self.verify(source_counts, restored_counts, source_media, restored_manifest)
        finally:
            if admin is not None:
                if not keep:
                    drop_database(admin, scratch)
                admin.close()
            if keep:
                self.say(f"Kept: restored media {restored_media}, backup {backup_dir}")
                if admin is not None:
                    self.say(f"Kept: database {scratch}; drop it with: dropdb {scratch}")
            else:
                shutil.rmtree(work, ignore_errors=True)

    def verify(self, source_counts, restored_counts, source_media, restored_media):
        """Print the comparison; raise CommandError (exit 1) on any difference."""
        rows, problems = compare_counts(source_counts, restored_counts)
        width = max([len(r[0]) for r in rows] + [len("table")])
        if rows:
            self.say(f"{'table':<{width}}  {'source':>9}  {'restored':>9}")
        for table, before, after, ok in rows:
            mark = "ok" if ok else "MISMATCH"
            before = "-" if before is None else before
            after = "-" if after is None else after
            self.say(f"{table:<{width}}  {before:>9}  {after:>9}  {mark}")
        media_problems = compare_media(source_media, restored_media)
        problems += media_problems
        total_rows = sum(source_counts.values())
        media_bytes = sum(size for size, _digest in source_media.values())
        self.say(
            f"\nDatabase: {len(source_counts)} tables, {total_rows} rows in the source; "
            f"{len(restored_counts)} tables, {sum(restored_counts.values())} rows restored."
        )
        self.say(
            f"Media: {len(source_media)} files ({human_size(media_bytes)}) in the source; "
            f"{len(restored_media)} files restored"
            + ("; names, sizes and sha256 digests match." if not media_problems else ".")
        )
        if not source_counts:
            self.stderr.write("Warning: the database has no tables. Is DATABASE_URL right?")
        if problems:
            for problem in problems[:SHOWN_PROBLEMS]:
                self.stderr.write(f"  {problem}")
            if len(problems) > SHOWN_PROBLEMS:
                self.stderr.write(f"  … and {len(problems) - SHOWN_PROBLEMS} more")
            raise CommandError(
                f"Backup check FAILED: {len(problems)} difference(s) between the source and "
                "the restored copy."
            )
        self.say(self.style.SUCCESS("Backup check passed: the backup restores completely."))

    def say(self, text):
        if getattr(self, "verbosity", 1):
            self.stdout.write(text)

    @staticmethod
    def refuse_key_files_inside(media_root):
        for key_file in settings.TIPS_PRIVATE_KEY_FILES:
            if Path(key_file).resolve().is_relative_to(media_root):
                raise CommandError(
                    f"The tips private key {key_file} is inside MEDIA_ROOT: it would be "
                    "archived next to the database dump. Move it out (see docs/operations.md)."
                )

    @staticmethod
    def prepare_backup_dir(backup_dir, work, media_root):
        if backup_dir is None:
            backup_dir = work / "backup"
        backup_dir = backup_dir.resolve()
        if backup_dir.is_relative_to(media_root) or work.resolve().is_relative_to(media_root):
            raise CommandError(
                "The backup and its temporary files must be outside MEDIA_ROOT "
                f"({media_root}); choose another --backup-dir or TMPDIR."
            )
        if backup_dir.exists() and any(backup_dir.iterdir()):
            raise CommandError(f"{backup_dir} is not empty: give a new or empty --backup-dir.")
        backup_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        backup_dir.chmod(0o700)  # the dump holds password hashes and sealed tips
        return backup_dir

    @staticmethod
    def write_sums(backup_dir, paths):
        """Write SHA256SUMS in `sha256sum` format, so `sha256sum -c SHA256SUMS` checks a copy."""
        lines = [f"{sha256_of(path)}  {path.name}\n" for path in paths]
        (backup_dir / SUMS_NAME).write_text("".join(lines))
        for path in [*paths, backup_dir / SUMS_NAME]:
            path.chmod(0o600)
