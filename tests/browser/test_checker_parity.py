"""checker.js, the course website's checker, gives exactly what the Python engine gives the widget.

In Debian's Chromium, with every request outside the page refused: for every question of the
course's notebooks, in English and in Spanish (each with its own catalogue), and a corpus of
inputs per type (what the question view can send, and what it cannot), the same status, score,
message and result line as ``Question.evaluate`` called the way the widget calls it; the same
``normalise_text`` and ``short`` for every code point; the same message templates filled in.
Each comparison is one ``evaluate`` call per batch; a failure prints the item, the input and both
outcomes.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import string
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import tipcourse
from tipcourse.engine.banks import item_kind
from tipcourse.engine.compare import normalise_text, short
from tipcourse.engine.outcome import render_text
from tipcourse.engine.session import QuestionState
from tipcourse.report.messages import in_language
from tipcourse.views._practice import checker_words, practice_item
from tipcourse.views._wording import instruction
from tipcourse.views.authoring import cell_meta
from tipcourse.views.widgets import _ANSWERS

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "tipcourse" / "views" / "checker.js"
EDITIONS = {"en": ROOT / "notebooks", "es": ROOT / "notebooks" / "es"}
QUIZ_CALL = re.compile(r"tipcourse\.quiz\((.*?)\)", re.DOTALL)
QUOTED_ID = re.compile(r"""["']([\w.]+)["']""")
SHOWN = 20  # mismatches printed in full; the rest are counted

#: Python's white space, and what JavaScript's \s or a reader might take for it.
SPACES = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]
NOT_SPACES = ["\ufeff", "\u200b", "\u180e", "\x00", "\x7f", "\x9f"]
TEXTS = [
    "",
    " ",
    "\t\n ",
    "".join(SPACES),
    *SPACES,
    *NOT_SPACES,
    *(f"{space}b{space}" for space in SPACES + NOT_SPACES),
    "हिन्दी",
    "العربية",
    "中文",
    "Русский",
    "ВОСЕМНАДЦАТЬ",
    "😀",
    "👩🏽‍⚖️",
    "ΌΣΟΣ",
    "straße",
    "ẞ",
    "ı",
    "İ",
    "Ꭰꭰ",
    "ﬁ",
    "...",
    "?!",
    "—",
    "()",
    "«»",
    "¿?",
    "'",
    '"',
    "'\"",
    "\\",
    "a\\b",
    "it's",
    'say "x"',
    "\\n",
    "\n",
    "\x00",
    "\u0378",
    "\ue000",
    "\U000e0001",
    "\U0010ffff",
    "\U0001d7ce",
    "\ud83d",  # a lone surrogate: JSON carries it, and both sides keep it as one code point
    "x\udc00y",
    "constructor",
    "__proto__",
    "toString",
    "hasOwnProperty",
    "{how}",
    "a" * 10_001,
    "a" * 10_000,
    "a" * 1_001,
    "a" * 1_000,
    "x" * 101,
    "'" * 50,
]
NUMBERS = [
    "18",
    " 18 ",
    "1,000",
    "12.5%",
    "12.5 %",
    " 18 % ",
    "eighteen",
    "Eighteen",
    "EIGHTEEN",
    "twenty one",
    "twenty-one",
    "ninety-nine thousand",
    "$4.2 million",
    "US$ 3",
    "USD 3",
    "usd3",
    "uſ$ 18",
    "US$313,000",
    "$ 313,000",
    "313 thousand",
    "4.2 billion",
    "ten billion billion billion billion billion billion billion billion billion billion",
    "1e3",
    "1E3",
    "1e-3",
    "-18",
    "+18",
    "+.5",
    ".5",
    "18.",
    "1,00",
    "1.000",
    "1,000,000",
    "12,345,678.9",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-1e400",
    "1e-400",
    "１８",
    "١٨",
    "१८",
    "𝟏𝟖",
    "①⑧",
    "½",
    "18%%",
    "%18",
    "%",
    "18\u00a0%",
    "1\u00a0000",
    "abc",
    "0x12",
    "1_000",
    "zero",
    "1" * 100,
    "1" * 101,
    "9" * 400,
]
#: An exponent with no number before it, which float() refuses: not a number, as words are.
EXPONENT_ALONE = ["e5", "-e5", "E+5"]
#: Values of every other kind, which no view sends.
OTHER_KINDS: list[Any] = [None, True, False, 0, 1.5, [], {}, [[]], ["a", None], ["a", 1], {"a": 1}]


