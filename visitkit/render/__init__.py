"""Renderers: one module per output format, each a pure ``render(context) -> bytes``.

A renderer module declares ``OUTPUT`` (its file name in ``build/<org>/<locale>/``),
``TEMPLATES`` (project-relative files it reads; ``{vertical}`` is filled in) and,
when it does not read both, ``ASSETS`` (a subset of ``("logo", "font")``). It keeps
heavy imports inside functions so that listing tasks stays cheap. An opt-in output
declares ``WHEN``, the profile flag that turns it on (e.g. ``"faq.structured_data"``;
``"brand.logo"`` stands for "the profile has a logo").

A renderer reads only its ``RenderContext``: the content model, the bytes of
the files it may use (logo, fonts, icons, templates) and its options. It
never opens files, reads the clock or touches the network, so the same
context always gives the same bytes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # planning imports the renderers for their TEMPLATES: keep pydantic out of it
    from visitkit.content import Content


@dataclass(frozen=True)
class RenderContext:
    content: Content
    assets: Mapping[str, bytes]
    """Project-relative path → bytes, for every file the renderer may read."""
    options: Mapping[str, Any] = field(default_factory=dict)

    def asset(self, path: str) -> bytes:
        try:
            return self.assets[path]
        except KeyError:
            raise KeyError(f"renderer asked for {path!r}, which is not among its inputs") from None

    def template(self, name: str) -> str:
        """A text file from ``templates/`` (must be listed among the renderer's inputs)."""
        return self.asset(f"templates/{name}").decode("utf-8")


def renderer_inputs(module: ModuleType, vertical: str, logo: str | None, fonts: Sequence[str]) -> list[str]:
    """Every project-relative file ``module`` reads for one org: its exact task dependencies."""
    uses = getattr(module, "ASSETS", ("logo", "font"))
    files = {template.format(vertical=vertical) for template in module.TEMPLATES}
    if "logo" in uses and logo:
        files.add(logo)
    if "font" in uses:
        files.update(fonts)
    return sorted(files)


def template_sources(assets: Mapping[str, bytes]) -> tuple[tuple[str, str], ...]:
    """The Jinja templates (``.j2``) among a renderer's inputs, named relative to ``templates/``."""
    return tuple(
        sorted(
            (name.removeprefix("templates/"), data.decode("utf-8"))
            for name, data in assets.items()
            if name.startswith("templates/") and name.endswith(".j2")
        )
    )


@functools.lru_cache(maxsize=16)  # a warm worker renders many orgs with the same template files
def jinja_environment(
    sources: tuple[tuple[str, str], ...],
    autoescape: bool = True,
    finalize: Callable | None = None,
    filters: tuple[tuple[str, Callable], ...] = (),
):
    """A Jinja environment that loads only ``sources`` and fails on any undefined name."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.DictLoader(dict(sources)),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,  # a missing label fails the build instead of printing nothing
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
        finalize=finalize,
    )
    env.filters.update(dict(filters))
    return env


def balanced_lines(title: str) -> list[str]:
    """A title split into two lines of similar length (the PDF and the slide set it the same way)."""
    words = title.split()
    if len(words) < 3:
        return [title]
    best = min(range(1, len(words)), key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))))
    return [" ".join(words[:best]), " ".join(words[best:])]
