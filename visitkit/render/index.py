"""build/index.html: a gallery of every organisation, made from the manifests alone.

Because it reads nothing but manifests, the index can be assembled from the
outputs of several partial (sharded) builds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from visitkit import outputs


def render(
    manifests: Sequence[Mapping[str, Any]], template: str, statuses: Mapping[str, Mapping[str, Any]] | None = None
) -> bytes:
    """The gallery page for ``manifests`` (each a parsed manifest.json).

    ``statuses`` (the report's organisations) marks those whose last build failed, with its error
    lines and the time of its last good build; one that never built has no manifest, only a status.
    """
    import jinja2

    statuses = statuses or {}
    built = {m["id"] for m in manifests}
    never_built = [
        {"id": org_id, "name": org_id, "vertical": "", "locales": [], "files": {}, "warnings": []}
        for org_id in statuses
        if org_id not in built
    ]
    orgs = []
    for manifest in sorted([*manifests, *never_built], key=lambda m: (m["name"].casefold(), m["id"])):
        by_locale: dict[str, list[dict[str, Any]]] = {locale: [] for locale in manifest["locales"]}
        for path, info in sorted(manifest["files"].items()):
            if info["locale"] in by_locale:
                by_locale[info["locale"]].append({"path": f"{manifest['id']}/{path}", **info})
        first = manifest["locales"][0] if manifest["locales"] else None
        preview = "/" + outputs.name_of("thumbnail")
        thumb = next((f["path"] for f in by_locale.get(first, []) if f["path"].endswith(preview)), None)
        status = statuses.get(manifest["id"], {"status": "ok", "errors": [], "last_good": None})
        orgs.append({**manifest, "by_locale": by_locale, "thumbnail": thumb, "build": status})
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["label"] = lambda info: outputs.BY_GROUP[info["format"]].label if info["format"] in outputs.BY_GROUP \
        else info["format"]
    html = env.from_string(template).render(
        orgs=orgs,
        warnings=sum(len(o["warnings"]) for o in orgs),
        failed=sum(o["build"]["status"] == "failed" for o in orgs),
    )
    return html.encode("utf-8")
