"""This process's one WeasyPrint ``FontConfiguration``, shared by the PDF renderer and the rasteriser.

A fresh configuration per document leaks (about 0.2 MB each, the default of a
plain ``write_pdf()``); one per process does not. Kept apart from the renderers
so that an edit to one of them does not count as an edit to the other.

The script fonts (``templates/fonts/scripts/``: Noto Sans Arabic, Hebrew, CJK JP
and SC) are named here for every renderer: the brand font covers Latin only, so
every font-family list continues with them, the locale's own script first (its
Han forms and punctuation; for Arabic and Hebrew the shaping font of whole runs).
"""

from __future__ import annotations

import atexit
import hashlib
from typing import Any

SCRIPT_DIR = "templates/fonts/scripts"
# script → (regular file, bold file, the name systems know it by: HTML pages and email fall back to it)
SCRIPT_FONTS: dict[str, tuple[str, str, str]] = {
    "arabic": (f"{SCRIPT_DIR}/NotoSansArabic-Regular.ttf", f"{SCRIPT_DIR}/NotoSansArabic-Bold.ttf", "Noto Sans Arabic"),
    "hebrew": (f"{SCRIPT_DIR}/NotoSansHebrew-Regular.ttf", f"{SCRIPT_DIR}/NotoSansHebrew-Bold.ttf", "Noto Sans Hebrew"),
    "japanese": (f"{SCRIPT_DIR}/NotoSansJP-Regular.otf", f"{SCRIPT_DIR}/NotoSansJP-Bold.otf", "Noto Sans CJK JP"),
    "chinese": (f"{SCRIPT_DIR}/NotoSansSC-Regular.otf", f"{SCRIPT_DIR}/NotoSansSC-Bold.otf", "Noto Sans CJK SC"),
}
SCRIPT_FILES: tuple[str, ...] = tuple(path for regular, bold, _ in SCRIPT_FONTS.values() for path in (regular, bold))
_LANGUAGE_SCRIPT = {"ar": "arabic", "he": "hebrew", "ja": "japanese", "zh": "chinese"}


def script_order(lang: str) -> list[str]:
    """The scripts in fallback order for a page in ``lang`` (BCP 47): its own script first, then the rest.

    Han characters look different in Japanese and Chinese fonts, so a Japanese page reaches the JP
    font before the SC one and a Chinese page the other way round; Latin pages take JP first."""
    own = _LANGUAGE_SCRIPT.get(lang.split("-")[0].lower())
    return ([own] if own else []) + [script for script in SCRIPT_FONTS if script != own]


# Web pages and email download no fonts: each script's fonts as systems ship them (macOS/iOS, Windows,
# Android/Linux with Noto), for a browser's per-character fallback.
SYSTEM_SCRIPT_FONTS: dict[str, str] = {
    "arabic": '"Geeza Pro", Tahoma, "Noto Sans Arabic"',
    "hebrew": '"Arial Hebrew", "Noto Sans Hebrew"',
    "japanese": '"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic", Meiryo, "Noto Sans CJK JP", "Noto Sans JP"',
    "chinese": '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC"',
}


def system_stack(latin: str, lang: str, others: bool = True) -> str:
    """A CSS font-family list for pages and email: the locale's own script fonts, then ``latin`` (the system
    UI fonts, ending in a generic family), with the other scripts' fonts just before that generic family —
    so a Japanese org name on an English page shows too, and Han characters take their locale's forms.
    ``others=False`` (email, where every cell repeats the list) leaves the other scripts to the system's
    own per-character fallback."""
    order = script_order(lang)
    own = [SYSTEM_SCRIPT_FONTS[order[0]]] if script_of(lang) else []
    rest = [SYSTEM_SCRIPT_FONTS[script] for script in order[len(own) :]] if others else []
    head, generic, tail = latin.rpartition("sans-serif")
    return ", ".join([*own, head.rstrip(", "), *rest]) + ", " + generic + tail


def script_of(lang: str) -> str | None:
    """The script a language is written in, among those with a font here (``None`` for Latin ones)."""
    return _LANGUAGE_SCRIPT.get(lang.split("-")[0].lower())


def font_fingerprint(data: bytes) -> str:
    """A name for a font file's exact contents, read from its table directory only (cheap for 3 MB CJK
    fonts): the directory holds every table's checksum, offset and length, so any change shows there."""
    if data[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true") and len(data) >= 12:
        tables = int.from_bytes(data[4:6], "big")
        return hashlib.sha256(len(data).to_bytes(8, "big") + data[: 12 + 16 * tables]).hexdigest()[:12]
    return hashlib.sha256(data).hexdigest()[:12]

_shared: Any = None  # weasyprint.text.fonts.FontConfiguration, created on first use


def shared() -> Any:
    global _shared
    if _shared is None:
        from weasyprint.text.fonts import FontConfiguration

        _shared = FontConfiguration()
        atexit.register(_drop)
    return _shared


def _drop() -> None:
    """Free the configuration (and its temporary font folder) while the interpreter still works."""
    global _shared
    _shared = None
