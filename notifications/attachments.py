"""Files that go along with an e-mail, referenced from the outbox payload by content hash.

A payload may carry `attachments: [{"sha256": …, "filename": …, "content_type": …}]` (any topic).
The bytes are not in the payload (an outbox row stays small): the package that stores files
registers a source (`register_source(read)`: sha256 -> bytes) and this module reads through it
when the message is built, checks the bytes still hash to what the row names, and refuses a
missing or altered file as a payload error (a retry would not bring it back; an admin can).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import PayloadError

Source = Callable[[str], bytes]
_sources: list[Source] = []
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_TYPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def register_source(source: Source) -> Source:
    """Where attachment bytes come from (the file store); registering twice is a no-op."""
    if source not in _sources:
        _sources.append(source)
    return source


def check(specs: Any) -> list[dict[str, str]]:
    """The attachment list of a payload, or PayloadError naming what is wrong with it."""
    if specs is None:
        return []
    if not isinstance(specs, list):
        raise PayloadError("attachments must be a list")
    checked = []
    for index, spec in enumerate(specs):
        if not isinstance(spec, dict):
            raise PayloadError(f"attachments[{index}] must be an object")
        sha256, filename, content_type = spec.get("sha256"), spec.get("filename"), spec.get("content_type")
        if not isinstance(sha256, str) or not _SHA256.match(sha256):
            raise PayloadError(f"attachments[{index}].sha256 must be a SHA-256 hex digest")
        if not isinstance(filename, str) or not filename.strip() or "/" in filename or "\\" in filename:
            raise PayloadError(f"attachments[{index}].filename must be a file name without folders")
        if not isinstance(content_type, str) or not _TYPE.match(content_type):
            raise PayloadError(f"attachments[{index}].content_type must be a MIME type")
        checked.append({"sha256": sha256, "filename": filename.strip(), "content_type": content_type})
    return checked


def load(spec: dict[str, str]) -> Attachment:
    """The attachment's bytes from the registered source, checked against their hash."""
    if not _sources:
        raise PayloadError("the payload has attachments but no file source is registered")
    data = None
    for source in _sources:
        try:
            data = source(spec["sha256"])
            break
        except LookupError:
            continue
    if data is None:
        raise PayloadError(f"attachment {spec['filename']!r} ({spec['sha256']}) is not in the file store")
    if hashlib.sha256(data).hexdigest() != spec["sha256"]:
        raise PayloadError(f"attachment {spec['filename']!r} ({spec['sha256']}) no longer matches its hash")
    return Attachment(spec["filename"], spec["content_type"], data)
