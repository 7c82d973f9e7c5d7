"""The PDFs' typeface: IBM Plex Serif (OFL, full Ukrainian Cyrillic) from the fontpkg package on PyPI,
so every machine renders the same file without system fonts. One setup for every PDF the project
makes (outgoing documents, the annual-report section)."""

from __future__ import annotations

import logging
from functools import lru_cache

import fontpkg

FONT_FAMILY = "IBM Plex Serif"
FONT_NAME = "plex"
# fpdf2 subsets the font through fontTools, which logs every glyph list at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@lru_cache(maxsize=2)
def font_file(weight: int) -> str:
    try:
        return str(fontpkg.path(FONT_FAMILY, weight=weight))
    except fontpkg.FontpkgError as exc:
        raise RuntimeError(f"the PDF font is missing: install fontpkg-ibm-plex-serif ({exc})") from exc


def add_fonts(pdf) -> str:
    """Register regular and bold on an FPDF document; returns the family name to `set_font`."""
    pdf.add_font(FONT_NAME, "", font_file(400))
    pdf.add_font(FONT_NAME, "B", font_file(700))
    return FONT_NAME
