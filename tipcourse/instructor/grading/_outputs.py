"""What ``tipcourse grade`` writes, checked before any kernel starts and written one by one.

The outputs of a run are the gradebook, its raw answers (``-responses.csv``), the manual-grading
sheet (``-manual.csv``, when the assignment has written work), one feedback file per submission, and
the filled LMS export. :meth:`Outputs.problems` says, before grading, which of them cannot be
written (a folder where a file goes, a file where a folder goes, no permission). Each is written
whole or not at all (:func:`tipcourse.instructor._csvfile.write_text`); one that still fails does
not stop the others, and its content goes to a folder of its own in the temporary folder, which
:class:`Written` names, so no grading is lost.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...report._text import one_line
from ...report.messages import message
from .._csvfile import shown
from ..lms._fill import Filled, LmsGradebook, fill_lms_gradebook, filled_path
from ._grade import Result
from ._gradebook import responses_path, write_feedback, write_gradebook, write_responses
from ._manual import manual_path, write_manual

__all__ = ["Failure", "Outputs", "Written", "write_outputs"]


@dataclass
class Outputs:
    """Where the outputs of one run go, and the LMS export to fill (if any)."""

    gradebook: Path
    feedback: Path
    lms: LmsGradebook | None = None
    lms_column: str = ""
    max_score: float = 0.0
    prefer: str | None = None

    def files(self) -> list[Path]:
        found = [self.gradebook, responses_path(self.gradebook), manual_path(self.gradebook)]
        return found + ([filled_path(self.lms.path)] if self.lms else [])

    def problems(self) -> list[str]:
        """Why an output cannot be written, one line each ([] when all can)."""
        found = [problem for path in self.files() for problem in _file_problem(path)]
        if self.feedback.exists() and not self.feedback.is_dir():
            found.append(message("output.not_a_folder", path=shown(self.feedback)))
        else:
            found += _folder_problem(self.feedback)
        return found


def _folder_problem(folder: Path) -> list[str]:
    """Why ``folder`` cannot be made or written in: an ancestor that is a file, or no permission."""
    place = folder
    while not place.exists() and place != place.parent:
        place = place.parent
    if not place.is_dir():
        return [message("output.under_a_file", path=shown(folder), file=shown(place))]
    if not os.access(place, os.W_OK | os.X_OK):
        return [message("output.no_permission", path=shown(folder), folder=shown(place))]
    return []


def _file_problem(path: Path) -> list[str]:
    if path.is_dir():
        return [message("output.is_a_folder", path=shown(path))]
    return _folder_problem(path.parent)


@dataclass
class Failure:
    """An output that could not be written where asked: why, and where its content went."""

    path: Path
    error: str
    saved: Path | None


@dataclass
class Written:
    """What :func:`write_outputs` did."""

    manual: Path | None = None
    filled: Filled | None = None
    failed: list[Failure] = field(default_factory=list)


def write_outputs(results: list[Result], outputs: Outputs) -> Written:
    """Write every output of ``results``; one that fails is saved in a temporary folder."""
    written = Written()
    rescue: list[Path] = []

    def attempt(path: Path, write: Callable[[Path], object]) -> object:
        try:
            return write(path)
        except (OSError, ValueError) as error:
            error_text = one_line(getattr(error, "strerror", None) or error, 200)
            try:
                if not rescue:
                    rescue.append(Path(tempfile.mkdtemp(prefix="tipcourse-results-")))
                saved = rescue[0] / path.name
                found = write(saved)
            except (OSError, ValueError):
                saved, found = None, None
            written.failed.append(Failure(path, error_text, saved))
            return found

    gradebook = outputs.gradebook
    attempt(gradebook, lambda path: write_gradebook(results, path))
    attempt(responses_path(gradebook), lambda path: write_responses(results, path))
    found = attempt(manual_path(gradebook), lambda path: write_manual(results, path))
    written.manual = found if isinstance(found, Path) else None
    attempt(outputs.feedback, lambda path: write_feedback(results, path))
    if outputs.lms is not None:
        lms = outputs.lms
        found = attempt(
            filled_path(lms.path),
            lambda path: fill_lms_gradebook(
                lms, results, outputs.lms_column, outputs.max_score, outputs.prefer, path
            ),
        )
        written.filled = found if isinstance(found, Filled) else None
    return written
