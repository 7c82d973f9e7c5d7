"""Putting bytes into the store and getting them back by hash.

Written atomically: the bytes go to a temporary file in the store's own `tmp/` (the same file
system), are hashed on the way, flushed to disk, and renamed to `ab/cd/<sha256>`; a reader never
sees half a file, and two workers storing the same bytes at once end with the same single file.
The metadata row is added to the caller's transaction. If that transaction rolls back, the bytes
stay on disk without a row: harmless (content-addressed, never served without a row) and left for
a later clean-up.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Collection
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _

from engine.clock import clock
from engine.db import db

from ..errors import Invalid, NotFound
from . import types
from .models import StoredFile
from .names import clean_filename

CHUNK = 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class FileRefused(Invalid):
    """The bytes were not stored: empty, too large, or of a type the caller does not accept."""


def files_dir() -> Path:
    """`OMBUDSFLOW_FILES_DIR`, or `files/` in the instance directory."""
    configured = current_app.config.get("OMBUDSFLOW_FILES_DIR")
    return Path(configured or Path(current_app.config["OMBUDSFLOW_INSTANCE_DIR"]) / "files")


def path_of(sha256: str) -> Path:
    """Where the bytes of `sha256` live: two levels of fan-out keep directories small."""
    if not _SHA256.match(sha256 or ""):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return files_dir() / sha256[:2] / sha256[2:4] / sha256


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(n).1f MB", n=size / (1024 * 1024))
    return _("%(n)d KB", n=max(size // 1024, 1))


def store(
    source: bytes | BinaryIO,
    *,
    filename: str,
    actor: str,
    purpose: str = "",
    allowed_types: Collection[str] | None = None,
    max_bytes: int | None = None,
    field: str = "file",
) -> StoredFile:
    """Store bytes (or a binary stream, read in chunks) and add their metadata row.

    `allowed_types` (sniffed MIME types) and `max_bytes` are the caller's rules, checked before
    anything is kept: an upload form passes its own, a rendered document none. A refusal is a
    FileRefused with a message for `field` in the user's language.
    """
    name = clean_filename(filename)
    folder = files_dir()
    tmp_dir = folder / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    fd, tmp = tempfile.mkstemp(dir=tmp_dir, prefix="upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in _chunks(source):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    message = _("The file is larger than %(limit)s allowed.", limit=_size_text(max_bytes))
                    raise FileRefused(message, {field: [message]})
                if len(head) < types.SNIFF_BYTES:
                    head += chunk[: types.SNIFF_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            message = _("The file is empty.")
            raise FileRefused(message, {field: [message]})
        content_type = types.sniff(head)
        if allowed_types is not None and content_type not in allowed_types:
            allowed = ", ".join(sorted({types.label(t) for t in allowed_types}))
            message = _(
                "Files of this type are not accepted (the content is %(kind)s). Allowed: %(allowed)s.",
                kind=types.label(content_type),
                allowed=allowed,
            )
            raise FileRefused(message, {field: [message]})
        sha256 = digest.hexdigest()
        final = path_of(sha256)
        if final.exists():
            os.unlink(tmp)
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp, 0o640)
            os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    row = StoredFile(
        sha256=sha256,
        size=size,
        content_type=content_type,
        original_name=name,
        purpose=purpose,
        created_at=clock.now(),
        created_by=actor,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _chunks(source: bytes | BinaryIO):
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        for start in range(0, len(data), CHUNK):
            yield data[start : start + CHUNK]
        return
    while True:
        chunk = source.read(CHUNK)
        if not chunk:
            return
        yield chunk


def get(file_id: int) -> StoredFile:
    row = db.session.get(StoredFile, file_id)
    if row is None:
        raise NotFound(_("File %(id)s does not exist.", id=file_id))
    return row


def read_bytes(sha256: str) -> bytes:
    """The stored bytes of `sha256`; LookupError when they are not on disk."""
    try:
        return path_of(sha256).read_bytes()
    except FileNotFoundError:
        raise LookupError(f"file {sha256} is not in the store ({files_dir()})") from None


def exists(sha256: str) -> bool:
    return path_of(sha256).is_file()


def verify(sha256: str) -> bool:
    """Whether the bytes on disk still hash to their name (a check for backups and audits)."""
    digest = hashlib.sha256()
    with path_of(sha256).open("rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest() == sha256
