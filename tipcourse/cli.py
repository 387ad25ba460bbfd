"""The ``tipcourse`` command line."""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .messages import message


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; each later capability adds its subcommand here."""
    parser = argparse.ArgumentParser(prog="tipcourse", description=message("cli.description"))
    parser.add_argument("--version", action="version", version=f"tipcourse {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    about = commands.add_parser("about", help=message("cli.about.help"))
    about.set_defaults(run=_about)
    start = commands.add_parser("start", help=message("cli.start.help"))
    start.add_argument("--dir", default="tipcourse-notebooks", help=message("cli.start.dir_help"))
    start.add_argument("--port", type=int, help=message("cli.start.port_help"))
    start.add_argument(
        "--no-browser", action="store_true", help=message("cli.start.no_browser_help")
    )
    start.set_defaults(run=_start)
    progress = commands.add_parser("progress", help=message("cli.progress.help"))
    whose = progress.add_mutually_exclusive_group()
    whose.add_argument("--learner", metavar="NAME", help=message("cli.progress.learner_help"))
    whose.add_argument("--reset", action="store_true", help=message("cli.progress.reset_help"))
    progress.add_argument("--yes", action="store_true", help=message("cli.progress.yes_help"))
    progress.set_defaults(run=_progress)
    from . import assign, export, grade

    assign.add_parser(commands)
    grade.add_parser(commands)
    export.add_parser(commands)
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
    print(message("cli.about.publisher", publisher=meta["publisher"], published=meta["published"]))
    print(message("cli.about.period", start=period["start"], end=period["end"]))
    print(message("cli.about.source", source=meta["source"]))
    print(message("cli.about.licence", licence=meta["licence"]))
    return 0


def _confirmed(answer: str) -> bool:
    """Whether ``answer`` is "yes", in English or in the interface's language."""
    words = {"yes", message("cli.progress.confirm_word").casefold()}
    words |= {word.replace("í", "i") for word in words}  # "si" typed without the accent
    return answer.strip().casefold() in words


def _progress(args: argparse.Namespace, extra: list[str]) -> int:
    from .progress import attempts, database_path, progress, reset

    if not args.reset:
        print(progress(args.learner).text())
        return 0
    path = database_path()
    count = len(attempts("all"))
    if not count:
        print(message("cli.progress.nothing_to_reset", path=path))
        return 0
    print(message("cli.progress.reset_what", count=count, path=path))
    if not args.yes:
        try:
            answer = input(message("cli.progress.confirm"))
        except (EOFError, KeyboardInterrupt):
            answer = ""
            print()
        if not _confirmed(answer):
            print(message("cli.progress.cancelled"), file=sys.stderr)
            return 1
    try:
        backup = reset(backup=True)
    except OSError as error:
        print(error, file=sys.stderr)
        return 1
    if backup is None:
        print(message("cli.progress.nothing_to_reset", path=path))
    else:
        print(message("cli.progress.reset_done", backup=backup))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "start":  # only `start` passes options on (to JupyterLab)
        parser.error(message("cli.unrecognized", arguments=" ".join(extra)))
    if not getattr(args, "run", None):
        parser.print_help(sys.stdout)
        return 0
    return args.run(args, extra)
