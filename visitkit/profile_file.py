"""Reading a profile file before validation: the guarded YAML reader, and the values planning needs.

Planning (visitkit/tasks.py) reads every profile for the few fields that decide
which tasks exist; this module keeps that cheap to import (no pydantic).
visitkit/profile.py validates what it reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_PROFILE_BYTES = 256 * 1024
MAX_YAML_DEPTH = 20  # real profiles nest 3 deep; libyaml's composer recurses (and crashes) on deep input
_TOO_DEEP = f"nesting deeper than {MAX_YAML_DEPTH} levels is not allowed in profiles"
VERTICALS = ("healthcare", "financial", "retail", "generic")
"""The kinds of organisation a profile's ``vertical`` names: each has its own wording and icon.

The one list: the schema's ``vertical`` field (visitkit/profile.py) is made of it, and planning
reads it here without importing the schema.
"""
KeyLines = dict[tuple, int]
"""Key path (keys and list indexes) → 1-based line of that key or list item."""
DEFAULT_FONT = {
    "family": "Inter",
    "regular": "templates/fonts/Inter-Regular.otf",
    "bold": "templates/fonts/Inter-Bold.otf",
}


class ProfileError(Exception):
    """A profile is invalid; ``lines`` holds one user-facing line per problem."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


class _Guards:
    """Construction that rejects duplicate keys and aliases.

    Rejecting aliases also defuses "billion laughs" expansion bombs.
    """

    def construct_object(self, node, deep=False):  # noqa: ANN001
        if node in self.constructed_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not allowed in profiles", node.start_mark
            )
        return super().construct_object(node, deep)

    def construct_mapping(self, node, deep=False):  # noqa: ANN001
        seen: set = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


class _PurePythonLoader(_Guards, yaml.SafeLoader):
    """The guarded loader on PyYAML's own (pure-Python) parser."""


if hasattr(yaml, "CSafeLoader"):

    class _UniqueKeyLoader(_Guards, yaml.CSafeLoader):  # type: ignore[misc]
        """The guarded loader on libyaml: the one profiles are read with."""

else:  # PyYAML built without libyaml
    _UniqueKeyLoader = _PurePythonLoader  # type: ignore[misc]


def read_yaml(path: Path, display: str) -> Any:
    """Parse a YAML file safely; problems become a one-line ``ProfileError``."""
    return _read(path, display, with_lines=False)[0]


def read_yaml_with_lines(path: Path, display: str) -> tuple[Any, KeyLines]:
    """Like ``read_yaml``, and also the 1-based line of every key and list item.

    The lines map a key path, a tuple of keys and list indexes such as ``("brand", "primary")``
    or ``("locales", 1)``, to the line of that key (or of that list item).
    """
    return _read(path, display, with_lines=True)


def _read(path: Path, display: str, with_lines: bool) -> tuple[Any, KeyLines]:
    try:
        if not path.is_file():
            raise ProfileError([f"{display}: expected a YAML file, got {'a folder' if path.is_dir() else 'nothing'}"])
        size = path.stat().st_size
        if size > MAX_PROFILE_BYTES:
            raise ProfileError(
                [f"{display}: expected a profile of at most {MAX_PROFILE_BYTES} bytes, got {size} bytes"]
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ProfileError([f"{display}: expected a readable file, got an error ({exc.strerror})"]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ProfileError(
            [f"{display}:{line}: expected UTF-8 text, got the byte 0x{data[exc.start]:02X} (save the file as UTF-8)"]
        ) from None
    try:
        _check_depth(text)
        # Compose once (the depth is known to be small now), construct from the nodes, and keep their lines.
        loader = _UniqueKeyLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, {}
            value = loader.construct_document(node)
            lines: KeyLines = {}
            if with_lines:
                _record_lines(loader, node, value, (), lines)
            return value, lines
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{display}:{mark.line + 1}:{mark.column + 1}" if mark else display
        # libyaml's context ("while parsing a flow sequence") and problem read as one sentence.
        parts = [exc.context, exc.problem] if exc.context and exc.problem else [exc.problem or exc.context]
        problem = ", ".join(str(part).splitlines()[0] for part in parts if part) or "invalid YAML"
        if mark and text[mark.index : mark.index + 1] == "\t":
            problem += " (a tab: indent with spaces)"
        raise ProfileError([f"{where}: YAML error: {problem}"]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (control characters…)
        line = text[: exc.position].count("\n") + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise ProfileError(
            [f"{display}:{line}:{column}: YAML error: unacceptable character U+{code:04X} ({exc.reason})"]
        ) from None
    except yaml.YAMLError as exc:
        raise ProfileError([f"{display}: YAML error: {str(exc).splitlines()[0]}"]) from None


def _record_lines(loader: Any, node: yaml.Node, value: Any, path: tuple, lines: KeyLines) -> None:
    """Walk the composed nodes beside the data built from them, noting each key's and item's line."""
    if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
        # Keys are scalars (others are unhashable and already refused); the last of a key wins,
        # as in the data (only a merge key, ``<<``, can repeat one).
        pairs = {loader.construct_object(key_node): (key_node, value_node) for key_node, value_node in node.value}
        for key, (key_node, value_node) in pairs.items():
            if key in value:
                here = (*path, key)
                lines[here] = key_node.start_mark.line + 1
                _record_lines(loader, value_node, value[key], here, lines)
    elif isinstance(node, yaml.SequenceNode) and isinstance(value, list):
        for index, (item_node, item) in enumerate(zip(node.value, value, strict=False)):
            here = (*path, index)
            lines[here] = item_node.start_mark.line + 1
            _record_lines(loader, item_node, item, here, lines)


def _check_depth(text: str) -> None:
    """Refuse aliases and nesting deeper than ``MAX_YAML_DEPTH``, whatever the YAML library refuses first.

    libyaml 0.2.6 (PyYAML 6.0.4) stops at about 1,000 levels on its own, reading ahead of the events
    it has handed out: its error, "exceeded maximum nesting depth", arrives before the event that is
    21 levels deep. Then the pure-Python parser, which reads ahead no further than it must, finds
    that event: the error names the same place with either library.
    """
    try:
        _check_events(text, _UniqueKeyLoader)
    except yaml.MarkedYAMLError as exc:
        if exc.problem == _TOO_DEEP or "nesting" not in f"{exc.context} {exc.problem}".lower():
            raise  # ours, or a plain syntax error
        try:  # slower (0.1 s to a few seconds), and only for a profile the library finds too deep
            _check_events(text, _PurePythonLoader)
        except yaml.YAMLError as exact:
            if isinstance(exact, yaml.MarkedYAMLError) and exact.problem == _TOO_DEEP:
                raise exact from None
        # The library's own nesting limit, in our words, where the library stopped.
        raise yaml.constructor.ConstructorError(None, None, _TOO_DEEP, exc.problem_mark or exc.context_mark) from None


def _check_events(text: str, loader: type) -> None:
    """Refuse aliases and deep nesting from the event stream, before anything is composed.

    libyaml composes nested collections recursively: a few hundred kilobytes of ``[[[[…`` crash
    the interpreter, so the depth is checked on the (iterative) parser's events first.
    """
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not allowed in profiles", event.start_mark
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise yaml.constructor.ConstructorError(None, None, _TOO_DEEP, event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
