"""build/index.html: a gallery of every organisation, made from the manifests alone.

Because it reads nothing but manifests, the index can be assembled from the
outputs of several partial (sharded) builds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LABELS = {
    "faq": "FAQ page",
    "fragment": "FAQ fragment",
    "pdf": "PDF",
    "pptx": "PowerPoint",
    "thumbnail": "Image",
    "jsonld": "FAQ JSON-LD",
    "resources": "Resources page",
    "resources_fragment": "Resources fragment",
    "email": "Email (HTML)",
    "email_text": "Email (text)",
    "logo": "Logo (PNG)",
    "readme": "README",
}


def render(manifests: Sequence[Mapping[str, Any]], template: str) -> bytes:
    """The gallery page for ``manifests`` (each a parsed manifest.json)."""
    import jinja2

    orgs = []
    for manifest in sorted(manifests, key=lambda m: (m["name"].casefold(), m["id"])):
        by_locale: dict[str, list[dict[str, Any]]] = {locale: [] for locale in manifest["locales"]}
        for path, info in sorted(manifest["files"].items()):
            if info["locale"] in by_locale:
                by_locale[info["locale"]].append({"path": f"{manifest['id']}/{path}", **info})
        first = manifest["locales"][0]
        thumb = next((f["path"] for f in by_locale[first] if f["path"].endswith("/infographic.png")), None)
        orgs.append({**manifest, "by_locale": by_locale, "thumbnail": thumb})
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["label"] = lambda info: LABELS.get(info["format"], info["format"])
    html = env.from_string(template).render(orgs=orgs, warnings=sum(len(o["warnings"]) for o in orgs))
    return html.encode("utf-8")
