"""The ``tipcourse`` command line: argument parsing, printing and exit statuses, for every command.

The work itself lives in the library (:mod:`tipcourse.views.start`,
:mod:`tipcourse.instructor._assign`, :mod:`tipcourse.instructor.grading._grade`,
:mod:`tipcourse.instructor.lms._export`, the attempts store); each handler here turns the arguments
into one call, prints what came of it and returns the exit status.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .engine._receipts import ProgressFileError, import_progress
from .engine._store import attempts, database_path, reset
from .instructor._analyze import Analysis, AnalyzeError, analysis, receipts_analysis
from .instructor._assign import MANIFEST, AssignError, assign
from .instructor._csvfile import shown
from .instructor.grading._bwrap import SANDBOXES, SandboxError, choose, exposed
from .instructor.grading._cluster import ClusterError, grade_on_dask
from .instructor.grading._grade import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, Key, Result, grade
from .instructor.grading._manual import ManualError, merge_manual, read_manual
from .instructor.grading._outputs import Outputs, Written, write_outputs
from .instructor.grading._submissions import submissions_in
from .instructor.lms._export import ExportError, ExportUsageError, export_file
from .instructor.lms._fill import (
    PREFER,
    LmsGradebookError,
    conflicts,
    possible_points,
    read_lms_gradebook,
)
from .report._parse import SECTION_NAMES
from .report.datasets import report_metadata
from .report.messages import (
    LANGUAGES,
    get_language,
    language_code,
    long_date,
    message,
    set_language,
)
from .views.dashboard import progress
from .views.start import course_notebooks, default_workspace, run_jupyter, sync_workspace

__all__ = ["build_parser", "main", "progress_bar"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(prog="tipcourse", description=message("cli.description"))
    parser.add_argument("--version", action="version", version=f"tipcourse {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    about = commands.add_parser("about", help=message("cli.about.help"))
    about.set_defaults(run=_about)
    start = commands.add_parser("start", help=message("cli.start.help"))
    start.add_argument("--dir", help=message("cli.start.dir_help"))
    start.add_argument("--port", type=int, help=message("cli.start.port_help"))
    start.add_argument(
        "--no-browser", action="store_true", help=message("cli.start.no_browser_help")
    )
    start.set_defaults(run=_start)
    progress_command = commands.add_parser("progress", help=message("cli.progress.help"))
    whose = progress_command.add_mutually_exclusive_group()
    whose.add_argument("--learner", metavar="NAME", help=message("cli.progress.learner_help"))
    whose.add_argument("--reset", action="store_true", help=message("cli.progress.reset_help"))
    progress_command.add_argument(
        "--yes", action="store_true", help=message("cli.progress.yes_help")
    )
    progress_command.add_argument(
        "--import",
        dest="import_file",
        metavar="FILE",
        help=message("cli.progress.import_help"),
    )
    progress_command.set_defaults(run=_progress)
    _add_assign(commands)
    _add_grade(commands)
    _add_analyze(commands)
    _add_export(commands)
    _add_site(commands)
    for command in commands.choices.values():
        command.add_argument(
            "--lang", type=_language, metavar="LANG", help=message("cli.lang_help")
        )
    return parser


def _language(tag: str) -> str:
    """The language a ``--lang`` value names ("es", "es-MX", "es_MX.UTF-8"); else an error."""
    code = language_code(tag)
    if code not in LANGUAGES:
        raise argparse.ArgumentTypeError(
            message("language.unknown", language=tag, choices=", ".join(LANGUAGES))
        )
    return code


def _add_assign(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "assign", help=message("assign.help"), description=message("assign.description")
    )
    parser.add_argument(
        "--notebooks", nargs="+", metavar="NN", help=message("assign.notebooks_help")
    )
    parser.add_argument("--items", nargs="+", metavar="ID", help=message("assign.items_help"))
    parser.add_argument("--out", required=True, metavar="DIR", help=message("assign.out_help"))
    parser.add_argument("--course", metavar="DIR", help=message("assign.course_help"))
    parser.add_argument("--bank", metavar="DIR", help=message("assign.bank_help"))
    parser.add_argument("--self-check", action="store_true", help=message("assign.self_check_help"))
    parser.set_defaults(run=_assign)


def _add_grade(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "grade", help=message("grade.help"), description=message("grade.description")
    )
    parser.add_argument(
        "submissions",
        nargs="+",
        metavar="SUBMISSION_OR_FOLDER",
        help=message("grade.submissions_help"),
    )
    parser.add_argument("--out", required=True, metavar="CSV", help=message("grade.out_help"))
    parser.add_argument("--assignment", metavar="DIR", help=message("grade.assignment_help"))
    parser.add_argument("--feedback", metavar="DIR", help=message("grade.feedback_help"))
    parser.add_argument("--jobs", type=int, metavar="N", help=message("grade.jobs_help"))
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=message("grade.timeout_help"),
    )
    parser.add_argument(
        "--memory",
        type=int,
        default=DEFAULT_MEMORY_MB,
        metavar="MB",
        help=message("grade.memory_help"),
    )
    parser.add_argument("--manual", metavar="CSV", help=message("grade.manual_help"))
    parser.add_argument("--lms-gradebook", metavar="CSV", help=message("lms.gradebook_help"))
    parser.add_argument("--lms-column", metavar="NAME", help=message("lms.column_help"))
    parser.add_argument("--prefer", choices=PREFER, help=message("lms.prefer_help"))
    parser.add_argument("--dask", metavar="ADDRESS", help=message("grade.dask_help"))
    parser.add_argument(
        "--sandbox", choices=SANDBOXES, default="auto", help=message("grade.sandbox_help")
    )
    parser.set_defaults(run=_grade)


def _add_analyze(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "analyze", help=message("analyze.help"), description=message("analyze.description")
    )
    parser.add_argument(
        "gradebook", nargs="?", metavar="GRADEBOOK", help=message("analyze.gradebook_help")
    )
    parser.add_argument("--assignment", metavar="DIR", help=message("analyze.assignment_help"))
    parser.add_argument("--receipts", metavar="DIR", help=message("analyze.receipts_help"))
    parser.add_argument("--out", required=True, metavar="DIR", help=message("analyze.out_help"))
    parser.set_defaults(run=_analyze)


def _add_export(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "export", help=message("export.help"), description=message("export.description")
    )
    parser.add_argument(
        "--format", required=True, metavar="FORMAT", help=message("export.format_help")
    )
    parser.add_argument("--out", required=True, metavar="FILE", help=message("export.out_help"))
    parser.add_argument(
        "--section",
        action="extend",
        nargs="+",
        metavar="SECTION",
        help=message("export.section_help", sections=", ".join(SECTION_NAMES)),
    )
    parser.set_defaults(run=_export)


def _fail(text: object, status: int) -> int:
    """Say what went wrong in one line on standard error; return the exit status."""
    print(text, file=sys.stderr)
    return status


def _start(args: argparse.Namespace, extra: list[str]) -> int:
    language = get_language()
    workspace = Path(args.dir or default_workspace(language)).resolve()
    try:
        report = sync_workspace(workspace, course_notebooks(language))
    except OSError as error:
        return _fail(message("start.cannot_write", folder=workspace, error=error), 1)
    for line in report.lines():
        print(line)
    print(message("start.opening", folder=workspace), flush=True)
    return run_jupyter(workspace, port=args.port, browser=not args.no_browser, extra=extra)


def _about(args: argparse.Namespace, extra: list[str]) -> int:
    meta = report_metadata()
    period = meta["reporting_period"]
    print(meta["title"])
    published = long_date(meta["published"])
    print(message("cli.about.publisher", publisher=meta["publisher"], published=published))
    start, end = long_date(period["start"]), long_date(period["end"])
    print(message("cli.about.period", start=start, end=end))
    print(message("cli.about.source", source=meta["source"]))
    print(message("cli.about.licence", licence=meta["licence"]))
    return 0


def _confirmed(answer: str) -> bool:
    """Whether ``answer`` is "yes", in English or in the interface's language."""
    words = {"yes", message("cli.progress.confirm_word").casefold()}
    words |= {word.replace("í", "i") for word in words}  # "si" typed without the accent
    return answer.strip().casefold() in words


