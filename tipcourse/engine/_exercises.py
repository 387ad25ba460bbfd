"""Code exercises in the learntools style: compute something, then check it.

Exercises are data (``data/exercises/<section>.yaml``, schema ``data/exercises/schema.json``):
a prompt, hints, a reference ``solution`` in Python that uses only ``tipcourse`` and pandas, and
``answer``, the name of the variable the solution defines. The engine runs the solution once in a
fresh namespace and compares the learner's value with the result, so no expected value is typed
into the bank and every solution passes its own check by construction.

Comparison settings: ``tolerance`` and ``relative_tolerance`` for numbers (also inside lists,
Series and DataFrames), ``ordered: false`` to ignore the order of list items and table rows,
``ignore_index: true`` to compare Series and DataFrames by values and not by row labels. When
the answer is a function, ``calls`` lists argument lists; the learner's function is called with
each and its results compared with the reference function's.

``...`` or None means "not answered yet". ``check`` never raises on what a learner passes.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from ..report.messages import message
from . import outcome as outcomes
from . import session
from ._shapes import Shape, check_shape, shape_of
from .banks import Bank, BankError, BankFile, Sealed, item_error
from .compare import InputError, compare, is_unanswered, kind_of, short
from .outcome import Outcome
from .session import Evidence, Hint

__all__ = [
    "Code",
    "Exercise",
    "ExerciseBankError",
    "Hint",
    "UnknownExerciseError",
    "exercise",
    "exercises",
    "load_exercises",
]


class ExerciseBankError(BankError):
    """An exercise file or solution cannot be used: the message names file, id and field."""


class _ReferenceFailed(Exception):
    """The reference solution's function raised on one of the bank's calls."""


class UnknownExerciseError(KeyError):
    """No exercise has that id; the message says how to find the ids."""

    def __str__(self) -> str:
        return str(self.args[0])


class Code(str):
    """Python source that a notebook shows as a highlighted code block."""

    def _repr_markdown_(self) -> str:
        return f"```python\n{self}\n```"


@dataclass(frozen=True, eq=False, repr=False)
class Exercise:
    """One code exercise. Get one with :func:`exercise` or :func:`exercises`.

    ``solution_code`` is the reference solution; ``tolerance``, ``relative_tolerance``,
    ``ordered`` and ``ignore_index`` set how answers are compared; ``calls`` holds the argument
    lists a function answer is called with.
    """

    id: str
    section: str
    prompt: str
    hints: tuple[str, ...]
    points: float
    answer_name: str
    explanation: str
    evidence: tuple[str, ...]
    starter: str
    source: Path
    solution_code: str
    tolerance: float = 0.0
    relative_tolerance: float = 0.0
    ordered: bool = True
    ignore_index: bool = False
    calls: tuple[tuple[Any, ...], ...] = ()
    #: The course's translation of each evidence quote (see Question.evidence_translation).
    evidence_translation: tuple[str, ...] = ()
    sealed: bool = False  # in a grading kernel: no solution, and no checking (banks.grading)
    #: What kind of graded item this is (beside questions and written work).
    kind: ClassVar[str] = "exercise"

    @classmethod
    def from_item(cls, item: dict[str, Any], source: Path) -> Exercise:
        """The exercise of one schema-valid bank entry, read from the file ``source``."""
        return cls(
            id=item["id"],
            section=item["section"],
            prompt=item["prompt"].strip(),
            hints=tuple(hint.strip() for hint in item["hints"]),
            points=item.get("points", 1),
            answer_name=item["answer"],
            explanation=item.get("explanation", "").strip(),
            evidence=tuple(item.get("evidence", ())),
            starter=item.get("starter", f"{item['answer']} = ...").strip("\n"),
            source=source,
            solution_code=item["solution"].strip("\n"),
            tolerance=float(item.get("tolerance", 0.0)),
            relative_tolerance=float(item.get("relative_tolerance", 0.0)),
            ordered=bool(item.get("ordered", True)),
            ignore_index=bool(item.get("ignore_index", False)),
            calls=tuple(tuple(args) for args in item.get("calls", [])),
            evidence_translation=tuple(item.get("evidence_translation", ())),
        )

    @property
    def _settings(self) -> dict[str, Any]:
        return {
            "tolerance": self.tolerance,
            "relative_tolerance": self.relative_tolerance,
            "ordered": self.ordered,
            "ignore_index": self.ignore_index,
        }

    def __repr__(self) -> str:
        return f"<Exercise {self.id}: set {self.answer_name}, then {self.answer_code()}>"

    def _repr_markdown_(self) -> str:
        return f"**{self.id}** — {self.prompt}\n\n`{self.answer_code()}`"

    def answer_code(self) -> str:
        """The line a learner runs to check the answer."""
        return f"tipcourse.exercise({self.id!r}).check({self.answer_name})"

    # -- help -------------------------------------------------------------------------------

    def hint(self) -> Hint:
        """The next hint: the first call gives hint 1, the next call hint 2, and so on."""
        return session.next_hint(self, "exercise.no_more_hints")

    def show_evidence(self) -> Evidence:
        """The report's sentences behind this exercise, quoted with their section."""
        return Evidence(self)

    def solution(self) -> Code:
        """The reference solution's code."""
        if self.sealed:
            raise Sealed()
        return Code(self.solution_code)

    def expected(self) -> Any:
        """The reference answer (a copy), for instructors and tests."""
        if self.sealed:
            raise Sealed()
        return copy.deepcopy(self._reference)

    @functools.cached_property
    def _reference(self) -> Any:
        """The solution's value, computed once; a failing solution is an ExerciseBankError."""
        if self.sealed:
            raise Sealed()
        namespace: dict[str, Any] = {"__name__": "__tipcourse_solution__"}
        try:
            exec(compile(self.solution_code, f"<solution of {self.id}>", "exec"), namespace)
        except Exception as error:  # a broken reference solution is a bank error, named as such
            raise self._bank_error(
                "solution",
                message("exercise.bank.solution_fails", error=f"{type(error).__name__}: {error}"),
                message("exercise.bank.solution_fails_fix"),
            ) from error
        if self.answer_name not in namespace:
            raise self._bank_error(
                "answer",
                message("exercise.bank.no_answer", name=self.answer_name),
                message("exercise.bank.no_answer_fix", name=self.answer_name),
            )
        value = namespace[self.answer_name]
        if kind_of(value) == "function" and not self.calls:
            raise self._bank_error(
                "calls", message("exercise.bank.no_calls"), message("exercise.bank.no_calls_fix")
            )
        return value

    @functools.cached_property
    def shape(self) -> Shape:
        """The shape of the answer (``number``, ``list[number]``, ...): what ``check_form``
        reads in a sealed handout, and the first thing the grader checks."""
        return shape_of(self._reference)

    def _bank_error(self, field: str, problem: str, fix: str) -> ExerciseBankError:
        return ExerciseBankError(
            str(item_error(self.source, "exercise", self.id, field, problem, fix))
        )

    # -- checking ---------------------------------------------------------------------------

    def check(self, value: Any) -> Outcome:
        """Check ``value`` and record the attempt in the learner's progress when it is usable."""
        return outcomes.record(
            self.evaluate(value), item_id=self.id, section=self.section, kind=self.kind
        )

    def evaluate(self, value: Any) -> Outcome:
        """Check ``value`` without recording anything. Never raises on what a learner passes."""
        if self.sealed:
            return outcomes.invalid(str(Sealed()))
        if is_unanswered(value):
            return outcomes.unanswered(message("exercise.unanswered", name=self.answer_name))
        try:
            expected = self._reference
            check_shape(value, self.shape)
            if kind_of(expected) == "function":
                return self._evaluate_function(value, expected)
            difference = compare(value, expected, **self._settings)
        except (ExerciseBankError, _ReferenceFailed) as error:  # the course's fault, not theirs
            return outcomes.invalid(message("exercise.reference_failed", id=self.id, error=error))
        except InputError as error:
            return outcomes.invalid(
                message("exercise.invalid", problem=error.message, name=self.answer_name)
            )
        except Exception as error:  # a learner's object that pandas cannot compare at all
            return outcomes.invalid(
                message(
                    "exercise.unreadable",
                    error=f"{type(error).__name__}: {error}",
                    name=self.answer_name,
                )
            )
        if difference is None:
            return self._right()
        return self._wrong(difference)

    def _right(self) -> Outcome:
        key = "exercise.correct_function" if self.calls else "exercise.correct"
        return outcomes.correct(
            " ".join(
                part for part in (message(key, name=self.answer_name), self.explanation) if part
            )
        )

    def _wrong(self, detail: str) -> Outcome:
        return outcomes.incorrect(message("exercise.incorrect", detail=detail, id=self.id))

    def _evaluate_function(self, value: Any, reference: Any) -> Outcome:
        for args in self.calls:
            call = f"{self.answer_name}({', '.join(map(repr, args))})"
            try:  # each function gets its own copy of the arguments, so neither can change them
                wanted = reference(*copy.deepcopy(args))
            except Exception as error:
                raise _ReferenceFailed(f"{call}: {type(error).__name__}: {error}") from error
            try:
                got = value(*copy.deepcopy(args))
            except (
                Exception
            ) as error:  # the learner's function failing is a wrong answer, explained
                return self._wrong(
                    message(
                        "exercise.call_raised", call=call, error=f"{type(error).__name__}: {error}"
                    )
                )
            try:
                difference = compare(got, wanted, **self._settings)
            except InputError as error:
                return self._wrong(
                    message(
                        "exercise.call_unusable", call=call, got=short(got), problem=error.message
                    )
                )
            if difference is not None:
                return self._wrong(message("exercise.call_wrong", call=call, got=short(got)))
        return self._right()


