"""Scripts the brand font does not cover on the slide: which font sets them, how the theme names them, language tags.

Arabic, Hebrew, Japanese and Simplified Chinese are set in the Noto fonts committed in
``templates/fonts/scripts/`` (the PDF embeds the same files). A slide cannot embed fonts reliably, so
it *names* them (the theme's ``<a:ea>``/``<a:cs>`` and per-script ``<a:font script=…>`` entries, and
``<a:ea>``/``<a:cs>`` on runs) and *measures* with them here.

Which font a character is set in follows the renderers' own rule (PowerPoint's and LibreOffice's
script types): letters of a script take that script's font (East Asian: ``ea``; Arabic and Hebrew:
complex, ``cs``), Latin letters the brand font (``latin``), and weak characters (spaces, digits,
punctuation) the font of the strong character before them (after them at the start).

When a reader lacks the Noto fonts, their renderer substitutes (PowerPoint on Windows: Yu Gothic,
Meiryo or MS Gothic for Japanese, Microsoft YaHei or SimSun for Chinese, Arial, Tahoma or Segoe UI
for Arabic and Hebrew). Those fonts cannot be measured here, so a script's text is measured
``SLACK`` wider than in Noto: CJK fonts set ideographs, kana and CJK punctuation on the same 1 em
square as Noto (so a small slack), Arabic and Hebrew fonts vary more in width (10 %).
"""

from __future__ import annotations

import functools

from visitkit.render.scripts import FILES, FONTS, language_script  # noqa: F401 - this module's API

SLACK = {"Arab": 0.10, "Hebr": 0.10, "Jpan": 0.03, "Hans": 0.03}
COMPLEX = ("Arab", "Hebr")  # DrawingML's "complex script" fonts (<a:cs>); the CJK ones are East Asian (<a:ea>)
# CJK body text needs more room between lines: the PDF's CSS sets html:lang(ja|zh) line-height to --line × 1.2.
CJK_LINE = 1.2

# The language of text in a script the document's language is not written in (a borrowed name, a Latin brand name).
SCRIPT_LANGUAGE = {"Arab": "ar", "Hebr": "he", "Jpan": "ja", "Hans": "zh-Hans", "Latn": "en"}
# DrawingML wants a language-region tag (it has no script subtags: zh-Hans is zh-CN). A tag with a region keeps
# it; otherwise the region is CLDR's likely one (Babel's likely subtags: ja → JP, he → IL, zh-Hans → CN, en → US),
# except Arabic: Office's primary Arabic is ar-SA (LCID 0x0401), the tag PowerPoint itself writes for it.
_REGION_OVERRIDE = {"ar": "ar-SA"}