def _progress(args: argparse.Namespace, extra: list[str]) -> int:
    if args.import_file is not None:
        return _import(args)
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
            return _fail(message("cli.progress.cancelled"), 1)
    try:
        backup = reset(backup=True)
    except OSError as error:
        return _fail(error, 1)
    if backup is None:
        print(message("cli.progress.nothing_to_reset", path=path))
    else:
        print(message("cli.progress.reset_done", backup=backup))
    return 0


def _import(args: argparse.Namespace) -> int:
    """``progress --import FILE``: a progress file from the course website merged into the
    store; a file that cannot be used is refused whole (status 2), a store that cannot be
    written imports nothing (status 1)."""
    if args.reset:
        return _fail(message("cli.progress.import_and_reset"), 2)
    try:
        done = import_progress(Path(args.import_file), args.learner)
    except (ProgressFileError, ValueError) as error:
        return _fail(shown(error), 2)
    except OSError as error:
        return _fail(shown(error), 1)
    print(
        message(
            "cli.progress.imported",
            path=shown(done.path),
            learner=shown(done.learner),
            added=done.added,
            present=done.present,
            unknown=done.unknown,
        )
    )
    return 0


def _assign(args: argparse.Namespace, extra: list[str]) -> int:
    out = Path(args.out)
    try:
        assign(
            out,
            args.notebooks,
            args.items,
            Path(args.course) if args.course else None,
            self_check=args.self_check,
            bank=Path(args.bank) if args.bank else None,
        )
    except AssignError as error:
        return _fail(error, 2)
    except OSError as error:
        return _fail(message("assign.cannot_write", folder=out, error=error), 1)
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    count = sum(len(entry["items"]) for entry in manifest["notebooks"])
    print(
        message(
            "assign.done",
            notebooks=len(manifest["notebooks"]),
            items=count,
            student=out / "student",
            answers=out / "key",
        )
    )
    return 0