# -- loading --------------------------------------------------------------------------------


def _build(bank_file: BankFile, item: dict[str, Any]) -> Exercise:
    """An Exercise from one schema-valid item, once its solution compiles."""
    try:
        compile(item["solution"], f"<solution of {item['id']}>", "exec")
    except SyntaxError as error:
        raise bank_file.error(
            item,
            "solution",
            message("exercise.bank.syntax", line=error.lineno, detail=error.msg),
            message("exercise.bank.syntax_fix"),
        ) from None
    return Exercise.from_item(item, bank_file.path)


def _sealed(item: Exercise) -> Exercise:
    """The exercise as a grading kernel has it: no solution, hints or test arguments."""
    return replace(
        item,
        hints=(),
        explanation="",
        evidence=(),
        solution_code="",
        calls=(),
        evidence_translation=(),
        sealed=True,
    )


EXERCISES = Bank("exercise", "exercises", _build, ExerciseBankError, UnknownExerciseError, _sealed)


def load_exercises(folder: str | Path | None = None) -> dict[str, Exercise]:
    """All exercises of a folder of YAML files, by id, in section order.

    ``folder`` defaults to the course's ``data/exercises``. Raises :class:`ExerciseBankError`
    for a file that breaks the schema or a solution that does not compile; a solution that fails
    when run raises the same error on its first check.
    """
    return EXERCISES.load(folder)


def exercises(section: str | None = None) -> list[Exercise]:
    """Every exercise of the course, or of one ``section``, in the order the report reads."""
    return EXERCISES.items(section)


def exercise(exercise_id: str) -> Exercise:
    """The exercise with this id, e.g. ``tipcourse.exercise("prosecution.e01")``."""
    return EXERCISES.find(exercise_id)
