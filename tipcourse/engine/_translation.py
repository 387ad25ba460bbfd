"""A bank in another language: the English items with a translation file's words laid over them.

The English bank holds every key (answers, option order, points, tolerances). A translation file
(``data/<bank>/<language>/<section>.yaml``, format in ``docs/translating.md``) repeats an item's
structure with only the learner-facing words, and :data:`RULES` says, field by field, what those
words do: replace the English, add forms a learner may type, or stand beside the English (the
evidence, which stays verbatim). Anything else is a :class:`TranslationError`, which the bank
turns into a BankError naming the file, the id and the field. The forms of a typed answer in
every language are accepted in each, so a submission is graded alike whatever its language.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..report._yaml import parse_yaml
from ..report.messages import message

__all__ = [
    "RULES",
    "TranslationError",
    "accepted_forms",
    "read_translations",
    "translate",
    "with_forms",
    "without_docstrings",
]

#: How one field's translation applies: (English value, translated value, field name) → the value
#: the item gets. Raises ValueError with what is wrong.
Rule = Callable[[Any, Any, str], Any]


def _text(english: Any, words: Any, field: str) -> str:
    if not isinstance(words, str) or not words.strip():
        raise ValueError(message("translation.not_text"))
    return words


def _texts(english: Any, words: Any, field: str) -> list[str]:
    """A list of texts, one for each English one."""
    if not isinstance(words, list) or len(words) != len(english):
        raise ValueError(message("translation.count", count=len(english)))
    return [_text(one, word, field) for one, word in zip(english, words, strict=True)]


def _added(english: Any, words: Any, field: str) -> list[str]:
    """More forms a learner may type, after the English ones."""
    if not isinstance(words, list) or not words:
        raise ValueError(message("translation.forms"))
    return [*english, *(_text(None, word, field) for word in words)]


def _each(rules: Mapping[str, Rule]) -> Rule:
    """A list of mappings as long as the English one, each entry's fields translated by ``rules``;
    a field the English entry lacks cannot be added."""

    def apply(english: Any, words: Any, field: str) -> list[dict[str, Any]]:
        if not isinstance(words, list) or len(words) != len(english):
            raise ValueError(message("translation.count", count=len(english)))
        merged = []
        for number, (entry, translated) in enumerate(zip(english, words, strict=True), 1):
            if not isinstance(translated, dict):
                raise ValueError(message("translation.entry", number=number))
            merged.append(_overlay(entry, translated, rules, f"{field}[{number}]"))
        return merged

    return apply


def _code(english: Any, words: Any, field: str) -> str:
    """The same program with its comments and docstrings in another language."""
    text = _text(english, words, field)
    try:
        same = _program(text) == _program(english)
    except SyntaxError:
        same = False
    if not same:
        raise ValueError(message("translation.code"))
    return text


def _program(code: str) -> str:
    """What ``code`` does, as a syntax tree's dump: comments and docstrings left out."""
    return ast.dump(without_docstrings(ast.parse(code)))


def without_docstrings(tree: ast.AST) -> ast.AST:
    """``tree`` with every docstring (module, class, function) replaced by ``pass``."""
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body[0] = ast.Pass()
    return tree


#: Option, range, wrong-answer and rubric entries: their words only, never their keys or numbers.
_OPTION = {"text": _text, "feedback": _text}
_RANGE = {"feedback": _text}
_WRONG = {"feedback": _text, "answers": _added}
_RUBRIC = {"criterion": _text}

#: Every field a translation file may give, and what it does (see docs/translating.md).
RULES: dict[str, Rule] = {
    "prompt": _text,
    "explanation": _text,
    "wrong_feedback": _text,
    "hints": _texts,
    "options": _each(_OPTION),
    "ranges": _each(_RANGE),
    "wrong_answers": _each(_WRONG),
    "accept": _added,
    "evidence": _texts,
    "starter": _code,
    "solution": _code,
    "rubric": _each(_RUBRIC),
}


def _overlay(
    english: Mapping[str, Any], words: Mapping[str, Any], rules: Mapping[str, Rule], where: str
) -> dict[str, Any]:
    merged = dict(english)
    for field, value in words.items():
        name = f"{where}.{field}" if where else field
        if field not in rules or field not in english:
            raise TranslationError("", name, message("translation.field"))
        try:
            merged[field] = rules[field](english[field], value, name)
        except TranslationError:
            raise
        except ValueError as error:
            raise TranslationError("", name, str(error)) from None
    return merged


class TranslationError(ValueError):
    """A translation entry that cannot be used: which item (id, or "#n" for the n-th entry
    without one), which field, and what is wrong."""

    def __init__(self, item: str, field: str, problem: str, path: Path | None = None) -> None:
        super().__init__(problem)
        self.item = item
        self.field = field
        self.problem = problem
        self.path = path


def translate(item: Mapping[str, Any], words: Mapping[str, Any]) -> dict[str, Any]:
    """``item`` (a schema-valid English entry) with ``words`` (its translation file entry) laid
    over it. The English evidence stays and the translated quotes go to ``evidence_translation``;
    a text answer's translation becomes the answer shown and the English one stays accepted."""
    words = {field: value for field, value in words.items() if field != "id"}
    answer = words.pop("answer", None)
    try:
        merged = _overlay(item, words, RULES, "")
    except TranslationError as error:
        raise TranslationError(item["id"], error.field, error.problem) from None
    if "evidence" in words:
        merged["evidence"] = item["evidence"]
        merged["evidence_translation"] = words["evidence"]
    if answer is not None:
        if item.get("type") != "text" or not isinstance(answer, str) or not answer.strip():
            raise TranslationError(item["id"], "answer", message("translation.answer"))
        merged["accept"] = [item["answer"], *merged.get("accept", [])]
        merged["answer"] = answer
    return merged


def accepted_forms(words: Mapping[str, Any]) -> list[str]:
    """Every form a translation entry accepts for a text answer (its answer and ``accept``)."""
    forms = [words["answer"]] if isinstance(words.get("answer"), str) else []
    accept = words.get("accept")
    if isinstance(accept, list):
        forms += [form for form in accept if isinstance(form, str)]
    return forms


def with_forms(item: Mapping[str, Any], words: Mapping[str, Any]) -> Mapping[str, Any]:
    """A text question that also accepts another language's forms of its answer."""
    forms = accepted_forms(words)
    if item.get("type") != "text" or not forms:
        return item
    return {**item, "accept": [*item.get("accept", []), *forms]}


def read_translations(folder: Path, language: str, list_key: str) -> dict[str, tuple[Path, dict]]:
    """The entries of every translation file of ``folder/language``, by item id, each with its
    file; an unreadable file or an entry without an id is a TranslationError."""
    import yaml

    entries: dict[str, tuple[Path, dict]] = {}
    for path in sorted((folder / language).glob("*.yaml")):
        try:
            document = parse_yaml(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            problem = message("question.bank.yaml", detail=error)
            raise TranslationError("", "", problem, path) from None
        listed = document.get(list_key) if isinstance(document, dict) else None
        for number, entry in enumerate(listed if isinstance(listed, list) else [], 1):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise TranslationError(f"#{number}", "id", message("translation.no_id"), path)
            entries[entry["id"]] = (path, entry)
    return entries