def progress_bar(done: int, total: int, stream: TextIO) -> None:
    """Draw the grading progress bar on ``stream``, ending the line when all are done."""
    width = 30
    filled = int(width * done / total) if total else width
    bar = "█" * filled + "·" * (width - filled)
    stream.write("\r" + message("grade.progress", bar=bar, done=done, total=total))
    if done == total:
        stream.write("\n")
    stream.flush()


class _Stop(Exception):
    """A reason to stop a command before it does anything, with its exit status."""

    def __init__(self, text: object, status: int = 2) -> None:
        super().__init__(str(text))
        self.status = status


def _grade_inputs(args: argparse.Namespace) -> tuple[Key | None, Any, Any]:
    """The key, the LMS export and the manual scores, each read (and refused) before grading, so
    a wrong file costs no grading time."""
    key, lms, given = None, None, None
    if bool(args.lms_gradebook) != bool(args.lms_column):
        raise _Stop(message("lms.both_needed"))
    if args.lms_gradebook and not args.assignment:  # points possible come from the key only
        raise _Stop(message("lms.needs_assignment"))
    if args.lms_gradebook:
        try:
            lms = read_lms_gradebook(Path(args.lms_gradebook))
        except LmsGradebookError as error:
            raise _Stop(message("lms.nothing_graded", error=error)) from None
    if args.manual:
        try:
            given = read_manual(Path(args.manual))
        except ManualError as error:
            raise _Stop(error) from None
    if args.assignment:
        try:
            key = Key.from_manifest(Path(args.assignment))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise _Stop(
                message("grade.bad_assignment", path=shown(args.assignment), error=error)
            ) from None
    return key, lms, given


def _graded(args: argparse.Namespace, submissions: list[Path], key: Key | None) -> list[Result]:
    """Every submission graded, here or on a Dask cluster (each worker decides its sandbox)."""

    def bar(done: int, total: int) -> None:
        progress_bar(done, total, sys.stderr)

    if args.dask:
        try:
            return grade_on_dask(
                submissions, key, args.dask, args.timeout, args.memory, bar, sandbox=args.sandbox
            )
        except ClusterError as error:
            raise _Stop(error, error.status) from None
    try:
        jailed, warning = choose(args.sandbox)
    except SandboxError as error:
        raise _Stop(error) from None
    if warning:
        print(warning, file=sys.stderr)
    return grade(
        submissions, key, args.jobs, args.timeout, args.memory, progress=bar, sandbox=jailed
    )


