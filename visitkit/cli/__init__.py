"""The ``visitkit`` command: authoring helpers around the build (``doit`` stays the build engine).

Each subcommand is a module of this package with a one-line docstring (its help), ``add_arguments(parser)``
and ``run(args) -> int`` (the exit status). ``COMMANDS`` is the one registry: adding a subcommand is one
entry there; an entry whose module is not installed (yet) is left out of the command line.
Run it from the project folder (the one with ``org_profiles/``), like ``doit``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from collections.abc import Sequence

COMMANDS: dict[str, str] = {
    "new": "visitkit.cli.new",
    "check": "visitkit.cli.check",
    "import": "visitkit.cli.importer",
    "export": "visitkit.cli.exporter",
    "serve": "visitkit.cli.serve",  # the live preview; listed only once its module exists
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="visitkit", description="Write, check and bulk-edit organisation profiles; build with `doit`."
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name in COMMANDS.items():
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        summary = (module.__doc__ or name).strip().splitlines()[0]
        sub = commands.add_parser(name, help=summary, description=summary)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