# -- what Python says ---------------------------------------------------------------------------


def python_outcome(question: Any, answer: Any) -> dict[str, Any]:
    """The outcome the widget shows for what its view sent, and its result line."""
    state = QuestionState(question)
    state.select(_ANSWERS[question.question_type.widget](answer))
    outcome = question.evaluate(state.selection, how=instruction(question))
    return {
        "status": outcome.status,
        "score": outcome.score,
        "message": outcome.message,
        "line": render_text(replace(outcome, message="")),
    }


def notebook_questions(folder: Path) -> list[str]:
    """The ids of the questions a folder's notebooks show: question cells and quiz calls."""
    ids: list[str] = []
    for path in sorted(folder.glob("*.ipynb")):
        for cell in json.loads(path.read_text("utf-8"))["cells"]:
            meta = cell_meta(cell)
            found = list(meta.get("items", [])) if meta.get("role") == "question" else []
            for call in QUIZ_CALL.findall("".join(cell.get("source", ""))):
                found += QUOTED_ID.findall(call)
            ids += [one for one in found if item_kind(one) == "question"]
    return list(dict.fromkeys(ids))


# -- the corpus -----------------------------------------------------------------------------------


def variants(text: str) -> list[str]:
    """A typed answer as learners may vary it: case, accents, dashes, spacing, punctuation."""
    accented = text.translate(str.maketrans("aeiouAEIOUn", "áéíóúÁÉÍÓÚñ"))
    return [
        text,
        text.upper(),
        text.title(),
        f"  {text}  ",
        f"«{text}»",
        f"¿{text}?",
        f"{text}.",
        text.replace(" ", "-"),
        text.replace(" ", " — "),
        text.replace(" ", "\u00a0"),
        text.replace(" ", "\u3000"),
        text.replace(" ", "_"),
        accented,
        unicodedata.normalize("NFD", accented),
        f"{text}\u0301",
        f"{text}x",
    ]


def letter_inputs(letters: str) -> list[Any]:
    """A letter as it may be typed or sent."""
    typed = [*letters, *letters.upper(), *(f" ({key}) " for key in letters)]
    typed += [f"[{letters[0]}].", "z", "ab", "a, b", "K", "\u212a", "ａ"]
    return typed + TEXTS


def choice_lists(letters: str, ordered: bool) -> list[list[str]]:
    """Every subset of the options (in order, reversed, or in every order for an ordering)."""
    found: list[list[str]] = []
    for size in range(1, len(letters) + 1):
        for subset in itertools.combinations(letters, size):
            found += (
                [list(order) for order in itertools.permutations(subset)]
                if ordered
                else [list(subset), list(reversed(subset))]
            )
    first = letters[0]
    found += [[first, first], [first.upper()], [f" {first} "], [first, ""], ["", first], [" "]]
    found += [[first] * (len(letters) * 4 + 1), list(letters) * 4, [*letters, "z"]]
    return found


def number_inputs(question: Any) -> list[str]:
    """Numbers at, inside and just past the tolerance and each range, and their slips."""
    answer = float(question.answer)
    margin = max(question.tolerance, question.relative_tolerance * abs(answer))
    rounding = 1e-9 * max(1.0, abs(answer))
    values = [answer, answer * 100, answer / 100, -answer, 0.0]
    for edge in (answer + margin + rounding, answer - margin - rounding):
        values += [edge, math.nextafter(edge, math.inf), math.nextafter(edge, -math.inf)]
    for found in question.ranges:
        values += [found.low, found.high, (found.low + found.high) / 2]
        values += [math.nextafter(found.low, -math.inf), math.nextafter(found.high, math.inf)]
    texts = [repr(value) for value in values] + [f"{value:,}" for value in values]
    return texts + [f"{text}%" for text in texts] + NUMBERS + EXPONENT_ALONE