def _grade(args: argparse.Namespace, extra: list[str]) -> int:
    try:
        key, lms, given = _grade_inputs(args)
        out = Path(args.out)
        outputs = Outputs(
            out,
            Path(args.feedback) if args.feedback else out.with_name(out.stem + "-feedback"),
            lms,
            args.lms_column or "",
            possible_points(key) if key else 0.0,
            args.prefer,
        )
        problems = outputs.problems()
        if problems:  # before any kernel starts: nothing graded is lost
            raise _Stop(message("output.nothing_graded", problems="; ".join(problems)))
        submissions = submissions_in([Path(path) for path in args.submissions])
        if args.sandbox != "none":  # a kernel must not read the key or another submission
            seen = exposed([*([Path(args.assignment)] if args.assignment else []), *submissions])
            if seen:
                paths = ", ".join(shown(path) for path in seen[:5])
                raise _Stop(message("grade.exposed", paths=paths))
        results = _graded(args, submissions, key)
    except _Stop as stop:
        return _fail(stop, stop.status)
    unmatched = merge_manual(results, given) if given else []
    written = write_outputs(results, outputs)
    _report(results, outputs, written, unmatched)
    return _last_line(written, outputs)


def _report(
    results: list[Result], outputs: Outputs, written: Written, unmatched: list[str]
) -> None:
    """What the run wrote and what is left to do, as lines on the terminal."""
    counts = {
        status: sum(result.status == status for result in results)
        for status in ("ok", "error", "timeout", "invalid")
    }
    print(
        message(
            "grade.done",
            count=len(results),
            gradebook=shown(outputs.gradebook),
            feedback=shown(outputs.feedback),
            **counts,
        )
    )
    if written.manual is not None:
        pending = sum(len(result.awaiting) for result in results)
        print(
            message("manual.written", path=shown(written.manual), pending=pending)
            if pending
            else message("manual.all_graded", path=shown(written.manual))
        )
    if unmatched:
        print(
            message(
                "manual.unmatched",
                count=len(unmatched),
                rows="; ".join(shown(row) for row in unmatched),
            )
        )
    for learner, named in conflicts(results).items():
        print(
            message(
                "grade.same_learner",
                learner=shown(learner),
                submissions=", ".join(shown(result.submission) for result in named),
            )
        )
    if written.filled is not None:
        filled = written.filled
        print(
            message(
                "lms.done",
                path=shown(filled.path),
                matched=filled.matched,
                column=shown(outputs.lms_column),
                id_column=shown(filled.id_column),
            )
        )
        if filled.unmatched:
            print(message("lms.unmatched", count=len(filled.unmatched)))
            for line in filled.unmatched:
                print(f"  - {line}")


def _last_line(written: Written, outputs: Outputs) -> int:
    """0 when every output is where it was asked for; else 1, and a last line that names each
    output not written and where its content is instead."""
    if not written.failed:
        return 0
    lines = [
        message(
            "output.saved" if failure.saved else "output.lost",
            path=shown(failure.path),
            error=failure.error,
            saved=shown(failure.saved),
        )
        for failure in written.failed
    ]
    return _fail(" ".join(lines), 1)


def _analysis_asked(args: argparse.Namespace) -> Analysis:
    """The analysis of graded work (GRADEBOOK with --assignment) or of practice data from the
    course website (--receipts), exactly one of them."""
    graded = args.gradebook is not None or args.assignment is not None
    if args.receipts is not None:
        if graded:
            raise _Stop(message("analyze.modes"))
        return receipts_analysis(Path(args.receipts))
    if args.gradebook is None or args.assignment is None:
        raise _Stop(message("analyze.modes"))
    return analysis(Path(args.gradebook), Path(args.assignment))