# Code point ranges of the scripts that take a script font (Latin letters take the brand font).
_RANGES = (
    (0x0590, 0x05FF, "Hebr"), (0xFB1D, 0xFB4F, "Hebr"),
    (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"), (0x0870, 0x08FF, "Arab"),
    (0xFB50, 0xFDFF, "Arab"), (0xFE70, 0xFEFF, "Arab"),
    (0x2E80, 0x2FDF, "Hani"), (0x3000, 0x30FF, "Hani"), (0x3100, 0x31FF, "Hani"), (0x3400, 0x4DBF, "Hani"),
    (0x4E00, 0x9FFF, "Hani"), (0xF900, 0xFAFF, "Hani"), (0xFE30, 0xFE4F, "Hani"), (0xFF00, 0xFFEF, "Hani"),
)


def han_script(lang: str) -> str:
    """Which CJK font sets ideographs in a document of ``lang``: Simplified Chinese's or (otherwise) Japanese."""
    return "Hans" if lang.split("-")[0].lower() == "zh" else "Jpan"


@functools.lru_cache(maxsize=4096)
def char_script(char: str) -> str:
    """Arab, Hebr or Hani for a letter of those scripts; Latn for another letter; "" for a weak character."""
    code = ord(char)
    for low, high, script in _RANGES:
        if low <= code <= high:
            # CJK spaces and punctuation are East Asian too: renderers set them in the East Asian font.
            return script
    return "Latn" if char.isalpha() else ""


def segments(text: str, han: str) -> list[tuple[int, int, str]]:
    """(start, end, script) of each stretch of ``text`` set in one font: a key of FONTS, or "Latn" (the brand font).

    Weak characters go with the strong character before them (after them at the start); ``han`` (Jpan or
    Hans) is the CJK font the document uses for ideographs and kana.
    """
    out: list[tuple[int, int, str]] = []
    current, start = "", 0
    for index, char in enumerate(text):
        script = char_script(char)
        script = han if script == "Hani" else script
        if not script or script == current:
            continue
        if current:
            out.append((start, index, current))
            start = index
        current = script
    out.append((start, len(text), current or "Latn"))
    return out


def strong_scripts(text: str, han: str) -> set[str]:
    """The scripts of ``text``'s letters (weak characters left out)."""
    return {han if s == "Hani" else s for s in map(char_script, text) if s}


@functools.lru_cache(maxsize=64)
def region_tag(lang: str) -> str:
    """``lang`` as DrawingML's language-region tag: ``ja`` → ``ja-JP``, ``zh-Hans`` → ``zh-CN``, ``pt-BR`` kept."""
    from babel.core import Locale, get_global

    if lang in _REGION_OVERRIDE:
        return _REGION_OVERRIDE[lang]
    locale = Locale.parse(lang.replace("-", "_"))
    if locale.territory:
        return f"{locale.language}-{locale.territory}"
    likely = get_global("likely_subtags")
    key = f"{locale.language}_{locale.script}" if locale.script else locale.language
    full = likely.get(key) or likely.get(locale.language) or ""
    region = next((part for part in full.split("_")[1:] if part.isupper() and len(part) == 2), None)
    return f"{locale.language}-{region}" if region else locale.language


def run_lang(text: str, lang: str) -> str:
    """The language tag of a run of ``text`` in a paragraph of ``lang``.

    A run in the paragraph's own script (or with no letters) is in its language; a run wholly in another
    script is not (a Latin brand name, URL or phone number in Arabic text; an Arabic name on an English
    page): it takes that script's language (SCRIPT_LANGUAGE; Latin: English).
    """
    own = language_script(lang)
    if own == "Hans" and has_kana(text):
        return region_tag("ja")  # a Japanese name on a Chinese slide
    found = strong_scripts(text, han_script(lang) if own in ("Jpan", "Hans") else "Jpan")
    if not found and own in COMPLEX and any(c.isdigit() for c in text):
        return region_tag("en")  # a phone number on its own, set left to right (draw._isolated)
    if not found or own in found or (own in ("Jpan", "Hans") and found & {"Jpan", "Hans"}):
        return region_tag(lang)
    if found & {"Jpan", "Hans"} and has_kana(text):
        return region_tag("ja")  # kana: Japanese
    script = sorted(found)[0] if len(found) == 1 else next(s for s in ("Arab", "Hebr", "Jpan", "Latn") if s in found)
    return region_tag(SCRIPT_LANGUAGE[script])


def has_kana(text: str) -> bool:
    """Does ``text`` hold hiragana or katakana (so it is Japanese, whatever its ideographs)?"""
    return any(0x3041 <= ord(c) <= 0x30FA or 0x31F0 <= ord(c) <= 0x31FF for c in text)


def split_runs(text: str, lang: str) -> list[str]:
    """``text`` cut where its script changes between the paragraph's own script and Latin, so each piece
    can carry its own language (``run_lang``); weak characters stay with the letters before them."""
    own = language_script(lang)
    if own == "Latn" and not any(char_script(c) in ("Arab", "Hebr", "Hani") for c in text):
        return [text]
    han = han_script(lang)
    pieces: list[str] = []
    for start, end, _ in segments(text, han):
        pieces.append(text[start:end])
    return pieces or [text]
