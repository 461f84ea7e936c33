"""Which code files and which installed libraries a visitkit module runs on.

Every task depends on the code that computes it: a renderer's tasks on the
renderer's module and every visitkit module it imports (found by reading the
imports, lazy ones included), and on the versions of the libraries those
modules import (and what those require), so that an edited module or an
upgraded WeasyPrint rebuilds exactly the outputs it makes.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from visitkit import snapshot

NO_RECORD = snapshot.Record()
"""For planning outside a doit run (tests, the benchmark): nothing known, nothing kept."""
_PACKAGE_DIR = Path(__file__).resolve().parent


@functools.cache
def module_files(module: str, record: snapshot.Record = NO_RECORD) -> tuple[str, ...]:
    """Project-relative source files of ``module`` and every visitkit module it imports."""
    known = record.known("modules", module)  # parsing the code is most of planning one org
    if known is None:
        known = record.remember("modules", module, list(_module_files(module)))
    return tuple(known)


def _module_files(module: str) -> tuple[str, ...]:
    seen: set[str] = set()
    pending = [module]
    while pending:
        name = pending.pop()
        if name in seen or _module_path(name) is None:
            continue
        seen.add(name)
        pending += _imports(name)
    root = _PACKAGE_DIR.parent
    return tuple(sorted({_module_path(name).relative_to(root).as_posix() for name in seen}))


@functools.cache
def _imports(name: str) -> tuple[str, ...]:
    """Modules one visitkit module imports (anywhere in it, lazy imports included)."""
    return tuple(n for n in _all_imports(name) if n == "visitkit" or n.startswith("visitkit."))


@functools.cache
def _all_imports(name: str) -> tuple[str, ...]:
    path = _module_path(name)
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            found.append(base)
            found += [f"{base}.{a.name}" for a in node.names]
    if "." in name:  # a submodule import runs its package's __init__ too
        found.append(name.rsplit(".", 1)[0])
    return tuple(found)


@functools.cache
def libraries(module: str, record: snapshot.Record = NO_RECORD) -> tuple[str, ...]:
    """The installed distributions ``module``'s code runs on: those its visitkit modules import,
    and everything they require. Their versions are part of the module's recipe, so upgrading
    WeasyPrint (or pydyf under it) rebuilds the outputs it renders."""
    known = record.known("libraries", module)
    if known is None:
        known = record.remember("libraries", module, list(_libraries(module)))
    return tuple(known)


def _libraries(module: str) -> tuple[str, ...]:
    import importlib.metadata
    import sys

    owners = _distributions_by_package()
    tops = {
        n.split(".")[0]
        for f in module_files(module)
        for n in _all_imports(_module_name(f))
        if not n.startswith("visitkit")
    }
    pending = sorted({d for top in tops - set(sys.stdlib_module_names) for d in owners.get(top, ())})
    found: set[str] = set()
    while pending:
        name = pending.pop()
        key = _canonical(name)
        if key in found:
            continue
        try:
            requires = importlib.metadata.distribution(name).requires or []
        except importlib.metadata.PackageNotFoundError:
            continue
        found.add(key)
        pending += [re.split(r"[\s\[<>=!~;(]", r, maxsplit=1)[0] for r in requires if "extra ==" not in r]
    return tuple(sorted(found))


@functools.cache
def _distributions_by_package() -> dict[str, list[str]]:
    import importlib.metadata

    return importlib.metadata.packages_distributions()


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _module_name(path: str) -> str:
    """``visitkit/render/pdf.py`` → ``visitkit.render.pdf``."""
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def versions(distributions: tuple[str, ...]) -> dict[str, str]:
    """Installed version of each distribution ("absent" when it is not installed)."""
    return {name: snapshot.installed_version(name) for name in distributions}


@functools.cache
def _module_path(name: str) -> Path | None:
    if name != "visitkit" and not name.startswith("visitkit."):
        return None
    relative = Path(*name.split(".")[1:])
    for candidate in (_PACKAGE_DIR / relative / "__init__.py", (_PACKAGE_DIR / relative).with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