def _analyze(args: argparse.Namespace, extra: list[str]) -> int:
    from .instructor._item_report import write_analysis  # matplotlib: only when a report is drawn

    try:
        found = _analysis_asked(args)
    except _Stop as stop:
        return _fail(stop, stop.status)
    except AnalyzeError as error:
        return _fail(shown(message("analyze.nothing_written", error=error)), 2)
    try:
        written = write_analysis(found, Path(args.out))
    except OSError as error:
        return _fail(message("analyze.cannot_write", folder=args.out, error=error), 1)
    flagged = sum(bool(row.flags) for row in found.items)
    files = ", ".join(str(path) for path in written)
    if found.practice is None:
        print(
            message(
                "analyze.done",
                items=len(found.items),
                learners=len(found.totals),
                flagged=flagged,
                files=files,
            )
        )
        return 0
    for _, why in found.practice.skipped:
        print(shown(message("analyze.receipts.skipped", error=why)), file=sys.stderr)
    if found.practice.unknown:
        print(message("analyze.receipts.unknown", count=found.practice.unknown))
    print(
        message(
            "analyze.receipts.done",
            items=len(found.items),
            learners=len(found.totals),
            count=found.practice.files,
            flagged=flagged,
            files=files,
        )
    )
    return 0


def _export(args: argparse.Namespace, extra: list[str]) -> int:
    try:
        written = export_file(Path(args.out), args.format, args.section)
    except ExportUsageError as error:
        return _fail(error, 2)
    except ExportError as error:
        return _fail(error, 1)
    print(
        message(
            "export.written",
            count=written.count,
            format=message(f"export.format.{written.file_format}"),
            path=written.path,
        )
    )
    print(message(f"export.next.{written.file_format}"))
    return 0


def _add_site(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "site", help=message("cli.site.help"), description=message("cli.site.description")
    )
    parser.add_argument("--out", required=True, metavar="DIR", help=message("cli.site.out_help"))
    parser.add_argument(
        "--graded", action="append", default=[], metavar="DIR", help=message("cli.site.graded_help")
    )
    parser.set_defaults(run=_site)


def _graded_ids(folders: list[str]) -> set[str]:
    """The item ids of the assignments given; _Stop for one that cannot be read."""
    ids: set[str] = set()
    for folder in folders:
        try:
            key = Key.from_manifest(Path(folder))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise _Stop(message("cli.site.graded_unreadable", folder=folder, error=error)) from None
        ids |= {entry.id for entries in key.notebooks.values() for entry in entries}
    return ids


def _site(args: argparse.Namespace, extra: list[str]) -> int:
    from .views.site import SiteError, SiteUsageError, build_site  # loads the views' widgets

    try:
        leave_out = _graded_ids(args.graded)
    except _Stop as stop:
        return _fail(stop, stop.status)
    out = Path(args.out)
    languages = [args.lang] if args.lang else LANGUAGES
    try:
        pages = build_site(out, languages, leave_out)
    except SiteUsageError as error:
        return _fail(message("cli.site.not_built", error=error), 2)
    except SiteError as error:
        return _fail(message("cli.site.not_built", error=error), 1)
    except OSError as error:
        return _fail(message("cli.site.cannot_write", folder=out, error=error), 1)
    print(message("cli.site.done", pages=len(pages), folder=out, index=out / "index.html"))
    return 0


def _notebooks_as_paths(argv: list[str]) -> list[str]:
    """A notebook whose name starts with "-" (``-x.ipynb``, as an archive may name one) is a
    file, never an option: it is passed on as ``./-x.ipynb``."""
    return [
        f"./{argument}"
        if argument.startswith("-") and argument.endswith(".ipynb") and Path(argument).is_file()
        else argument
        for argument in argv
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args, extra = parser.parse_known_args(
        _notebooks_as_paths(sys.argv[1:] if argv is None else argv)
    )
    if extra and args.command != "start":  # only `start` passes options on (to JupyterLab)
        parser.error(message("cli.unrecognized", arguments=" ".join(extra)))
    if not getattr(args, "run", None):
        parser.print_help(sys.stdout)
        return 0
    if args.lang:  # this command's messages and items, and the kernels it starts (`start`)
        set_language(args.lang)
        os.environ["TIPCOURSE_LANG"] = args.lang
    return args.run(args, extra)
