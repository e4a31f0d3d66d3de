"""Encryption at rest for the tip line: libsodium sealed boxes and secretstream (PyNaCl).

Everything a source or the desk writes is sealed to the newsroom's public key. The public site
needs only that public key; the private key lives in a file outside the database and media
storage (TIPS_PRIVATE_KEY_FILE), optionally protected by a passphrase, and is read only when a
tips-desk member opens a tip. Several private key files may be listed, newest first: after a
rotation, tips sealed to an old key still open.

Stored blob layout: b"TS1" + 8-byte key id + sealed box of the padded plaintext. Padding to fixed
buckets means a stored size tells only which bucket the text fell into, not its length.
"""

import base64
import functools
import hashlib
import json
import os
import struct
from pathlib import Path

import nacl.bindings as sodium
import nacl.pwhash
import nacl.secret
import nacl.utils
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

BLOB_MAGIC = b"TS1"
KEY_ID_BYTES = 8
KEY_FILE_FORMAT = "newsroom-tips-key-v1"
# Plaintext buckets: 1 KiB, 4 KiB, 16 KiB, 64 KiB, 256 KiB, then whole MiB.
BUCKETS = (1024, 4096, 16384, 65536, 262144)
FILE_CHUNK = 64 * 1024


class TipsKeyUnavailable(Exception):
    """The key needed to seal or open tips is not configured or cannot be read here."""


def key_id(public_key_bytes):
    return hashlib.blake2b(bytes(public_key_bytes), digest_size=KEY_ID_BYTES).digest()


def _b64(data):
    return base64.b64encode(bytes(data)).decode("ascii")


# Padding ------------------------------------------------------------------------------------


def bucket_size(length):
    needed = length + 4
    for bucket in BUCKETS:
        if needed <= bucket:
            return bucket
    mebibyte = 1024 * 1024
    return -(-needed // mebibyte) * mebibyte


def pad(data):
    return struct.pack(">I", len(data)) + data + bytes(bucket_size(len(data)) - len(data) - 4)


def unpad(padded):
    (length,) = struct.unpack(">I", padded[:4])
    return padded[4 : 4 + length]


# Keys ---------------------------------------------------------------------------------------


def generate_key_file(path, passphrase=None):
    """Write a new key pair to `path` (mode 600); return the public key in base64."""
    private = PrivateKey.generate()
    document = {"format": KEY_FILE_FORMAT, "public": _b64(private.public_key)}
    if passphrase:
        salt = nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)
        ops = nacl.pwhash.argon2id.OPSLIMIT_MODERATE
        mem = nacl.pwhash.argon2id.MEMLIMIT_MODERATE
        box_key = nacl.pwhash.argon2id.kdf(
            nacl.secret.SecretBox.KEY_SIZE, passphrase.encode(), salt, opslimit=ops, memlimit=mem
        )
        document |= {
            "kdf": "argon2id",
            "salt": _b64(salt),
            "opslimit": ops,
            "memlimit": mem,
            "private_encrypted": _b64(nacl.secret.SecretBox(box_key).encrypt(bytes(private))),
        }
    else:
        document["private"] = _b64(private)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=2)
    return document["public"]


def _read_key_file(path, passphrase):
    try:
        document = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise TipsKeyUnavailable(f"cannot read the tips key file {path}: {error}") from None
    if document.get("format") != KEY_FILE_FORMAT:
        raise TipsKeyUnavailable(f"{path} is not a tips key file")
    if "private" in document:
        return PrivateKey(base64.b64decode(document["private"]))
    if not passphrase:
        raise TipsKeyUnavailable(f"{path} is protected by a passphrase that is not set")
    box_key = nacl.pwhash.argon2id.kdf(
        nacl.secret.SecretBox.KEY_SIZE,
        passphrase.encode(),
        base64.b64decode(document["salt"]),
        opslimit=document["opslimit"],
        memlimit=document["memlimit"],
    )
    try:
        raw = nacl.secret.SecretBox(box_key).decrypt(
            base64.b64decode(document["private_encrypted"])
        )
    except CryptoError:
        raise TipsKeyUnavailable(f"wrong passphrase for {path}") from None
    return PrivateKey(raw)


def read_public_key_file(path):
    try:
        document = json.loads(Path(path).read_text())
        return PublicKey(base64.b64decode(document["public"]))
    except (OSError, ValueError, KeyError) as error:
        raise TipsKeyUnavailable(f"cannot read a public key from {path}: {error}") from None


@functools.cache
def _private_keys(files, passphrase):
    keys = {}
    problems = []
    for path in files:
        try:
            private = _read_key_file(path, passphrase)
        except TipsKeyUnavailable as problem:
            problems.append(str(problem))
            continue
        keys[key_id(private.public_key)] = private
    return keys, tuple(problems)


