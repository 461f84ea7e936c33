"""visitkit build: `doit` builds every organisation in org_profiles/ into build/.

The tasks come from visitkit's doit loader (visitkit/loader.py, named in pyproject.toml's
[tool.doit]), which plans them from the output registry (visitkit/outputs.py) for the command
doit runs. `doit org=acme,bank` builds only those organisations, `doit shard=2/4` the second of
four shards, `doit strict=1` fails on any warning (see README); `doit list` shows the task groups.
"""

from visitkit.loader import VISITKIT_BUILD  # noqa: F401 - marks this file as visitkit's build for the loader
