"""The scripts the brand font does not cover (Arabic, Hebrew, Japanese, Simplified Chinese), for every renderer.

Each script has its committed Noto font (``templates/fonts/scripts/``): the PDF embeds it, the slide names and
measures it, and pages and email, which download no fonts, name the fonts systems ship for it. Scripts are
ISO 15924 codes (``Arab``, ``Hebr``, ``Jpan``, ``Hans``; ``Latn`` for the brand font's). Kept free of heavy
imports: the HTML renderers read it, and must not count as depending on WeasyPrint (visitkit/code.py).
"""

from __future__ import annotations

FONT_DIR = "templates/fonts/scripts"
# script → (family as named in the font files, regular file, bold file)
FONTS: dict[str, tuple[str, str, str]] = {
    "Arab": ("Noto Sans Arabic", f"{FONT_DIR}/NotoSansArabic-Regular.ttf", f"{FONT_DIR}/NotoSansArabic-Bold.ttf"),
    "Hebr": ("Noto Sans Hebrew", f"{FONT_DIR}/NotoSansHebrew-Regular.ttf", f"{FONT_DIR}/NotoSansHebrew-Bold.ttf"),
    "Jpan": ("Noto Sans CJK JP", f"{FONT_DIR}/NotoSansJP-Regular.otf", f"{FONT_DIR}/NotoSansJP-Bold.otf"),
    "Hans": ("Noto Sans CJK SC", f"{FONT_DIR}/NotoSansSC-Regular.otf", f"{FONT_DIR}/NotoSansSC-Bold.otf"),
}
FILES: tuple[str, ...] = tuple(path for _, regular, bold in FONTS.values() for path in (regular, bold))
# Each script's fonts as systems ship them (macOS/iOS, Windows, Android/Linux with Noto), for a browser's
# per-character fallback on pages and in email.
SYSTEM_FONTS: dict[str, str] = {
    "Arab": '"Geeza Pro", Tahoma, "Noto Sans Arabic"',
    "Hebr": '"Arial Hebrew", "Noto Sans Hebrew"',
    "Jpan": '"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic", Meiryo, "Noto Sans CJK JP", "Noto Sans JP"',
    "Hans": '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC"',
}
# A language's script; languages not listed are written in Latin (the brand font).
_LANGUAGE_SCRIPT = {"ar": "Arab", "fa": "Arab", "ur": "Arab", "he": "Hebr", "ja": "Jpan", "zh": "Hans"}


def language_script(lang: str) -> str:
    """The script a language tag's text is written in: Arab, Hebr, Jpan, Hans or Latn."""
    return _LANGUAGE_SCRIPT.get(lang.split("-")[0].lower(), "Latn")


def script_order(lang: str) -> list[str]:
    """The scripts in fallback order for a document in ``lang`` (BCP 47): its own script first, then the rest.

    Han characters look different in Japanese and Chinese fonts, so a Japanese page reaches the JP
    font before the SC one and a Chinese page the other way round; Latin pages take JP first."""
    own = language_script(lang)
    return ([own] if own in FONTS else []) + [script for script in FONTS if script != own]


def system_stack(latin: str, lang: str, others: bool = True) -> str:
    """A CSS font-family list for pages and email: the locale's own script fonts, then ``latin`` (the system
    UI fonts, ending in a generic family), with the other scripts' fonts just before that generic family —
    so a Japanese org name on an English page shows too, and Han characters take their locale's forms.
    ``others=False`` (email, where every cell repeats the list) leaves the other scripts to the system's
    own per-character fallback."""
    order = script_order(lang)
    own = [SYSTEM_FONTS[order[0]]] if language_script(lang) in FONTS else []
    rest = [SYSTEM_FONTS[script] for script in order[len(own) :]] if others else []
    head, generic, tail = latin.rpartition("sans-serif")
    return ", ".join([*own, head.rstrip(", "), *rest]) + ", " + generic + tail
