"""Read question and exercise banks: YAML files checked against a published JSON Schema.

:class:`Bank` is the one loader both kinds of item use. A bank is a folder of YAML files, one per
report section, each a mapping with one list (for example ``questions:``). Every problem is
reported as a :class:`BankError` whose message names the file, the item's id and the field, and
says how to fix it. The messages live in the catalogue under ``question.bank.*`` and serve both
banks. PyYAML and jsonschema load only when a bank does.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..report._parse import SECTION_NAMES
from ..report._yaml import parse_yaml
from ..report.datasets import data_dir
from ..report.messages import LANGUAGES, get_language, message
from ._translation import TranslationError, read_translations, translate, with_forms

__all__ = [
    "Bank",
    "BankError",
    "BankFile",
    "find",
    "folder_and_schema",
    "in_section",
    "item_error",
    "item_kind",
    "read_bank",
]

Item = TypeVar("Item")

_TYPE_WORDS = {
    "string": "text",
    "array": "list",
    "object": "mapping",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "null": "null",
}


class BankError(ValueError):
    """A bank file cannot be used; the message names the file, the item, the field and the fix."""


class BankFile:
    """One YAML file of a bank: where it is, its section and its items (plain dictionaries)."""

    def __init__(self, path: Path, items: list[dict[str, Any]], kind: str) -> None:
        self.path = path
        self.items = items
        self.kind = kind

    @property
    def section(self) -> str:
        return self.path.stem

    def error(self, item: dict[str, Any], field: str, problem: str, fix: str) -> BankError:
        """A BankError about ``field`` of ``item`` in this file."""
        return item_error(
            self.path, self.kind, _item_name(item, self.items.index(item)), field, problem, fix
        )

    def check_placement(self, item: dict[str, Any], seen: Mapping[str, Path]) -> None:
        """Raise BankError unless the item sits in its section's file, under an id of that section
        that no item in ``seen`` (id → file) already has."""
        section = item["section"]
        if section != self.section:
            raise self.error(
                item,
                "section",
                message("question.bank.wrong_file", value=section, file=self.path.name),
                message("question.bank.wrong_file_fix", section=self.section),
            )
        if item["id"].split(".")[0] != section:
            raise self.error(
                item,
                "id",
                message("question.bank.id_prefix", section=section),
                message("question.bank.id_prefix_fix", section=section),
            )
        if item["id"] in seen:
            raise self.error(
                item,
                "id",
                message("question.bank.duplicate_id", other=seen[item["id"]].name),
                message("question.bank.duplicate_id_fix"),
            )


def item_error(
    path: Path, kind: str, item_id: str, field: str, problem: str, fix: str
) -> BankError:
    """A BankError naming the file, the item's id and the field."""
    return BankError(
        message(
            "question.bank.error",
            file=_shown(path),
            item=message(f"question.bank.item.{kind}"),
            id=item_id,
            field=field,
            problem=problem,
            fix=fix,
        )
    )


def _shown(path: Path) -> str:
    """The path relative to the data folder's parent when it lies there, else as given."""
    parts = path.parts
    if "data" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("data") :])
    return str(path)