def private_keys():
    """{key id: PrivateKey} for every readable configured key file."""
    files = tuple(settings.TIPS_PRIVATE_KEY_FILES)
    if not files:
        raise TipsKeyUnavailable("no tips private key is configured on this server")
    keys, problems = _private_keys(files, settings.TIPS_PRIVATE_KEY_PASSPHRASE or "")
    if not keys:
        raise TipsKeyUnavailable("; ".join(problems))
    return keys


def public_key():
    """The newsroom key new tips are sealed to."""
    configured = settings.TIPS_PUBLIC_KEY
    if configured:
        try:
            return PublicKey(base64.b64decode(configured))
        except (ValueError, CryptoError):
            raise ImproperlyConfigured("TIPS_PUBLIC_KEY is not a base64 Curve25519 key") from None
    if settings.TIPS_PRIVATE_KEY_FILES:
        return read_public_key_file(settings.TIPS_PRIVATE_KEY_FILES[0])
    raise TipsKeyUnavailable("no tips public key is configured")


def ensure_development_key():
    """Outside production, create the local key pair `make run` uses, once."""
    path = settings.TIPS_DEVELOPMENT_KEY_FILE
    if path and not Path(path).exists():
        generate_key_file(path)


def clear_key_cache():
    _private_keys.cache_clear()


# Sealing ------------------------------------------------------------------------------------


def seal(data, recipient=None):
    """Seal bytes (padded) to the newsroom key, or to `recipient`, a PublicKey."""
    recipient = recipient or public_key()
    return BLOB_MAGIC + key_id(recipient) + SealedBox(recipient).encrypt(pad(data))


def seal_json(value, recipient=None):
    return seal(json.dumps(value, ensure_ascii=False).encode(), recipient)


def unseal(blob, private_key=None):
    """Open a sealed blob with `private_key` or whichever newsroom key it was sealed to."""
    blob = bytes(blob)
    if not blob.startswith(BLOB_MAGIC):
        raise TipsKeyUnavailable("not a sealed tip blob")
    wanted = blob[len(BLOB_MAGIC) : len(BLOB_MAGIC) + KEY_ID_BYTES]
    if private_key is None:
        private_key = private_keys().get(wanted)
        if private_key is None:
            raise TipsKeyUnavailable("the key this tip was sealed to is not on this server")
    try:
        padded = SealedBox(private_key).decrypt(blob[len(BLOB_MAGIC) + KEY_ID_BYTES :])
    except CryptoError:
        raise TipsKeyUnavailable("this blob does not open with the available key") from None
    return unpad(padded)


def unseal_json(blob, private_key=None):
    return json.loads(unseal(blob, private_key))


# Files --------------------------------------------------------------------------------------


def encrypt_file(data):
    """Encrypt bytes with a fresh per-file key (secretstream); return (ciphertext, key).

    The plaintext is padded to whole 64 KiB chunks; its real length travels in the sealed
    attachment metadata together with the key.
    """
    key = sodium.crypto_secretstream_xchacha20poly1305_keygen()
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key)
    padded_length = max(FILE_CHUNK, -(-len(data) // FILE_CHUNK) * FILE_CHUNK)
    view = memoryview(data + bytes(padded_length - len(data)))
    parts = [header]
    for start in range(0, padded_length, FILE_CHUNK):
        final = start + FILE_CHUNK >= padded_length
        tag = (
            sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
            if final
            else sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
        )
        parts.append(
            sodium.crypto_secretstream_xchacha20poly1305_push(
                state, bytes(view[start : start + FILE_CHUNK]), tag=tag
            )
        )
    return b"".join(parts), key


def decrypt_file_chunks(stream, key, length):
    """Yield the plaintext of an encrypted file, chunk by chunk, cut to its real length."""
    header = stream.read(sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES)
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, header, key)
    remaining = length
    cipher_chunk = FILE_CHUNK + sodium.crypto_secretstream_xchacha20poly1305_ABYTES
    while True:
        chunk = stream.read(cipher_chunk)
        if not chunk:
            raise TipsKeyUnavailable("the encrypted file is truncated")
        plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, chunk)
        if remaining > 0:
            yield plain[:remaining]
            remaining -= len(plain)
        if tag == sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL:
            return


# Receipt codes ------------------------------------------------------------------------------

# scrypt parameters: about 0.1 s and 16 MiB per hash on one core.
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024}


def receipt_lookup_hash(code):
    """A slow, deterministic hash of a normalised receipt code, so a tip can be found by it."""
    salt = settings.TIPS_RECEIPT_SALT.encode()
    return hashlib.scrypt(code.encode(), salt=b"lookup:" + salt, dklen=32, **SCRYPT).hex()


def source_private_key(code, salt):
    """The source's own key, derived from the receipt code: replies are sealed to it too."""
    seed = hashlib.scrypt(code.encode(), salt=b"source:" + bytes(salt), dklen=32, **SCRYPT)
    return PrivateKey(seed)
