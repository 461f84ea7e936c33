"""The profile schema as the authoring commands see it: fields in order, and profiles written as YAML.

Everything here is read from the pydantic models in visitkit/profile.py (field order, documentation,
defaults, which fields are required, lists, booleans, file paths), so a field added there appears in
``visitkit new``'s template, the spreadsheet columns and the written key order without a change here.
"""

from __future__ import annotations

import textwrap
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from visitkit import profile_assets

SCHEMA_LINE = "# yaml-language-server: $schema=profile.schema.json"
"""The first line of a profile: editors that speak the YAML language server check and complete it."""
_ASSET_CHECKS = {profile_assets._image, profile_assets._font_file}


@dataclass(frozen=True)
class Field:
    path: tuple[str, ...]
    info: FieldInfo
    model: type[BaseModel] | None  # the nested model of a mapping field (brand → Brand)

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    @property
    def required(self) -> bool:
        return self.info.is_required()

    @property
    def is_list(self) -> bool:
        return any(typing.get_origin(t) is list for t in _parts(self.info.annotation))

    @property
    def is_bool(self) -> bool:
        return bool in _parts(self.info.annotation)

    @property
    def is_file(self) -> bool:
        """A path to a file in the org's folder (logo, fonts): a spreadsheet names a file to copy there."""
        return any(getattr(m, "func", None) in _ASSET_CHECKS for m in _metadata(self.info))

    @property
    def doc(self) -> str:
        return " ".join((self.info.description or "").replace("``", "`").split())


def _parts(annotation: Any) -> list[Any]:
    """``annotation`` and every type inside it (Optional, Annotated, unions), outermost first."""
    found = [annotation]
    for arg in typing.get_args(annotation):
        if not isinstance(arg, (FieldInfo, str, int)) and arg is not None:
            found += _parts(arg)
    return found


def _metadata(info: FieldInfo) -> list[Any]:
    """Validators on the field and inside its (Optional/Annotated) type."""
    found = list(info.metadata)
    for part in _parts(info.annotation):
        found += list(getattr(part, "__metadata__", ()))
    return found


def _model_of(info: FieldInfo) -> type[BaseModel] | None:
    return next((t for t in _parts(info.annotation) if isinstance(t, type) and issubclass(t, BaseModel)), None)


def fields(model: type[BaseModel] | None = None, prefix: tuple[str, ...] = ()) -> Iterator[Field]:
    """Every field of the profile (or of ``model``), depth first in declaration order: a mapping before its fields."""
    if model is None:
        from visitkit.profile import Profile

        model = Profile
    for name, info in model.model_fields.items():
        field = Field((*prefix, info.alias or name), info, _model_of(info))  # brand.from is the field from_
        yield field
        if field.model is not None:
            yield from fields(field.model, field.path)


def by_path() -> dict[tuple[str, ...], Field]:
    return {field.path: field for field in fields()}


def default_of(field: Field) -> Any:
    """The default as an author would write it, or None when the field has none worth showing."""
    default = field.info.default
    if default is PydanticUndefined or default is None or isinstance(default, BaseModel):
        return None
    if isinstance(default, (list, dict)) and not default:
        return None
    return default


# ------------------------------------------------------------------- YAML


class _Dumper(yaml.SafeDumper):
    """Block style, text with line breaks as literal blocks (``|``), everything else as PyYAML quotes it."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # A literal block keeps lines as typed; PyYAML falls back to quoting when a block cannot hold the text.
    style = "|" if "\n" in value.strip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    # A short list of one-line text reads best on one line (``locales: [en, es]``); others one item a line.
    short = all(isinstance(item, str) and "\n" not in item for item in value) and len(str(value)) <= 80
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=short)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(list, _list)


def scalar(value: Any) -> str:
    """One value as YAML on one line, quoted where YAML would misread it (``#…``, ``yes``, ``012``…)."""
    text = yaml.dump(value, Dumper=yaml.SafeDumper, default_flow_style=True, allow_unicode=True, width=10**6)
    return text.removesuffix("\n...\n").rstrip("\n")


def ordered(data: Any, model: type[BaseModel] | None = None) -> Any:
    """``data`` with each mapping's keys in the schema's order (keys the schema does not know last, as found)."""
    if model is None:
        from visitkit.profile import Profile

        model = Profile
    if not isinstance(data, dict):
        return data
    result: dict[Any, Any] = {}
    for name, info in model.model_fields.items():
        name = info.alias or name  # as written in YAML
        if name in data:
            inner = _model_of(info)
            result[name] = ordered(data[name], inner) if inner is not None else data[name]
    result.update((key, value) for key, value in data.items() if key not in result)
    return result


def dump(data: dict[str, Any]) -> str:
    """A profile's data as YAML: the schema's key order, block style, UTF-8 text, quoted where needed."""
    return yaml.dump(
        ordered(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )


def comment(text: str, indent: str = "", width: int = 100) -> list[str]:
    """``text`` as YAML comment lines."""
    return [f"{indent}# {line}" for line in textwrap.wrap(text, width - len(indent) - 2)] or [f"{indent}#"]
