"""The Spanish bank: every item translated, the same keys, the same numbers, one term a concept.

The English bank holds the keys; the Spanish translation files (``data/<bank>/es/``, format in
``docs/translating.md``) hold only words, laid over the English items by the bank loader. These
tests read both, item by item (``-k <section>`` runs one section), and hold the Spanish text to
``data/terminology.csv``.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

import tipcourse
from tipcourse.cli import main
from tipcourse.engine._exercises import EXERCISES
from tipcourse.engine._questions import QUESTIONS
from tipcourse.engine._translation import RULES
from tipcourse.engine._written import WRITTEN
from tipcourse.engine.banks import BankError
from tipcourse.report._text import markdown_text

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
BANKS = {"questions": QUESTIONS, "exercises": EXERCISES, "written": WRITTEN}
TERMS = list(csv.DictReader((DATA / "terminology.csv").open(encoding="utf-8")))


def entries(folder: Path, list_key: str) -> dict[str, dict]:
    """The raw entries of every file of a bank folder, by id."""
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text("utf-8"))[list_key]:
            found[entry["id"]] = entry
    return found


ENGLISH = {name: entries(DATA / name, name) for name in BANKS}
SPANISH = {name: entries(DATA / name / "es", name) for name in BANKS}
ITEMS = [(name, item_id) for name in BANKS for item_id in ENGLISH[name]]

#: Fields a translation need not give: the forms a learner may also type, and code, which
#: carries comments only where the English has some.
OPTIONAL = {"accept", "starter", "solution"}


def required(english: dict) -> set[str]:
    """The learner-facing fields of an English entry that its translation must give."""
    fields = {field for field in english if field in RULES and field not in OPTIONAL}
    if english.get("type") == "text":
        fields.add("answer")
    return fields


def texts(value) -> list[str]:
    """Every string inside a (nested) value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in texts(item)]
    return []


def spanish_words(entry: dict) -> list[str]:
    """The learner-facing Spanish texts of a translation entry (not its id, not its code)."""
    return [
        text
        for field, value in entry.items()
        if field not in {"id", "starter", "solution"}
        for text in texts(value)
    ]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in text if not unicodedata.combining(char))


# -- every item, every field ------------------------------------------------------------------


@pytest.mark.parametrize(("bank", "item_id"), ITEMS, ids=[f"{b}-{i}" for b, i in ITEMS])
def test_every_item_has_every_learner_facing_field_in_spanish(bank, item_id):
    assert item_id in SPANISH[bank], f"{item_id} has no Spanish entry in data/{bank}/es/"
    english, spanish = ENGLISH[bank][item_id], SPANISH[bank][item_id]
    missing = required(english) - set(spanish)
    assert not missing, f"{item_id}: no Spanish {sorted(missing)}"
    for field in ("options", "ranges", "wrong_answers", "rubric"):
        for number, (one, other) in enumerate(
            zip(english.get(field, []), spanish.get(field, []), strict=False)
        ):
            wanted = {key for key in one if key in {"text", "feedback", "criterion"}}
            assert wanted <= set(other), (
                f"{item_id}: {field}[{number + 1}] lacks {wanted - set(other)}"
            )


@pytest.mark.parametrize("bank", BANKS)
def test_the_spanish_bank_loads_with_no_entry_for_an_unknown_item(bank):
    """Every Spanish file lays over the English without a refused field, and names real items."""
    assert set(SPANISH[bank]) <= set(ENGLISH[bank])
    loaded = BANKS[bank].load(language="es")
    assert set(loaded) == set(ENGLISH[bank])


