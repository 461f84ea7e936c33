"""Synthetic organisations for the benchmark: every vertical, PNG/JPEG/SVG logos,
custom fonts on some, long names, one or two locales."""

from __future__ import annotations

import io
import os
import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("dodo.py", "pyproject.toml", "visitkit", "sources", "templates")
VERTICALS = ("healthcare", "financial", "retail", "generic")
WORDS = ("River", "Oak", "Summit", "Harbor", "Cedar", "Lakeside", "Northgate", "Valley", "Pioneer", "Meadow",
         "Granite", "Willow", "Beacon", "Crescent", "Maple", "Aurora")
KINDS = {
    "healthcare": ("Family Health Centre", "Community Clinic", "Centro de Salud Integral del Distrito Norte"),
    "financial": ("Credit Union", "Savings Bank", "Caja Cooperativa de Ahorros y Préstamos del Valle"),
    "retail": ("Home & Garden", "Outfitters", "Almacenes de Ferretería y Decoración del Mediterráneo"),
    "generic": ("Legal Aid", "Consulting Group", "Asociación de Servicios Profesionales Independientes"),
}
SVG_LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 64" width="240" height="64">'
    '<title>{name}</title><circle cx="32" cy="32" r="26" fill="{colour}"/>'
    '<rect x="70" y="20" width="150" height="10" rx="5" fill="#1F2933"/>'
    '<rect x="70" y="38" width="100" height="8" rx="4" fill="#52606D"/></svg>'
)


def make_project(folder: Path, orgs: int, locales: list[str], seed: int = 7) -> Path:
    """A project folder with the code, sources and templates and ``orgs`` generated profiles."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, folder / name)
    add_orgs(folder / "org_profiles", orgs, locales, seed)
    return folder


def add_orgs(profiles: Path, count: int, locales: list[str], seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    profiles.mkdir(parents=True, exist_ok=True)
    font_dir = ROOT / "org_profiles/brightside-hardware/fonts"
    ids = []
    for i in range(count):
        vertical = VERTICALS[i % 4]
        org_id = f"org-{i:05d}"
        ids.append(org_id)
        folder = profiles / org_id
        folder.mkdir(exist_ok=True)
        colour = f"#{rng.randrange(0x1000000):06X}"
        long_name = i % 7 == 0
        name = (f"{rng.choice(WORDS)} {KINDS[vertical][2]}" if long_name
                else f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS[vertical][:2])}")
        logo_kind = ("png", "jpeg", "svg")[i % 3]
        logo = folder / f"logo.{ 'jpg' if logo_kind == 'jpeg' else logo_kind}"
        _write_logo(logo, logo_kind, colour, name)
        org_locales = locales
        profile = {
            "name": name,
            "vertical": vertical,
            "locales": org_locales,
            "page_size": "letter" if i % 5 == 0 else "a4",
            "brand": {"primary": colour, "logo": f"{org_id}/{logo.name}"},
            "links": {
                "booking": f"https://{org_id}.example/book",
                "billing": f"https://{org_id}.example/billing",
                "homepage": f"https://{org_id}.example/",
            },
            "contact": {"phone": f"+1 555 01{i % 100:02d} {1000 + i % 9000}", "email": f"hello@{org_id}.example"},
            "policies": {
                "fee_differences": "Virtual visits cost the same as visits in person.",
                "payment_methods": ["card", "bank transfer"],
            },
            "features": {"sms_reminders": bool(i % 2), "pre_visit_forms": bool(i % 3 == 0)},
            "extra_info": "Have your documents ready before you join.",
        }
        if i % 4 == 1:  # a custom font on a quarter of the orgs (hard links: no copies, still inside the folder)
            (folder / "fonts").mkdir(exist_ok=True)
            for style in ("Regular", "Bold"):
                target = folder / "fonts" / f"Lato-{style}.ttf"
                if not target.exists():
                    os.link(font_dir / f"Lato-{style}.ttf", target)
            profile["brand"]["font"] = {"family": "Lato", "regular": f"{org_id}/fonts/Lato-Regular.ttf",
                                        "bold": f"{org_id}/fonts/Lato-Bold.ttf"}
        (profiles / f"{org_id}.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True, sort_keys=False))
    return ids


def _write_logo(path: Path, kind: str, colour: str, name: str) -> None:
    if kind == "svg":
        path.write_text(SVG_LOGO.format(colour=colour, name=name.replace("&", "&amp;")))
        return
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 128), "#FFFFFF")
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, 116, 116), fill=colour)
    draw.rounded_rectangle((140, 40, 440, 60), 10, fill="#1F2933")
    draw.rounded_rectangle((140, 76, 340, 92), 8, fill="#52606D")
    out = io.BytesIO()
    image.save(out, format="PNG" if kind == "png" else "JPEG", quality=85)
    path.write_bytes(out.getvalue())
