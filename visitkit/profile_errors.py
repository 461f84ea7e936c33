"""Profile errors: pydantic's ``ValidationError`` in our words, one line per problem.

Each line is ``<field>: expected …, got …`` (or ``unknown key …; did you mean …?``, ``required
field is missing``), with the line of the field's key in the file: the longest part of the
field's path that the file has (a missing key's is its parent's). Our own checks
(visitkit/profile_values.py, visitkit/profile_assets.py) already word their messages; pydantic's
built-in error types are worded here.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from visitkit.profile_file import KeyLines
from visitkit.profile_values import describe

# pydantic's built-in error types that name the type that was expected.
_TYPE_NAMES = {
    "string_type": "text",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def error_lines(
    exc: ValidationError, model: type[BaseModel], data: dict, key_lines: KeyLines | None = None
) -> list[tuple[int | None, str]]:
    """(line in the file or None, message) for each problem of ``data`` as ``model``, in pydantic's order."""
    lines: list[tuple[int | None, str]] = []
    seen: set[str] = set()
    errors = [(error, _place(error["loc"], data)) for error in exc.errors(include_url=False)]
    missing = {loc for error, loc in errors if error["type"] == "missing"}
    suggestions = {loc: _suggestion(model, loc, missing) for error, loc in errors if error["type"] == "extra_forbidden"}
    # A misspelt required key is one mistake: its did-you-mean line stands for the missing field too.
    explained = {(*loc[:-1], meant) for loc, meant in suggestions.items() if meant}
    for error, loc in errors:
        where = ".".join(_loc_part(p) for p in loc) or "profile"
        if where in seen:  # one line a field: its first problem
            continue
        seen.add(where)
        kind = error["type"]
        found = describe(error["input"])
        if kind == "extra_forbidden":
            parent = ".".join(_loc_part(p) for p in loc[:-1])
            hint = f"; did you mean {suggestions[loc]!r}?" if suggestions[loc] else ""
            message = f"{parent + ': ' if parent else ''}unknown key {describe(loc[-1])}{hint}"
        elif kind == "missing":
            if loc in explained:
                continue
            message = f"{where}: required field is missing"
        elif kind == "bool_parsing":
            message = f"{where}: expected true or false, got {found}"
        elif kind == "literal_error":
            expected = error["ctx"]["expected"].replace("'", "")
            message = f"{where}: expected one of {expected}, got {found}"
        elif kind in _TYPE_NAMES:
            message = f"{where}: expected {_TYPE_NAMES[kind]}, got {found}"
        elif kind == "string_too_long":
            limit, got = error["ctx"]["max_length"], len(error["input"])
            message = f"{where}: expected at most {limit} characters, got {got}"
        elif kind == "too_long":
            limit, got = error["ctx"]["max_length"], len(error["input"])
            message = f"{where}: expected at most {limit} entries, got {got}"
        elif kind in ("string_too_short", "too_short"):
            empty = "an empty list" if kind == "too_short" else "an empty value"
            message = f"{where}: expected {'at least one entry' if kind == 'too_short' else 'text'}, got {empty}"
        elif kind == "string_pattern_mismatch":
            message = f"{where}: expected a locale code like 'en' or 'es-MX', got {found}"
        else:  # our own validators' messages, already "expected …, got …"
            message = f"{where}: {str(error['msg']).splitlines()[0] if error['msg'] else kind}"
        lines.append((_line_at(loc, key_lines or {}), message))
    return lines


def _place(loc: tuple, data: Any) -> tuple:
    """The location as the file's path: without pydantic's ``[key]`` step (a problem with a mapping's key).

    A step that is a key (or index) of the profile at that point is the profile's own, whatever
    it looks like: a user's key may well be ``[key]``.
    """
    path: list = []
    node = data
    for part in loc:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_list or (isinstance(node, dict) and part in node):
            node = node[part]
        elif part == "[key]":
            continue
        else:
            node = None  # a missing field, or a place inside a value
        path.append(part)
    return tuple(path)


def _suggestion(model: type[BaseModel], loc: tuple, missing: set[tuple]) -> str | None:
    """The field an unknown key was probably meant to be: a close name, a missing one first."""
    parent = _model_at(model, loc[:-1])
    if parent is None:
        return None
    close = difflib.get_close_matches(str(loc[-1]), list(parent.model_fields), n=3)
    return next((name for name in close if (*loc[:-1], name) in missing), close[0] if close else None)


def _line_at(loc: tuple, key_lines: KeyLines) -> int | None:
    """The line of the longest part of ``loc`` the file has: a missing key's is its parent's."""
    for end in range(len(loc), 0, -1):
        try:
            line = key_lines.get(loc[:end])
        except TypeError:  # an unhashable part: not one of the file's keys
            continue
        if line is not None:
            return line
    return None


def _loc_part(part: Any) -> str:
    """A location step as written in the file; odd keys (spaces, newlines…) are quoted."""
    text = str(part)
    return text if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", text) else describe(part)


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model of the mapping at ``loc`` (``("brand", "font")`` → ``Font``), if it is one."""
    found: Any = model
    for part in loc:
        field = found.model_fields.get(str(part))
        if field is None:
            return None
        found = next((t for t in _types(field.annotation) if isinstance(t, type) and issubclass(t, BaseModel)), None)
        if found is None:
            return None
    return found


def _types(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", None)
    return [t for a in args for t in _types(a)] if args else [annotation]