def test_keys_options_and_points_are_the_same_in_both_languages():
    """A question answered "c" in English is "c" in Spanish: only words change."""
    english, spanish = QUESTIONS.load(language="en"), QUESTIONS.load(language="es")
    for item_id, question in english.items():
        other = spanish[item_id]
        assert [o.id for o in other.options] == [o.id for o in question.options], item_id
        assert [o.key for o in other.options] == [o.key for o in question.options], item_id
        assert (other.type, other.points, other.skill) == (
            question.type,
            question.points,
            question.skill,
        )
        assert len(other.hints) == len(question.hints), item_id
        assert other.evidence == question.evidence, "the evidence stays the report's English"
        assert len(other.evidence_translation) == len(question.evidence), item_id
        if question.type == "text":
            assert question.answer in other.accept
        else:
            assert other.answer == question.answer, item_id
            assert [r.low for r in other.ranges] == [r.low for r in question.ranges]


@pytest.mark.parametrize(
    "item_id", [i for i, e in ENGLISH["questions"].items() if e["type"] == "text"]
)
def test_a_text_answer_counts_in_either_language(item_id):
    """The Spanish form is right in an English session and the English form in a Spanish one."""
    english, spanish = QUESTIONS.load(language="en"), QUESTIONS.load(language="es")
    assert english[item_id].check(spanish[item_id].answer).correct
    assert spanish[item_id].check(english[item_id].answer).correct
    assert spanish[item_id].check(spanish[item_id].answer).correct


# -- numbers and code ------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def numbers(text: str) -> set[str]:
    return {found.replace(",", "").rstrip(".") for found in _NUMBER.findall(text)}


@pytest.mark.parametrize(("bank", "item_id"), ITEMS, ids=[f"{b}-{i}" for b, i in ITEMS])
def test_the_spanish_gives_the_same_numbers_as_the_english(bank, item_id):
    """Each field states the same figures: a translation adds or drops no number."""
    english, spanish = ENGLISH[bank][item_id], SPANISH[bank].get(item_id, {})
    for field in set(spanish) - {"id", "starter", "solution", "accept", "answer"}:
        for one, other in paired(english[field], spanish[field]):
            assert numbers(one) == numbers(other), (item_id, field, one, other)


def paired(english, spanish):
    """(English text, its Spanish) for every text a translated field gives, entry by entry; the
    forms a learner may type (``answers``) are not translations of each other."""
    if isinstance(english, str) and isinstance(spanish, str):
        yield english, spanish
    elif isinstance(english, list) and isinstance(spanish, list):
        for one, other in zip(english, spanish, strict=False):
            yield from paired(one, other)
    elif isinstance(english, dict) and isinstance(spanish, dict):
        for key in (set(english) & set(spanish)) - {"answers"}:
            yield from paired(english[key], spanish[key])


def test_translated_code_is_the_same_program():
    """Starter and solution code keep their names, strings and numbers (comments may change)."""
    for item_id, entry in SPANISH["exercises"].items():
        english = ENGLISH["exercises"][item_id]
        for field in {"starter", "solution"} & set(entry):
            assert entry[field].strip() and field in english, (item_id, field)
    EXERCISES.load(language="es")  # refuses changed code with a message naming the field


# -- the words -------------------------------------------------------------------------------------


def avoided() -> list[tuple[str, str]]:
    """(form to avoid, the term to use instead) from the terminology table."""
    return [(form, row["spanish"]) for row in TERMS for form in row["avoid"].split("|") if form]


@pytest.mark.parametrize(("bank", "item_id"), ITEMS, ids=[f"{b}-{i}" for b, i in ITEMS])
def test_the_spanish_uses_the_terminology_table(bank, item_id):
    """No form the table avoids ("tráfico de personas" above all) appears in the translation."""
    words = fold(" ".join(spanish_words(SPANISH[bank].get(item_id, {}))))
    for form, term in avoided():
        assert not re.search(rf"\b{re.escape(fold(form))}\b", words), (item_id, form, term)