def corpus(question: Any) -> list[Any]:
    """What to send to ``question``: what its input sends, and every other kind of value."""
    widget = question.question_type.widget
    letters = question.form.letters
    if widget == "radio":
        return letter_inputs(letters) + OTHER_KINDS
    if widget in ("checkboxes", "order"):
        lists = choice_lists(letters, ordered=widget == "order")
        return lists + [[text] for text in letter_inputs(letters)] + OTHER_KINDS + [letters[0]]
    if widget == "truefalse":
        return [True, False, None, "true", "True", "yes", 1, 0, [True], ""] + OTHER_KINDS
    if question.type == "numeric":
        return number_inputs(question) + TEXTS + OTHER_KINDS
    typed = [question.answer, *question.accept]
    typed += [text for wrong in question.wrong_answers for text in wrong.answers]
    return [form for text in typed for form in variants(text)] + TEXTS + NUMBERS + OTHER_KINDS


# -- the page ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checker(browser):
    """A blank page with checker.js as a module, its functions on ``window.tc``; any request
    but the page itself is refused, and the test fails if one is made."""
    context = browser.new_context()
    refused: list[str] = []

    def only_the_page(route: Any) -> None:
        url = route.request.url
        if url.startswith(("about:blank", "data:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", only_the_page)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_content("<!doctype html><html><body></body></html>")
    source = CHECKER.read_text("utf-8")
    page.add_script_tag(
        type="module",
        content=source + "\nwindow.tc = {check, normalise, resultLine, formatMessage, short};",
    )
    try:
        page.wait_for_function("window.tc", timeout=15_000)
    except Exception:
        pytest.fail(f"checker.js did not load: {errors}", pytrace=False)
    yield page
    context.close()
    assert not refused, f"the page asked for {refused}"
    assert not errors, errors


def in_page(page: Any, function: str, argument: Any) -> Any:
    """``function(argument)`` run in the page in one call, the argument and the result passed as
    JSON text (Playwright's own serialisation of a long list takes seconds)."""
    call = f"(text) => JSON.stringify(({function})(JSON.parse(text)))"
    return json.loads(page.evaluate(call, json.dumps(argument)))


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else f"{text[:100]}… ({len(text)} characters)"


def report(mismatches: list[str], total: int, what: str) -> None:
    assert not mismatches, (
        f"{len(mismatches)} of {total} {what} differ between Python and checker.js:\n"
        + "\n".join(mismatches[:SHOWN])
    )


# -- the tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", EDITIONS)
def test_every_notebook_question_checks_as_in_python(checker, language):
    """Every question of the notebooks, every input of its corpus: the same status, score,
    message and result line, in the edition's language with its catalogue."""
    ids = notebook_questions(EDITIONS[language])
    with in_language(language):
        questions = [tipcourse.question(one) for one in ids]
        assert {question.type for question in questions} == {
            "single",
            "multiple",
            "truefalse",
            "numeric",
            "text",
            "order",
        }
        items = [practice_item(question) for question in questions]
        words = checker_words()
        cases = [
            (number, answer)
            for number, question in enumerate(questions)
            for answer in corpus(question)
        ]
        expected = [python_outcome(questions[number], answer) for number, answer in cases]
    got = in_page(
        checker,
        """([items, cases, words]) => cases.map(([number, answer]) => {
            try {
                const outcome = window.tc.check(items[number], answer, words);
                return { ...outcome, line: window.tc.resultLine(outcome, words) };
            } catch (error) {
                return { error: String(error) };
            }
        })""",
        [items, cases, words],
    )
    mismatches = [
        f"{ids[number]} ({questions[number].type}), input {shown(answer)}:\n"
        f"  python {mine}\n  js     {theirs}"
        for (number, answer), mine, theirs in zip(cases, expected, got, strict=True)
        if mine != theirs
    ]
    report(mismatches, len(cases), f"checks of {len(ids)} questions in {language!r}")
    assert len(ids) >= 60 and len(cases) > 10_000


def _unassigned_runs(page) -> list[list[int]]:
    return in_page(
        page,
        """() => {
            const unassigned = /\\p{Cn}/u;
            const runs = [];
            for (let code = 0; code <= 0x10ffff; code += 1) {
                if (!unassigned.test(String.fromCodePoint(code))) continue;
                const last = runs[runs.length - 1];
                if (last && last[1] === code) last[1] = code + 1;
                else runs.push([code, code + 1]);
            }
            return runs;
        }""",
        None,
    )


def test_normalise_and_short_agree_on_every_code_point(checker):
    """``normalise_text`` and ``short`` of every code point but the surrogates, in batches.

    Left out: the code points one side has assigned and the other not, found by comparing
    Python's general category Cn with the browser's \\p{Cn}. Chromium carries a newer Unicode
    than Python's ``unicodedata``, and a character Python does not know yet has no
    decomposition, case or printability there, so neither side is wrong about it.
    """
    browser_unassigned = {
        code for start, end in _unassigned_runs(checker) for code in range(start, end)
    }
    differ = {
        code
        for code in range(sys.maxunicode + 1)
        if (unicodedata.category(chr(code)) == "Cn") != (code in browser_unassigned)
    }
    codes = [
        code
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF and code not in differ
    ]
    mismatches: list[str] = []
    batch = 0x40000
    for first in range(0, len(codes), batch):
        chunk = codes[first : first + batch]
        got = in_page(
            checker,
            """(codes) => codes.map((code) => {
                const char = String.fromCodePoint(code);
                return [window.tc.normalise(char), window.tc.short(char)];
            })""",
            chunk,
        )
        for code, (normalised, shortened) in zip(chunk, got, strict=True):
            char = chr(code)
            expected = [normalise_text(char), short(char)]
            if expected != [normalised, shortened]:
                mismatches.append(
                    f"U+{code:04X}: python {expected!r}, js {[normalised, shortened]!r}"
                )
    report(mismatches, len(codes), f"code points (Unicode {unicodedata.unidata_version})")


def test_normalise_and_short_agree_on_typed_text(checker):
    """Words as learners type them (every text of the corpus and of the questions' answers)."""
    typed = (
        TEXTS + NUMBERS + ["ΑΣ", "ΌΣΟΣ ΑΣ", "İstanbul", "Ǆemal", "ŉ", "ΐ", "한국어", "ｶﾀｶﾅ", "㍿"]
    )
    for question in tipcourse.questions():
        if question.type == "text":
            for text in [question.answer, *question.accept]:
                typed += variants(text)
    got = in_page(
        checker,
        "(texts) => texts.map((text) => [window.tc.normalise(text), window.tc.short(text)])",
        typed,
    )
    mismatches = [
        f"{shown(text)}: python {[normalise_text(text), short(text)]!r}, js {theirs!r}"
        for text, theirs in zip(typed, got, strict=True)
        if [normalise_text(text), short(text)] != theirs
    ]
    report(mismatches, len(typed), "texts")


@pytest.mark.parametrize("language", EDITIONS)
def test_the_checkers_templates_are_filled_in_as_python_does(checker, language):
    """Each template of ``checker_words`` with integers, shares and text in its fields: the same
    as ``str.format`` (a share rounds half to even, as Python rounds it)."""
    shares = sorted({count / total for total in range(1, 41) for count in range(total + 1)})
    shares += [0.005, 0.015, 0.025, 0.125, 0.375, 0.625, 0.875, 0.995, 0.9951]
    integers = [0, 7, 999, 1_000, 10_001, 1_234_567, 10**12]
    cases: list[tuple[str, dict[str, Any]]] = []
    with in_language(language):
        words = checker_words()
    for template in words.values():
        fields = {name: spec for _, name, spec, _ in string.Formatter().parse(template) if name}
        samples = {"": ["x {y} }{", 3, "ab", 12], ",": integers, ".0%": shares}
        longest = max(len(samples[spec]) for spec in fields.values()) if fields else 1
        for turn in range(longest):
            values = {
                name: samples[spec][turn % len(samples[spec])] for name, spec in fields.items()
            }
            cases.append((template, values))
    got = in_page(
        checker,
        "(cases) => cases.map(([template, values]) => window.tc.formatMessage(template, values))",
        cases,
    )
    mismatches = [
        f"{template!r} with {values}: python {template.format(**values)!r}, js {theirs!r}"
        for (template, values), theirs in zip(cases, got, strict=True)
        if template.format(**values) != theirs
    ]
    report(mismatches, len(cases), "filled-in templates")
