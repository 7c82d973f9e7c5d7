"""Sending stored files and rendered PDFs to a browser, safely: the one way files leave the site.

- The type is the one sniffed from the bytes when they were stored, never the name's.
- Only PDF and raster images are shown inline; everything else is a download
  (`Content-Disposition: attachment`), so an HTML or SVG file someone uploaded never runs as a page.
- `X-Content-Type-Options: nosniff` stops a browser from second-guessing the type.
- A restrictive Content-Security-Policy: `sandbox` for images and downloads (no script, no same-
  origin rights even if a browser rendered one). PDFs get no `sandbox`: Chromium refuses to start
  its PDF viewer in a sandboxed document (crbug 413851), so they get a policy that allows only the
  viewer's own inline styles and embed, and no framing by other sites.
- The download name keeps the cleaned original name, with the extension of the real type.
- Diagrams and other deployed text (BPMN, DMN, form JSON, templates) go out through `send_text`:
  `text/plain` (a type no browser runs, even if an `<html:script>` got into the XML), `nosniff`
  and `CSP_TEXT` on the response itself, whatever headers the rest of the site adds.
"""

from __future__ import annotations

import io
import re
import unicodedata
from urllib.parse import quote

from flask import Response, send_file

from workflows.files import store, types
from workflows.files.models import StoredFile
from workflows.files.names import clean_filename

CSP_SANDBOXED = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox"
CSP_TEXT = "sandbox; default-src 'none'; frame-ancestors 'none'"
CSP_PDF = "default-src 'none'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'"


def download_name(name: str, content_type: str) -> str:
    """The cleaned name, with the extension of the sniffed type added when it has another one."""
    clean = clean_filename(name)
    extension = types.extension_for(content_type)
    known = {"jpg": (".jpg", ".jpeg")}.get(extension or "", (f".{extension}",))
    if extension and not clean.lower().endswith(known):
        clean = f"{clean}.{extension}"
    return clean


def content_disposition(name: str, *, inline: bool) -> str:
    """RFC 6266: the UTF-8 name for every current browser, and an ASCII one for old clients (Latin
    letters kept, others dropped; "file" when nothing is left of the name before the extension)."""

    def ascii_part(text: str) -> str:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^A-Za-z0-9._ -]+", "", text).strip(" .")

    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    fallback = (ascii_part(stem) or "file") + (f".{ascii_part(extension)}" if ascii_part(extension) else "")
    kind = "inline" if inline else "attachment"
    if fallback == name:
        return f'{kind}; filename="{name}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _secure(response: Response, content_type: str, name: str, inline: bool) -> Response:
    response.headers["Content-Disposition"] = content_disposition(name, inline=inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = CSP_PDF if content_type == types.PDF else CSP_SANDBOXED
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def send_stored(stored: StoredFile, *, name: str | None = None, inline: bool = True) -> Response:
    """A stored file as a response; `inline=False` forces a download even for a PDF or an image."""
    content_type = stored.content_type or types.UNKNOWN
    as_inline = inline and types.shown_inline(content_type)
    response = send_file(
        store.path_of(stored.sha256),
        mimetype=content_type,
        conditional=True,
        etag=stored.sha256,  # content-addressed: the hash is the version
        max_age=0,
    )
    return _secure(
        response, content_type, download_name(name or stored.original_name, content_type), as_inline
    )


def send_bytes(data: bytes, *, content_type: str, name: str, inline: bool = True) -> Response:
    """Bytes made for this request (a PDF preview of a draft) with the same headers as stored files."""
    as_inline = inline and types.shown_inline(content_type)
    response = send_file(io.BytesIO(data), mimetype=content_type, etag=False, max_age=0)
    return _secure(response, content_type, download_name(name, content_type), as_inline)


def send_text(
    text: str, *, name: str, cache_control: str = "private, no-cache", attachment: bool = False
) -> Response:
    """Deployed text (a diagram for bpmn-js, a form, a template) that a page's script fetches and a
    person may open by its link: shown as plain text, never as a document of this origin."""
    response = Response(text, mimetype="text/plain")
    response.headers["Content-Disposition"] = content_disposition(clean_filename(name), inline=not attachment)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = CSP_TEXT
    response.headers["Cache-Control"] = cache_control
    return response