#: Common English words that are not Spanish words: outside quotation marks and code, none may be
#: left in a Spanish text.
ENGLISH_WORDS = set(
    "the and of with which what does this that is are was were from for not by it its "
    "would should could has have been than then these those their there who whom".split()
)
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|«[^»]*»|`[^`]*`|\'[^\']*\'')


def english_left(text: str) -> list[str]:
    bare = _QUOTED.sub(" ", text)
    return [word for word in re.findall(r"[A-Za-z]+", bare) if word.lower() in ENGLISH_WORDS]


@pytest.mark.parametrize(("bank", "item_id"), ITEMS, ids=[f"{b}-{i}" for b, i in ITEMS])
def test_no_english_is_left_outside_quotes_and_code(bank, item_id):
    left = [
        (text[:60], words)
        for text in spanish_words(SPANISH[bank].get(item_id, {}))
        if (words := english_left(text))
    ]
    assert not left, (item_id, left)


def test_the_measure_of_english_left_finds_english():
    assert english_left("El informe dice that the government") == ["that", "the"]
    assert english_left('Busca la frase "This represents a decrease"') == []


def test_the_terminology_table_is_complete():
    """Each row names a term, its Spanish and, for trafficking, the smuggling form to avoid."""
    assert all(row["english"] and row["spanish"] for row in TERMS)
    trafficking = next(row for row in TERMS if row["english"] == "trafficking in persons")
    assert trafficking["spanish"] == "trata de personas"
    assert "tráfico de personas" in trafficking["avoid"].split("|")


def test_a_refused_field_names_the_file_the_item_and_the_field(tmp_path):
    """A translation that changes a key is refused with a message saying where and what to do."""
    import shutil

    shutil.copytree(DATA / "questions", tmp_path / "questions", ignore=shutil.ignore_patterns("es"))
    (tmp_path / "questions" / "es").mkdir()
    (tmp_path / "questions" / "es" / "overview.yaml").write_text(
        "questions:\n  - id: overview.q01\n    answer: b\n", "utf-8"
    )
    with pytest.raises(BankError) as raised:
        QUESTIONS.load(tmp_path / "questions", language="es")
    text = str(raised.value)
    assert "overview.yaml" in text and "overview.q01" in text and "answer" in text
    assert "docs/translating.md" in text


def test_the_glossary_in_spanish_gives_official_names():
    glossary = tipcourse.glossary("es").set_index("term")
    assert glossary.loc["FEVIMTRA", "expansion"] == (
        "Fiscalía Especial para los Delitos de Violencia contra las Mujeres y Trata de Personas"
    )
    assert glossary.loc["NGO", "expansion"] == "organización no gubernamental (ONG)"
    assert glossary.loc["Tier 2 Watch List", "expansion"] == "Lista de Vigilancia del Nivel 2"
    english = tipcourse.glossary("en")
    assert list(english.columns) == list(glossary.reset_index().columns)
    assert numbers(" ".join(english["role"])) == numbers(" ".join(glossary["role"]))


def test_the_lms_exports_pass_every_check_in_spanish(tmp_path, spanish):
    """Moodle XML, GIFT and QTI in Spanish: the whole export suite (its Moodle and Canvas readers
    included) runs on the Spanish bank, and a Spanish export carries the Spanish words."""
    import subprocess
    import sys

    env = {**os.environ, "TIPCOURSE_LANG": "es-MX"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            str(ROOT / "tests" / "test_export.py"),
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    out = tmp_path / "es.xml"
    assert main(["export", "--lang", "es", "--format", "moodle", "--out", str(out)]) == 0
    text = out.read_text("utf-8")
    spanish = QUESTIONS.load(language="es")["protection.q01"]
    assert spanish.options[0].text in text and "trata" in text


@pytest.fixture
def spanish(monkeypatch):
    """The course in Spanish for one test; the language and TIPCOURSE_LANG as they were after."""
    from tipcourse.report import messages

    monkeypatch.setattr(messages, "_chosen", messages._chosen)
    monkeypatch.setenv("TIPCOURSE_LANG", os.environ.get("TIPCOURSE_LANG", "en"))
    tipcourse.set_language("es")


def test_a_spanish_question_shows_the_reports_english_and_the_courses_translation(spanish):
    """In Spanish the prompt is Spanish, and the evidence is the report's verbatim English (marked
    as English) with the course's translation under each quote, labelled as unofficial."""
    from tipcourse.engine.session import QuestionState
    from tipcourse.views.widgets import QuestionsView

    question = tipcourse.question("protection.q01")
    assert question.prompt == SPANISH["questions"]["protection.q01"]["prompt"].strip()
    view = QuestionsView.of_question(QuestionState(question))
    view.act("evidence", 0)
    assert (view.widget.spec["lang"], view.widget.spec["report_lang"]) == ("es", "en")
    sent = view.widget.states[0]["evidence"]
    assert [item["quote"] for item in sent] == list(question.evidence)
    assert [item["translation"] for item in sent] == list(question.evidence_translation)
    assert view.widget.spec["labels"]["translation"] == "Traducción propia del curso, no oficial:"
    shown = question.show_evidence().markdown()
    for quote, translation in zip(question.evidence, question.evidence_translation, strict=True):
        assert markdown_text(quote) in shown
        assert f"*Traducción propia del curso, no oficial:* {markdown_text(translation)}" in shown
    tipcourse.set_language("en")
    assert tipcourse.question("protection.q01").prompt.startswith("For 2010 the report")


def test_lang_on_a_command_sets_its_language_and_its_kernels(spanish, capsys):
    """``--lang`` (in any of its forms) words the command and reaches the kernels it starts
    (``start`` passes TIPCOURSE_LANG on); an unknown language is one line, exit status 2."""
    tipcourse.set_language("en")
    assert main(["about", "--lang", "es_MX.UTF-8"]) == 0
    assert "Periodo del informe: del 1 de abril de 2011 al 31 de marzo de 2012" in (
        capsys.readouterr().out
    )  # dates written out, as in Mexico
    assert os.environ["TIPCOURSE_LANG"] == "es"
    with pytest.raises(SystemExit) as raised:
        main(["export", "--format", "gift", "--out", "x.gift", "--lang", "fr"])
    assert raised.value.code == 2
    assert "'fr'" in capsys.readouterr().err  # named, in the language in use


@pytest.mark.parametrize(
    ("variables", "language"),
    [
        ({"LANG": "es_MX.UTF-8"}, "es"),
        ({"LANG": "es-MX"}, "es"),
        ({"LC_ALL": "es_ES.UTF-8", "LANG": "en_US.UTF-8"}, "es"),
        ({"LC_ALL": "C", "LANG": "es_MX.UTF-8"}, "en"),
        ({"TIPCOURSE_LANG": "en", "LANG": "es_MX.UTF-8"}, "en"),
        ({"TIPCOURSE_LANG": "es-MX", "LANG": "C.UTF-8"}, "es"),
        ({}, "en"),
    ],
)
def test_a_spanish_locale_opens_the_spanish_course(monkeypatch, variables, language):
    """TIPCOURSE_LANG first, then the locale as POSIX ranks it (LC_ALL, LC_MESSAGES, LANG)."""
    from tipcourse.report import messages

    monkeypatch.setattr(messages, "_chosen", None)
    for name in messages.LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert messages.get_language() == language


def test_a_unit_is_named_in_the_learners_language():
    """A percentage typed for a number of years is refused naming the unit in Spanish, and an
    instructor's own unit stands as the bank writes it."""
    from tipcourse.engine.types._numeric import unit_words
    from tipcourse.report.messages import in_language

    years = next(question for question in tipcourse.questions() if question.unit == "years")
    with in_language("es"):
        said = tipcourse.question(years.id).evaluate("18%").message
        assert "años" in said and "years" not in said
        assert unit_words("hectares") == "hectares"
    with in_language("en"):
        assert "number of years" in tipcourse.question(years.id).evaluate("18%").message
