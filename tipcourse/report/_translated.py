"""The course's own, unofficial translation of the report, sentence by sentence.

``data/report/<language>/mexico-2012.yaml`` holds, per section, one translation for each sentence
the parser finds (``load_report().sections[...].sentences``) and one for each of the twelve
recommendations. The English stays the primary source: a reading in another language shows the
report's words and, under them, this translation, labelled as the course's. :func:`translation_of`
finds the translation of any run of the report's text (a sentence, several, a paragraph, a
recommendation), or None where some part of it has none.
"""

from __future__ import annotations

import functools

from ._text import one_line
from ._yaml import parse_yaml
from .datasets import data_dir, load_report

__all__ = ["TRANSLATION_FILE", "translated_units", "translation_of"]

TRANSLATION_FILE = "mexico-2012.yaml"


@functools.cache
def translated_units(language: str) -> dict[str, str]:
    """Every English sentence and recommendation of the report (whitespace normalized) with its
    translation into ``language``; empty where the course has no translation."""
    path = data_dir() / "report" / language / TRANSLATION_FILE
    if language == "en" or not path.is_file():
        return {}
    data = parse_yaml(path.read_text("utf-8"))
    report = load_report()
    units = {}
    for name, section in report.sections.items():
        for english, translated in zip(section.sentences, data["sections"][name], strict=True):
            units[one_line(english)] = one_line(translated)
    for english, translated in zip(report.recommendations, data["recommendations"], strict=True):
        units[one_line(english)] = one_line(translated)
    return units


def translation_of(text: str, language: str) -> str | None:
    """The course's translation of a run of the report's text: whole sentences or
    recommendations, one after another; None if any part has no translation."""
    units = translated_units(language)
    rest, parts = one_line(text), []
    while rest:
        found = max((unit for unit in units if rest.startswith(unit)), key=len, default=None)
        if found is None:
            return None
        parts.append(units[found])
        rest = rest[len(found) :].lstrip(" ;.")
    return " ".join(parts) if parts else None
