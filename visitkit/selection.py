"""Which organisations a run builds: all, a list (``org=a,b``) or a shard (``shard=i/n``); and which task groups.

Kept apart from visitkit.tasks so that dodo.py can read the selection, and
decide that nothing changed, without importing the schema and renderers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

ORG_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
"""An org id, the profile's file name stem (use ``fullmatch``: "$" would accept a trailing newline)."""


def shard_of(org_id: str, count: int) -> int:
    """The shard (1…count) an org belongs to: a hash of its id alone, so adding or
    removing another org never moves it."""
    return int.from_bytes(hashlib.sha256(org_id.encode()).digest()[:8], "big") % count + 1


@dataclass(frozen=True)
class Selection:
    """Which orgs a run builds: all, a list (``org=a,b``) or one shard (``shard=i/n``)."""

    orgs: tuple[str, ...] | None = None
    shard: tuple[int, int] | None = None
    groups: frozenset[str] | None = None
    """Only these task groups (set by visitkit.snapshot when only files they share changed); None: all."""

    @classmethod
    def parse(cls, org: str | None, shard: str | None) -> Selection:
        """From doit's command-line variables; raises ValueError with a one-line message."""
        orgs = tuple(o.strip() for o in org.split(",") if o.strip()) if org else None
        if not shard:
            return cls(orgs)
        match = re.fullmatch(r"(\d+)/(\d+)", shard)
        if not match or not 1 <= int(match[1]) <= int(match[2]):
            raise ValueError(f"shard={shard}: expected shard=<i>/<n> with 1 <= i <= n, e.g. shard=2/4")
        return cls(orgs, (int(match[1]), int(match[2])))

    def plans(self, group: str) -> bool:
        return self.groups is None or group in self.groups

    def includes(self, org_id: str) -> bool:
        return self.shard is None or shard_of(org_id, self.shard[1]) == self.shard[0]

    @property
    def state_file(self) -> str:
        """doit's state: one file per shard, so shards can be cached and restored separately."""
        return f".doit-shard-{self.shard[0]}-of-{self.shard[1]}.db" if self.shard else ".doit.db"


EVERYTHING = Selection()
