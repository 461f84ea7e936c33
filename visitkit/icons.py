"""The header icons an organisation can choose (``brand.icon``), and the default for each vertical.

Each name is a line drawing, ``templates/icons/<name>.svg``. Planning (visitkit/tasks.py) reads
this module to name the right icon file among each task's dependencies: keep it free of imports.
"""

from __future__ import annotations

ICONS = (
    "healthcare", "dental", "vision", "veterinary", "pharmacy",
    "financial", "bank", "insurance",
    "retail", "store",
    "legal", "education", "government",
    "generic",
)
"""Every shipped icon, in the order the schema lists them."""

BY_VERTICAL = {"healthcare": "healthcare", "financial": "financial", "retail": "retail", "generic": "generic"}
"""The icon an organisation of each vertical gets when its profile names none."""

PATTERN = "templates/icons/{icon}.svg"
"""A renderer's ``TEMPLATES`` entry for the chosen icon (``{icon}`` is filled in per organisation)."""


def icon_for(vertical: str, chosen: str | None = None) -> str:
    """The icon an organisation gets: the one its profile chose, else its vertical's."""
    return chosen or BY_VERTICAL.get(vertical, "generic")
