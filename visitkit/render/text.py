"""Plain-text output (email.txt, README.txt): a Jinja environment without HTML escaping, and rich text
written out as wrapped paragraphs and lists with every link target in full.

Plain text needs no escaping, but it must not carry control characters (a
terminal would act on escape sequences), so every value is cleaned on output.
"""

from __future__ import annotations

import functools
import re
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from visitkit.render import html, jinja_environment, template_sources

if TYPE_CHECKING:
    import jinja2

    from visitkit.richtext import Block, Run

WIDTH = 72
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """``text`` without control characters (tab and newline are kept)."""
    return _CONTROL.sub("", text)


def _clean_value(value: Any) -> Any:
    return clean(value) if isinstance(value, str) else value


def environment(
    assets: Mapping[str, bytes], finalize: Callable[[Any], Any] = _clean_value, url: Callable[[str], str] = clean
) -> jinja2.Environment:
    """A plain-text Jinja environment over the ``.j2`` templates among ``assets``.

    ``finalize`` is applied to every printed value; ``url`` to every link target written out.
    """
    filters = (("wrap", wrap), ("blocks", _blocks_with(url)), ("underline", underline), ("url", url))
    return jinja_environment(template_sources(assets), False, finalize, filters)


@functools.cache
def _blocks_with(url: Callable[[str], str]) -> Callable:
    """One ``blocks`` filter per link writer, so that the cached environment is reused."""
    return functools.partial(blocks, url=url)


def wrap(text: str, indent: int = 0, first: str = "", width: int = WIDTH) -> str:
    """``text`` filled to ``width`` columns; words (and URLs) are never broken."""
    prefix = " " * indent
    if any(_wide(char) for char in text):
        return _wrap_wide(text, width, prefix + first, prefix + " " * len(first))
    return textwrap.fill(
        " ".join(text.split()),
        width=width,
        initial_indent=prefix + first,
        subsequent_indent=prefix + " " * len(first),
        break_long_words=False,
        break_on_hyphens=False,
    )


def underline(title: str, char: str = "=") -> str:
    """A title over a line of ``char`` as long as its longest line."""
    lines = wrap(title).split("\n")
    return "\n".join(lines) + "\n" + char * max(columns(line) for line in lines)


def columns(line: str) -> int:
    """How many columns ``line`` takes in a monospaced font: wide (CJK) characters take two."""
    return sum(2 if _wide(char) else 1 for char in line)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _wrap_wide(text: str, width: int, initial: str, subsequent: str) -> str:
    """``wrap`` for text with CJK characters, which has no spaces to break at: lines break where Unicode
    allows (UAX #14: between ideographs, never before 、。), counted in columns; a run without wide
    characters (a URL, a Latin word) stays whole."""
    pieces: list[tuple[str, bool]] = []  # (text, a space before it)
    for word in text.split():
        units = _break_units(word) if any(_wide(char) for char in word) else [word]
        pieces += [(unit, index == 0) for index, unit in enumerate(units)]
    lines: list[str] = []
    line, empty = initial, True
    for piece, spaced in pieces:
        glue = " " if spaced and not empty else ""
        if not empty and columns(line + glue + piece) > width:
            lines.append(line)
            line = subsequent + piece
        else:
            line += glue + piece
        empty = False
    lines.append(line)
    return "\n".join(lines)


@functools.lru_cache(maxsize=20_000)
def _break_units(word: str) -> tuple[str, ...]:
    """``word`` cut where UAX #14 allows. Cached per worker: uniseg takes about 0.1 ms a character, and
    the shared copy (FAQ, steps, email) repeats in every organisation's README.txt and email."""
    from uniseg.linebreak import line_break_units

    return tuple(line_break_units(word))


def runs(items: Iterable[Run], url: Callable[[str], str] = clean) -> str:
    """One paragraph or list item: link text followed by its target in angle brackets."""
    out = []
    for href, group in html.link_groups(items):
        text = "".join(run.text for run in group)
        if href and text.strip() != href:
            out.append(f"{text} <{url(href)}>")
        elif href:
            out.append(f"<{url(href)}>")
        else:
            out.append(text)
    return "".join(out)


def blocks(value: Iterable[Block], indent: int = 0, url: Callable[[str], str] = clean) -> str:
    """Rich text as wrapped paragraphs and lists, separated by blank lines."""
    parts = []
    for kind, items in html.visible_blocks(value):
        if kind == "p":
            parts += [wrap(runs(item, url), indent) for item in items]
        else:
            lines = [
                wrap(runs(item, url), indent, f"{number}. " if kind == "ol" else "- ")
                for number, item in enumerate(items, 1)
            ]
            parts.append("\n".join(lines))
    return "\n\n".join(parts)
