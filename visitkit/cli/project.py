"""Where the authoring commands work: the project folder (the current one, like doit), and org ids."""

from __future__ import annotations

import sys
from pathlib import Path

from visitkit.profile_values import shown
from visitkit.selection import ORG_ID

PROFILES = Path("org_profiles")
SOURCES = Path("sources")
TEMPLATES = Path("templates")


def in_project() -> bool:
    """True in a visitkit project folder; otherwise says so (one line) and returns False."""
    if PROFILES.is_dir() and SOURCES.is_dir():
        return True
    print(
        f"visitkit: no org_profiles/ and sources/ in {Path.cwd()}: run visitkit in the project folder", file=sys.stderr
    )
    return False


def org_id_problem(org_id: str) -> str | None:
    """The line for an id that cannot name a profile (the build's own wording for a bad file name), or None."""
    if ORG_ID.fullmatch(org_id):
        return None
    return (
        f"org id: expected an org id like 'acme-clinic' (a-z, 0-9 and '-', at most 63 characters), got {shown(org_id)}"
    )
