"""Build the notebooks in notebooks/ from their sources in course/, and execute them.

    python tools/build_notebooks.py                  # rebuild and run every notebook
    python tools/build_notebooks.py 04 05            # only these numbers
    python tools/build_notebooks.py --solutions DIR  # instructor versions, with solutions, into DIR
    python tools/build_notebooks.py --lang es        # the Spanish edition: course/es → notebooks/es

Run it after changing a course source, a question or an exercise; commit the notebooks with
their outputs. The format of a source is described in tipcourse/views/authoring.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat

from tipcourse.report._packaged import edition
from tipcourse.report.messages import LANGUAGES
from tipcourse.views.authoring import build, execute, read_sources

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "numbers", nargs="*", help="notebook numbers to build, e.g. 04 (default: all)"
    )
    parser.add_argument(
        "--solutions",
        metavar="DIR",
        type=Path,
        help="write the versions with solutions into DIR, without running them",
    )
    parser.add_argument(
        "--lang",
        default="en",
        choices=LANGUAGES,
        help="the edition: en (course/ into notebooks/) or es (course/es/ into notebooks/es/)",
    )
    args = parser.parse_args(argv)
    sources = read_sources(edition(ROOT / "course", args.lang))
    chosen = [s for s in sources if not args.numbers or s.number in args.numbers]
    for source in chosen:
        started = time.perf_counter()
        if args.solutions:
            args.solutions.mkdir(parents=True, exist_ok=True)
            path = args.solutions / source.notebook_name
            nbformat.write(build(source, sources, solutions=True), path)
        else:
            path = edition(ROOT / "notebooks", args.lang) / source.notebook_name
            path.parent.mkdir(exist_ok=True)
            notebook = execute(build(source, sources), path.parent, language=args.lang)
            nbformat.write(notebook, path)
        print(f"{path}  {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