def _item_name(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"].strip():
        return item["id"]
    return message("question.bank.no_id", number=index + 1)


def read_bank(folder: Path, kind: str, list_key: str, schema_path: Path) -> list[BankFile]:
    """Every ``*.yaml`` file of ``folder`` in section order, each validated against the schema.

    ``kind`` ("question" or "exercise") words the messages; ``list_key`` is the file's list.
    """
    import jsonschema
    import yaml

    folder = Path(folder)
    if not folder.is_dir():
        raise BankError(message("question.bank.no_folder", folder=str(folder)))
    schema = json.loads(Path(schema_path).read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    order = {name: number for number, name in enumerate(SECTION_NAMES)}
    paths = sorted(
        folder.glob("*.yaml"), key=lambda path: (order.get(path.stem, len(order)), path.stem)
    )
    files = []
    for path in paths:
        try:
            document = parse_yaml(path.read_text("utf-8"))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark else "?"
            raise BankError(
                message(
                    "question.bank.file_error",
                    file=_shown(path),
                    problem=message(
                        "question.bank.yaml", detail=getattr(error, "problem", None) or error
                    ),
                    fix=message("question.bank.yaml_fix", line=line),
                )
            ) from None
        errors = sorted(validator.iter_errors(document), key=jsonschema.exceptions.relevance)
        if errors:
            raise _schema_error(path, kind, list_key, document, errors, schema_path) from None
        if path.stem not in order:
            raise BankError(
                message(
                    "question.bank.file_error",
                    file=_shown(path),
                    problem=message("question.bank.unknown_file", name=path.name),
                    fix=message(
                        "question.bank.unknown_file_fix", sections=", ".join(SECTION_NAMES)
                    ),
                )
            )
        files.append(BankFile(path, document[list_key], kind))
    if not files:
        raise BankError(message("question.bank.empty_folder", folder=str(folder)))
    return files


def _schema_error(
    path: Path, kind: str, list_key: str, document: Any, errors: list, schema_path: Path
) -> BankError:
    """The most relevant schema error, worded for the person editing the file."""
    error = min(errors, key=lambda found: (-len(found.absolute_path), found.validator == "if"))
    error = _deepest(error)
    location = list(error.absolute_path)
    field_parts: list[str] = []
    item_id = None
    if len(location) >= 2 and location[0] == list_key and isinstance(location[1], int):
        item_id = _item_name(document[list_key][location[1]], location[1])
        location = location[2:]
    problem, fix, extra_field = _explain(error, kind, schema_path)
    field_parts = [f"#{part + 1}" if isinstance(part, int) else str(part) for part in location]
    if extra_field:
        field_parts.append(extra_field)
    field = " → ".join(field_parts) or list_key
    more = len(errors) - 1
    if more:
        fix += " " + message("question.bank.more_problems", count=more)
    if item_id is None:
        return BankError(
            message(
                "question.bank.file_error",
                file=_shown(path),
                problem=message("question.bank.field_problem", field=field, problem=problem),
                fix=fix,
            )
        )
    return item_error(path, kind, item_id, field, problem, fix)


def _deepest(error: Any) -> Any:
    """Follow an anyOf/oneOf/allOf error to the most specific reason under it."""
    while error.context:
        error = max(error.context, key=lambda found: len(found.absolute_path))
    return error


def _words(types: str | Iterable[str]) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return " / ".join(_TYPE_WORDS.get(name, name) for name in names)


def _explain(error: Any, kind: str, schema_path: Path) -> tuple[str, str, str | None]:
    """(problem, fix, field name to append) for one jsonschema error."""
    item = message(f"question.bank.item.{kind}")
    value = repr(error.instance) if not isinstance(error.instance, (dict, list)) else ""
    if len(value) > 60:
        value = value[:59] + "…"
    check = error.validator
    if check == "required":
        missing = next((name for name in error.validator_value if name not in error.instance), "?")
        return (
            message("question.bank.missing"),
            message("question.bank.missing_fix", name=missing, item=item),
            missing,
        )
    if check == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = next((name for name in error.instance if name not in allowed), "?")
        return (
            message("question.bank.unknown_field", name=extra, item=item),
            message("question.bank.unknown_field_fix", allowed=", ".join(allowed)),
            str(extra),
        )
    if check in ("enum", "const"):
        choices = error.validator_value if check == "enum" else [error.validator_value]
        return (
            message("question.bank.not_allowed", value=value),
            message("question.bank.not_allowed_fix", choices=", ".join(map(str, choices))),
            None,
        )
    if check == "type":
        return (
            message(
                "question.bank.wrong_type",
                value=value or _words(type(error.instance).__name__),
                wanted=_words(error.validator_value),
            ),
            message("question.bank.wrong_type_fix", wanted=_words(error.validator_value)),
            None,
        )
    if check == "pattern":
        return (
            message("question.bank.bad_form", value=value),
            message("question.bank.bad_form_fix", pattern=error.validator_value),
            None,
        )
    if check == "minItems":
        return (
            message("question.bank.too_few"),
            message("question.bank.too_few_fix", count=error.validator_value),
            None,
        )
    if check == "minLength":
        return message("question.bank.empty_text"), message("question.bank.empty_text_fix"), None
    if check in ("minimum", "exclusiveMinimum"):
        return (
            message("question.bank.too_small", value=value),
            message("question.bank.too_small_fix", limit=error.validator_value),
            None,
        )
    if check == "uniqueItems":
        return message("question.bank.repeated"), message("question.bank.repeated_fix"), None
    return (
        error.message,
        message("question.bank.see_schema", schema=_shown(Path(schema_path))),
        None,
    )


def folder_and_schema(name: str, folder: str | Path | None) -> tuple[Path, Path]:
    """The bank folder (default: the course's ``data/<name>``) and the schema to validate it with.

    A folder with its own ``schema.json`` uses it; any other folder uses the course's schema.
    """
    default = data_dir() / name
    chosen = Path(folder) if folder is not None else default
    schema = chosen / "schema.json"
    return chosen, schema if schema.is_file() else default / "schema.json"


def in_section(bank: Mapping[str, Item], section: str | None) -> list[Item]:
    """All items of a bank or one section's; an unknown section is a ValueError naming the six."""
    if section is None:
        return list(bank.values())
    if section not in SECTION_NAMES:
        raise ValueError(
            message("question.unknown_section", section=section, sections=", ".join(SECTION_NAMES))
        )
    return [item for item in bank.values() if item.section == section]  # type: ignore[attr-defined]


def find(bank: Mapping[str, Item], item_id: object, error: type[KeyError], key: str) -> Item:
    """The item with this id, or ``error`` with message ``key`` suggesting the closest id."""
    if isinstance(item_id, str) and item_id.strip() in bank:
        return bank[item_id.strip()]
    close = difflib.get_close_matches(str(item_id), list(bank), n=1)
    suggestion = message("question.did_you_mean", id=close[0]) if close else ""
    shown = repr(item_id) if len(repr(item_id)) <= 60 else repr(item_id)[:59] + "…"
    raise error(message(key, id=shown, suggestion=suggestion))


#: A question or exercise id written in quotes in code, such as ``"prosecution.q03"``.
ITEM_ID = re.compile(rf"""["']((?:{"|".join(SECTION_NAMES)})\.[qe]\d\d)["']""")


def item_kind(item_id: object) -> str:
    """ "exercise" for an exercise's id (``prosecution.e01``), "written" for written work
    (``prosecution.w01``), else "question"."""
    text = str(item_id)
    return "exercise" if ".e" in text else "written" if ".w" in text else "question"


#: Set in the environment of a grading kernel (``tipcourse grade``): the banks load sealed.
GRADING = "TIPCOURSE_GRADING"


def grading() -> bool:
    """Whether this process is a grading kernel, where no item's key may be looked up."""
    return os.environ.get(GRADING) == "1"


class Sealed(RuntimeError):
    """An item's key asked for in a grading kernel: checking is not available while grading."""

    def __str__(self) -> str:
        return message("grade.sealed")


class Bank(Generic[Item]):
    """One kind of item (questions or exercises): how to load a folder of it, list and find items.

    ``kind`` ("question" or "exercise") words the messages; ``folder`` names the course's data
    folder and each file's list; ``build`` makes an item from one schema-valid entry; ``error``
    is the kind's own BankError and ``unknown`` the KeyError for an id not in the bank;
    ``seal`` gives an item as a grading kernel may see it (no key, no checking).
    """

    def __init__(
        self,
        kind: str,
        folder: str,
        build: Callable[[BankFile, dict[str, Any]], Item],
        error: type[BankError],
        unknown: type[KeyError],
        seal: Callable[[Item], Item],
    ) -> None:
        self.seal = seal
        self.kind = kind
        self.folder = folder
        self.build = build
        self.error = error
        self.unknown = unknown
        self.loaded: dict[str, dict[str, Item]] = {}

    def load(self, folder: str | Path | None = None, language: str = "en") -> dict[str, Item]:
        """Every item of a folder (default: the course's), by id, in section order, in
        ``language`` where the folder has a translation (``<folder>/<language>/``, see
        docs/translating.md); sealed in a grading kernel."""
        folder, schema = folder_and_schema(self.folder, folder)
        bank: dict[str, Item] = {}
        where: dict[str, Path] = {}
        try:
            words = self.translations(folder)
            for bank_file in read_bank(folder, self.kind, self.folder, schema):
                for item in bank_file.items:
                    bank_file.check_placement(item, where)
                    shown = self.in_language(item, words, language)
                    bank[item["id"]] = self.build(bank_file, shown)
                    where[item["id"]] = bank_file.path
        except BankError as error:
            raise self.error(str(error)) from None
        if grading():
            return {item_id: self.seal(item) for item_id, item in bank.items()}
        return bank

    def translations(self, folder: Path) -> dict[str, dict[str, tuple[Path, dict]]]:
        """The translation entries of each language the folder has, by language and item id."""
        found = {}
        for language in LANGUAGES:
            if language != "en" and (folder / language).is_dir():
                try:
                    found[language] = read_translations(folder, language, self.folder)
                except TranslationError as error:
                    raise self.translation_error(error, error.path or folder) from None
        return found

    def in_language(
        self, item: dict[str, Any], words: dict[str, dict[str, tuple[Path, dict]]], language: str
    ) -> dict[str, Any]:
        """An English entry in ``language``, accepting every language's forms of a typed answer."""
        for other, entries in words.items():
            if item["id"] not in entries:
                continue
            path, entry = entries[item["id"]]
            if other == language:
                try:
                    item = translate(item, entry)
                except TranslationError as error:
                    raise self.translation_error(error, path) from None
            else:
                item = dict(with_forms(item, entry))
        return item

    def translation_error(self, error: TranslationError, path: Path) -> BankError:
        fix = message("translation.fix")
        if not error.item:
            return BankError(
                message(
                    "question.bank.file_error", file=_shown(path), problem=error.problem, fix=fix
                )
            )
        return item_error(path, self.kind, error.item, error.field, error.problem, fix)

    def course(self, language: str | None = None) -> dict[str, Item]:
        """The course's own items in ``language`` (default: the language in use), loaded once."""
        language = language or get_language()
        if language not in self.loaded:
            self.loaded[language] = self.load(language=language)
        return self.loaded[language]

    def items(self, section: str | None = None) -> list[Item]:
        """Every item of the course, or of one ``section``, in the order the report reads."""
        return in_section(self.course(), section)

    def find(self, item_id: object) -> Item:
        """The course's item with this id, or ``unknown`` suggesting the closest id."""
        return find(self.course(), item_id, self.unknown, f"{self.kind}.unknown")
