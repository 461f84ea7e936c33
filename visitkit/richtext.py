"""The small Markdown subset allowed in prose: emphasis, links and lists.

Prose is parsed once into plain data (blocks of runs) so that every output
format renders the same structure its own way and no format ever sees raw
Markdown or HTML. Raw HTML in the input is kept as literal text.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from markdown_it import MarkdownIt
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

# "zero" turns every rule off; we switch on only the documented subset.
_MD = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False}).enable(
    ["emphasis", "link", "list", "newline", "escape", "backticks"]
)
# Keep link targets as the author wrote them (markdown-it would percent-encode them, and decoding
# again would turn an author's %22 into a quote); they are validated, not rewritten.
_MD.normalizeLink = lambda url: url
SAFE_SCHEMES = ("https:", "http:", "mailto:", "tel:")


def safe_url(value: str) -> str:
    """Defence in depth: every link target in the content model has a safe scheme.

    Profiles are validated more strictly on load; this guards content that was built
    or stored elsewhere (content.json) before any renderer writes it out. A
    ``{placeholder}`` is allowed: sources name link targets that content fills in.
    """
    if value.lower().startswith(SAFE_SCHEMES) or re.fullmatch(r"\{[a-z_.]+\}", value):
        return value
    raise ValueError(f"unsafe link target {value[:60]!r}: expected https:, http:, mailto: or tel:")


SafeUrl = Annotated[str, AfterValidator(safe_url)]


class Run(BaseModel):
    """A stretch of text with one style, optionally a link."""

    model_config = ConfigDict(frozen=True)
    text: str
    strong: bool = False
    em: bool = False
    href: SafeUrl | None = None


# A BCP 47 language tag as the profile's locales are written (``en``, ``es``, ``pt-BR``): it lands in lang="".
LangTag = Annotated[str, Field(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")]


class Block(BaseModel):
    """A paragraph (``items`` has one entry) or a bulleted/numbered list.

    ``lang`` is set when the block is written in another language than the document it appears in
    (an organisation's one-string prose, written in its default locale, on another locale's page):
    renderers put it on the element that holds the block, so screen readers and hyphenation switch.
    """

    model_config = ConfigDict(frozen=True)
    kind: Literal["p", "ul", "ol"] = "p"
    items: tuple[tuple[Run, ...], ...]
    lang: LangTag | None = None


def parse(text: str) -> list[Block]:
    """Parse Markdown-subset ``text`` into blocks of runs."""
    blocks: list[Block] = []
    list_kind: str | None = None
    list_items: list[tuple[Run, ...]] = []
    depth = 0  # nested lists are flattened into their outermost list
    for token in _MD.parse(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            if depth == 0:
                list_kind = "ul" if token.type == "bullet_list_open" else "ol"
                list_items = []
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                blocks.append(Block(kind=list_kind, items=tuple(list_items)))  # type: ignore[arg-type]
                list_kind = None
        elif token.type == "inline":
            runs = _inline_runs(token.children or [])
            if not runs:
                continue
            if list_kind:
                list_items.append(runs)
            else:
                blocks.append(Block(kind="p", items=(runs,)))
    return blocks


def _inline_runs(children) -> tuple[Run, ...]:
    runs: list[Run] = []
    strong = em = 0
    href: str | None = None
    for child in children:
        kind = child.type
        if kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "em_open":
            em += 1
        elif kind == "em_close":
            em -= 1
        elif kind == "link_open":
            # markdown-it percent-encodes hrefs; keep what the author wrote.
            href = str(child.attrs.get("href", ""))
        elif kind == "link_close":
            href = None
        elif kind in ("text", "code_inline"):
            _append(runs, Run(text=child.content, strong=bool(strong), em=bool(em), href=href))
        elif kind in ("softbreak", "hardbreak"):
            _append(runs, Run(text=" ", strong=bool(strong), em=bool(em), href=href))
    return tuple(runs)


def _append(runs: list[Run], run: Run) -> None:
    """Merge with the previous run when the style is the same."""
    if run.text == "":
        return
    if runs and runs[-1].model_copy(update={"text": ""}) == run.model_copy(update={"text": ""}):
        runs[-1] = runs[-1].model_copy(update={"text": runs[-1].text + run.text})
    else:
        runs.append(run)


def links(blocks: list[Block]) -> list[str]:
    """Every href in ``blocks``, in order."""
    return [run.href for block in blocks for item in block.items for run in item if run.href]


def plain(blocks: list[Block]) -> str:
    """The blocks as plain text, without link targets."""
    return "\n".join(" ".join("".join(r.text for r in item) for item in b.items) for b in blocks)
