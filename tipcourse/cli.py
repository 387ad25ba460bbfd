"""The ``tipcourse`` command line."""

from __future__ import annotations

import argparse
import sys

from . import __version__

DESCRIPTION = (
    "tipcourse: a Jupyter course on the Mexico narrative of the U.S. State Department's "
    "2012 Trafficking in Persons Report."
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; each later capability adds its subcommand here."""
    parser = argparse.ArgumentParser(prog="tipcourse", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"tipcourse {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    about = commands.add_parser("about", help="say where the report comes from and how it is licensed")
    about.set_defaults(run=_about)
    start = commands.add_parser(
        "start", help="copy the course notebooks into a workspace and open them in JupyterLab"
    )
    start.add_argument("--dir", default="tipcourse-notebooks", help="the workspace folder (default: %(default)s)")
    start.add_argument("--port", type=int, help="the port JupyterLab listens on (default: the first free one from 8888)")
    start.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    start.set_defaults(run=_start)
    return parser


def _start(args: argparse.Namespace, extra: list[str]) -> int:
    from pathlib import Path

    from .start import start

    return start(Path(args.dir).resolve(), port=args.port, browser=not args.no_browser, extra=extra)


def _about(args: argparse.Namespace, extra: list[str]) -> int:
    from .datasets import report_metadata

    meta = report_metadata()
    period = meta["reporting_period"]
    print(meta["title"])
    print(f"Publisher: {meta['publisher']}, published {meta['published']}")
    print(f"Reporting period: {period['start']} to {period['end']}")
    print(f"Source: {meta['source']}")
    print(f"Licence: {meta['licence']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "start":  # only `start` passes options on (to JupyterLab)
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "run", None):
        parser.print_help(sys.stdout)
        return 0
    return args.run(args, extra)
