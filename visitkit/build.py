"""Task actions: the impure shell around the pure steps (read inputs, write outputs).

Every output is written atomically: to a temporary file in the same folder,
then renamed into place, so no reader ever sees a partial file.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from pathlib import Path
from typing import Any

from doit.exceptions import TaskFailed

from visitkit import profile as profile_mod
from visitkit import sources
from visitkit.content import build_content, dump_content, load_content
from visitkit.render import RenderContext


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``; leave it untouched when the bytes are the same."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def validate(profile_path: str, sources_dir: str, target: str) -> TaskFailed | None:
    """Validate one profile; write its normalised form (the content tasks' input)."""
    path = Path(profile_path)
    try:
        profile = profile_mod.load_profile(path, sources.available_locales(Path(sources_dir)))
    except profile_mod.ProfileError as exc:
        return TaskFailed(str(exc))
    write_atomic(Path(target), (profile.model_dump_json(indent=1, exclude_unset=False) + "\n").encode())
    return None


def content(validated: str, org_id: str, locale: str, sources_dir: str, profiles_dir: str, target: str) -> None:
    """Build the content model for one org and locale."""
    profile = profile_mod.Profile.model_validate_json(Path(validated).read_bytes())
    model = build_content(profile, org_id, locale, sources.load_locale(Path(sources_dir), locale), Path(profiles_dir))
    write_atomic(Path(target), dump_content(model))


def render(module: str, content_path: str, inputs: list[str], target: str, options: dict[str, Any]) -> None:
    """Run one renderer on one content model; ``inputs`` are project-relative files."""
    renderer = importlib.import_module(module)
    assets = {name: Path(name).read_bytes() for name in inputs}
    context = RenderContext(content=load_content(Path(content_path)), assets=assets, options=options)
    write_atomic(Path(target), renderer.render(context))


def missing_profile(path: str) -> TaskFailed:
    return TaskFailed(f"{path}: no such profile (asked for with org=)")


def schema(target: str) -> None:
    write_atomic(Path(target), profile_mod.json_schema().encode())
