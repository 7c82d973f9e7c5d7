"""What a file is, told by its first bytes (magic numbers) with `filetype`, never by its name.

A browser's Content-Type and a file's extension are the sender's claims; an executable renamed
`.pdf` is still an executable. Only PDF and raster images are shown inline in a browser: anything
else is offered as a download (see web/files.py).
"""

from __future__ import annotations

import filetype

SNIFF_BYTES = 8192  # what filetype reads of a file
UNKNOWN = "application/octet-stream"

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
# Shown inline by browsers without running anything: PDF (in the browser's isolated viewer) and
# raster images. SVG is an image that can carry script, so it is not among them.
INLINE_TYPES = frozenset({PDF, JPEG, PNG, "image/gif", "image/webp"})

# The names people know file types by, for messages such as "allowed: PDF, JPEG, PNG".
LABELS = {
    PDF: "PDF",
    JPEG: "JPEG",
    PNG: "PNG",
    "image/heic": "HEIC",
    "image/heif": "HEIF",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/x-msdownload": "EXE",
    "application/x-executable": "ELF",
}


def sniff(head: bytes) -> str:
    """The MIME type the first bytes show, or application/octet-stream when they show none."""
    kind = filetype.guess(bytes(head[:SNIFF_BYTES])) if head else None
    return kind.mime if kind is not None else UNKNOWN


def extension_for(content_type: str) -> str | None:
    """The usual extension of a sniffed type ("pdf", "jpg"), for download names that match the bytes."""
    if content_type == UNKNOWN:  # filetype lists fonts under this type too: it names no extension
        return None
    kind = filetype.get_type(mime=content_type)
    return kind.extension if kind is not None else None


def label(content_type: str) -> str:
    return LABELS.get(content_type, content_type)


def shown_inline(content_type: str) -> bool:
    return content_type in INLINE_TYPES
