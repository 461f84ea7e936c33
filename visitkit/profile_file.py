"""Reading a profile file before validation: the guarded YAML reader, and the defaults planning needs.

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


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loader (libyaml when present) that rejects duplicate keys and aliases.

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


def read_yaml(path: Path, display: str) -> Any:
    """Parse a YAML file safely; problems become a one-line ``ProfileError``."""
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
        _check_events(text)
        return yaml.load(text, Loader=_UniqueKeyLoader)
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


def _check_events(text: str) -> None:
    """Refuse aliases and deep nesting from the event stream, before anything is composed.

    libyaml composes nested collections recursively: a few hundred kilobytes of ``[[[[…`` crash
    the interpreter, so the depth is checked on the (iterative) parser's events first.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_UniqueKeyLoader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not allowed in profiles", event.start_mark
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"nesting deeper than {MAX_YAML_DEPTH} levels is not allowed in profiles",
                    event.start_mark,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
