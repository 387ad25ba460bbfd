"""Plain-text helpers shared by every layer: one-line text and numbers written in words."""

from __future__ import annotations

import re

__all__ = ["markdown_text", "number_from_words", "one_line", "typed_letter", "typed_letters"]

# Characters that would turn report text into Markdown formatting or HTML.
_MARKDOWN = str.maketrans({char: "\\" + char for char in "\\`*_[]<>|"})

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_LETTER_SEPARATORS = re.compile(r"[\s,;]+")
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


def markdown_text(text: str) -> str:
    """``text`` escaped for Markdown: shown as written, never as formatting or HTML."""
    return text.translate(_MARKDOWN)


def one_line(text: object, width: int | None = None) -> str:
    """``text`` on one line with single spaces, cut to ``width`` characters with "…" if given."""
    line = " ".join(str(text).split())
    if width is None or len(line) <= width:
        return line
    return line[: width - 1] + "…"


def typed_letter(text: str) -> str:
    """An option letter as a learner may type it: " (B) " and "b." are "b"."""
    return text.strip().strip("()[].").strip().lower()


def typed_letters(text: str) -> list[str]:
    """The option letters of a text such as "a, c" or "b c a", as typed."""
    return [part for part in _LETTER_SEPARATORS.split(text.strip()) if part]


def number_from_words(words: str) -> float:
    """The number that ``words`` write: "six" → 6, "Eighteen" → 18, "$4.2 million" → 4200000.

    Raises ValueError for text that is not a number.
    """
    tokens = words.strip().lower().replace("$", "").replace("-", " ").split()
    if not tokens:
        raise ValueError(f"no number in {words!r}")
    head, scales = tokens[0], tokens[1:]
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?", head):
        value = float(head.replace(",", ""))
    elif head in _UNITS:
        value = _UNITS[head]
    elif head in _TENS:
        value = _TENS[head]
        if scales and scales[0] in _UNITS and 0 < _UNITS[scales[0]] < 10:
            value += _UNITS[scales.pop(0)]
    else:
        raise ValueError(f"no number in {words!r}")
    for scale in scales:
        if scale not in _SCALES:
            raise ValueError(f"unexpected word {scale!r} in the number {words!r}")
        value *= _SCALES[scale]
    return int(value) if float(value).is_integer() else value
