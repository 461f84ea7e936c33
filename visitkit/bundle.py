"""Per-organisation bundle: the manifest of every output and the toolkit zip.

Both are pure functions of the files they list, so they are byte-reproducible:
sorted keys, no timestamps, fixed zip entry dates and order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from visitkit.zipfiles import reproducible_zip


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inputs_hash(digests: Mapping[str, str]) -> str:
    """One hash for a set of input files: path → sha256 of its bytes."""
    return sha256("".join(f"{path}\0{digest}\n" for path, digest in sorted(digests.items())).encode())


def manifest(org: Mapping[str, Any], files: Mapping[str, Mapping[str, Any]]) -> bytes:
    """``org``: id, name, vertical, locales, warnings. ``files``: bundle path → locale, format, size, sha256, inputs."""
    document = {**org, "files": dict(files)}
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def toolkit_zip(entries: Mapping[str, bytes]) -> bytes:
    """A zip of ``entries`` (bundle path → bytes) in sorted order with fixed dates and permissions."""
    # Already-compressed formats are stored; text is deflated.
    return reproducible_zip(sorted(entries.items()), level=9, stored=(".png", ".pptx", ".zip"))
