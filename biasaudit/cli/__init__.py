"""The ``biasaudit`` command: parses arguments and hands each subcommand to its module.

Thin by design: every subcommand module parses, calls the Python API and prints. User errors exit 2 with one line.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

from biasaudit.errors import BiasauditError, InputError

#: Subcommand modules under biasaudit.cli; each defines ``add_parser(subparsers)`` that sets ``func``.
COMMANDS: tuple[str, ...] = ("scan", "analyzers", "train", "seat", "weat", "debias", "augment", "counterfactual",
                             "generate", "compare", "card", "dashboard", "filter")


def build_parser() -> argparse.ArgumentParser:
    from biasaudit import __version__

    parser = argparse.ArgumentParser(prog="biasaudit", description="Audit text data for social bias.")
    parser.add_argument("--version", action="version", version=f"biasaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        import_module(f"biasaudit.cli.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except InputError as err:
        print(f"biasaudit: input error: {err}", file=sys.stderr)
        return 2
    except BiasauditError as err:
        print(f"biasaudit: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("biasaudit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
