"""File names as people send them, made safe to keep and to offer back in a download.

A name never becomes a path: only its last part is kept, control and format characters are
dropped, characters Windows cannot store are replaced, and what is left is cut to a length every
file system takes. The strict form refuses instead, so an upload form can say what was wrong.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _

from ..errors import Invalid

MAX_NAME = 200
FALLBACK = "file"
_RESERVED = re.compile(r'[<>:"|?*]')
_SPACES = re.compile(r"\s+")
# CON, PRN, AUX, NUL, COM1…9, LPT1…9 name devices on Windows, whatever the extension.
_DEVICE = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


class FileNameRefused(Invalid):
    pass


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text)


def clean_filename(name: str | None, *, strict: bool = False, field: str = "file") -> str:
    """A name safe to store and to send in Content-Disposition.

    Non-strict: path parts, `..`, control characters and reserved characters are neutralised, and an
    empty result becomes "file". Strict: a name with path parts or control characters is refused
    with a field error (FileNameRefused) instead of being changed silently.
    """
    raw = unicodedata.normalize("NFC", name or "")
    has_path = "/" in raw or "\\" in raw or raw.strip() in (".", "..")
    if strict and (has_path or _has_control(raw)):
        message = (
            _("The file name may not contain folders or “..”: send the file itself.")
            if has_path
            else _("The file name contains control characters.")
        )
        raise FileNameRefused(message, {field: [message]})
    base = re.split(r"[/\\]", raw)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    base = _RESERVED.sub("_", base)
    base = _SPACES.sub(" ", base).strip(" .")
    if _DEVICE.match(base):
        base = "_" + base
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            base = stem[: MAX_NAME - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            base = base[:MAX_NAME].rstrip(" .")
    return base or FALLBACK
