"""How long checking an answer takes, per question type and per kind of exercise answer.

Run with: python benchmarks/bench_check.py [--runs N]
Target: the median evaluate() and check() under 1 ms. evaluate() is the pure check; check()
also records the attempt in the learner's progress database (SQLite), so it is measured apart,
in a throwaway TIPCOURSE_HOME.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from typing import Any

TARGET_SECONDS = 0.001


def median_seconds(function: Callable[[Any], Any], answers: Iterable[Any], runs: int) -> float:
    """Median time of one call of ``function`` over ``runs`` calls, cycling through ``answers``."""
    answers = list(answers)
    times = []
    for number in range(runs):
        answer = answers[number % len(answers)]
        start = time.perf_counter()
        function(answer)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def question_answers(question) -> list[Any]:
    """A right answer and a typical wrong one, in the forms learners type."""
    right = list(question.answer) if question.type in ("multiple", "order") else question.answer
    if question.type == "single":
        wrong: Any = next(
            option.key for option in question.options if option.key != question.answer
        )
    elif question.type in ("multiple", "order"):
        wrong = right[:-1] if question.type == "multiple" else right[::-1]
    elif question.type == "truefalse":
        wrong = not right
    elif question.type == "numeric":
        wrong = f"{right * 2:,}"
    else:
        wrong = "Mexico City"
    return [right, wrong]


def wrong_value(right: Any, kind: str) -> Any:
    """A wrong value of the same kind as the reference answer."""
    if kind == "number":
        return right + 1
    if kind in ("list", "series", "dataframe"):
        return right[:1]
    if kind == "function":
        return lambda *args: "SIEDO"
    return right


def row(label: str, evaluate: float, check: float | None) -> str:
    worst = max(evaluate, check or 0.0)
    shown_check = f"{check * 1e6:12.1f}" if check is not None else f"{'n/a':>12}"
    return f"{label:<40}{evaluate * 1e6:14.1f}{shown_check}{worst / TARGET_SECONDS:10.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--runs", type=int, default=2000, help="calls of evaluate() per item (check() gets a tenth)"
    )
    runs = parser.parse_args().runs

    with tempfile.TemporaryDirectory(prefix="tipcourse-bench-") as home:
        os.environ["TIPCOURSE_HOME"] = home  # never touch the real learner's progress
        measure(runs, home)


def measure(runs: int, home: str) -> None:
    """Print the table of median times."""
    os.environ.setdefault("TIPCOURSE_LEARNER", "benchmark")

    import tipcourse
    from tipcourse.engine.compare import kind_of

    print(
        f"median time per call; {runs} evaluate() and {runs // 10} check() calls per item; "
        f"TIPCOURSE_HOME={home}"
    )
    print(f"{'item':<40}{'evaluate µs':>14}{'check µs':>12}{'÷ 1 ms':>10}")
    by_type: dict[str, list[tuple[float, float | None]]] = {}
    for question in tipcourse.questions():
        answers = question_answers(question)
        evaluate = median_seconds(question.evaluate, answers, runs)
        check = median_seconds(question.check, answers, max(1, runs // 10))
        by_type.setdefault(question.type, []).append((evaluate, check))
    for kind, timings in by_type.items():
        evaluate = statistics.median(t[0] for t in timings)
        check = statistics.median(t[1] for t in timings)
        print(row(f"question: {kind} ({len(timings)})", evaluate, check))

    for exercise in tipcourse.exercises():
        right = exercise.expected()
        kind = kind_of(right)
        answers = [right, wrong_value(right, kind)]
        evaluate = median_seconds(exercise.evaluate, answers, max(1, runs // 4))
        check = median_seconds(exercise.check, answers, max(1, runs // 40))
        print(row(f"exercise: {exercise.id} ({kind})", evaluate, check))


if __name__ == "__main__":
    main()
