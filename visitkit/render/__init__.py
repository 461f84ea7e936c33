"""Renderers: one module per output format, each a pure ``render(context) -> bytes``.

A renderer module declares ``TEMPLATES`` (project-relative files it reads;
``{icon}``, the organisation's header icon, is filled in) and, when it does not read both, ``ASSETS`` (a subset
of ``("logo", "font")``). What it writes, and when, is its entry in the output
registry (visitkit/outputs.py). It keeps heavy imports inside functions so that
listing tasks stays cheap.

A renderer reads only its ``RenderContext``: the content model, the bytes of
the files it may use (logo, fonts, icons, templates) and its options. It
never opens files, reads the clock or touches the network, so the same
context always gives the same bytes.

Templates are shared by every organisation: a broken one fails each render task
that uses it with the same line, ``templates/<file>:<line>: <problem>`` (see
``template_problem``), which never names the organisation or the output.
"""

from __future__ import annotations

import functools
import sys
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
        return _text(f"templates/{name}", self.asset(f"templates/{name}"))


class TemplateProblem(ValueError):
    """A broken template, a file every organisation shares: one line that names it (never an org)."""


def _text(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        found = f"byte 0x{data[exc.start]:02X} at offset {exc.start}"
        raise TemplateProblem(f"{name}: expected UTF-8 text, found {found}") from None


def template_problem(exc: BaseException) -> str | None:
    """The one line for a failure caused by a template, or None when ``exc`` is not one.

    ``templates/faq/page.html.j2:14: unexpected '}'``: the file that holds the mistake (an
    included or imported template names itself) and its line, the same for every organisation.
    A syntax error carries its own place; any other Jinja error (an undefined name, a template
    that is not among the inputs) is placed at the innermost template line of its traceback,
    which Jinja rewrites to point at the template's source.
    """
    if isinstance(exc, TemplateProblem):
        return str(exc)
    jinja2 = sys.modules.get("jinja2")
    if jinja2 is None or not isinstance(exc, jinja2.TemplateError):
        return None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        filename = exc.filename or (f"templates/{exc.name}" if exc.name else None)
        place = f"{filename}:{exc.lineno}" if filename else None
    else:
        place = None
        tb = exc.__traceback__
        while tb is not None:  # the innermost template frame is the last one
            filename = tb.tb_frame.f_code.co_filename
            if "__jinja_exception__" in tb.tb_frame.f_globals and filename.startswith("templates/"):
                place = f"{filename}:{tb.tb_lineno}"
            tb = tb.tb_next
    if place is None:
        return None
    if isinstance(exc, jinja2.TemplateNotFound):
        missing = f"templates/{exc.name}"
        message = f"template {missing!r} not found: a renderer reads only the templates in its TEMPLATES"
    else:
        message = " ".join((exc.message or type(exc).__name__).split())
    return f"{place}: {message}"


def renderer_inputs(module: ModuleType, icon: str, logo: str | None, fonts: Sequence[str]) -> list[str]:
    """Every project-relative file ``module`` reads for one org: its exact task dependencies.

    ``icon`` is the org's header icon (``Content.icon``; planning's ``Org.icon``)."""
    uses = getattr(module, "ASSETS", ("logo", "font"))
    files = {template.format(icon=icon) for template in module.TEMPLATES}
    if "logo" in uses and logo:
        files.add(logo)
    if "font" in uses:
        files.update(fonts)
    return sorted(files)


def template_sources(assets: Mapping[str, bytes]) -> tuple[tuple[str, str], ...]:
    """The Jinja templates (``.j2``) among a renderer's inputs, named relative to ``templates/``."""
    return tuple(
        sorted(
            (name.removeprefix("templates/"), _text(name, data))
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
    """A Jinja environment that loads only ``sources`` and fails on any undefined name.

    Each template's file name is its project-relative path (``templates/faq/page.html.j2``), so
    that errors, and the frames Jinja puts in tracebacks, name the file that holds the mistake
    (see ``template_problem``).
    """
    import jinja2

    texts = dict(sources)

    def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        return (texts[name], f"templates/{name}", lambda: True) if name in texts else None

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
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
