"""The question bank: valid data, evidence from the report, and a checking engine learners can trust."""

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
import yaml

import tipcourse
from tipcourse.engine import _questions
from tipcourse.engine._questions import (
    SKILLS,
    TYPES,
    QuestionBankError,
    UnknownQuestionError,
    load_bank,
)
from tipcourse.engine.compare import normalise_text
from tipcourse.engine.types._base import MESSAGES as TYPE_MESSAGES
from tipcourse.report import messages
from tipcourse.report._parse import SECTION_NAMES
from tipcourse.report.datasets import data_dir

QUESTIONS = data_dir() / "questions"
ALL = tipcourse.questions()
#: The bank in each language of the course: the fairness of lengths holds in every translation.
IN_LANGUAGE = {
    language: list(_questions.QUESTIONS.load(language=language).values())
    for language in messages.LANGUAGES
}
CHOICE = [q for q in ALL if q.type in ("single", "multiple")]


def key_answer(question):
    """The answer key in the form a learner passes to check()."""
    return list(question.answer) if question.type in ("multiple", "order") else question.answer


def by_id(questions):
    return pytest.mark.parametrize("question", questions, ids=[q.id for q in questions])


# -- the data ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(QUESTIONS.glob("*.yaml")), ids=lambda path: path.name)
def test_every_file_validates_against_the_published_schema(path):
    """Each YAML file passes data/questions/schema.json with the jsonschema package itself."""
    schema = json.loads((QUESTIONS / "schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(
        yaml.safe_load(path.read_text("utf-8")), schema, cls=jsonschema.Draft202012Validator
    )


def test_there_is_one_file_per_section():
    """The bank has exactly one YAML file for each of the six sections."""
    assert sorted(path.stem for path in QUESTIONS.glob("*.yaml")) == sorted(SECTION_NAMES)


def test_ids_are_unique_and_look_like_section_qnn():
    """Every id is unique across the files and reads <its section>.qNN."""
    ids = []
    for path in QUESTIONS.glob("*.yaml"):
        for item in yaml.safe_load(path.read_text("utf-8"))["questions"]:
            ids.append(item["id"])
            assert re.fullmatch(rf"{path.stem}\.q\d\d", item["id"]), item["id"]
            assert item["section"] == path.stem
    assert len(ids) == len(set(ids)) == len(ALL)


@by_id(ALL)
def test_every_evidence_quote_is_in_the_questions_own_section(question):
    """Each evidence quote is found verbatim by Report.locate, in the question's own section."""
    report = tipcourse.load_report()
    for quote in question.evidence:
        found = report.locate(quote)
        assert found is not None, f"{question.id}: not in the report: {quote!r}"
        assert found.section == question.section, (
            f"{question.id}: quote is in {found.section}: {quote!r}"
        )


def test_every_section_has_at_least_three_questions():
    """Learners find at least three questions on each section of the report."""
    counts = Counter(q.section for q in ALL)
    assert {section: counts[section] >= 3 for section in SECTION_NAMES} == dict.fromkeys(
        SECTION_NAMES, True
    )


def test_all_six_types_and_known_skills_are_used():
    """The bank uses every question type, and only the five named skills."""
    assert {q.type for q in ALL} == set(TYPES)
    assert {q.skill for q in ALL} <= set(SKILLS)


def test_at_least_a_quarter_ask_to_analyze_or_evaluate():
    """At least a quarter of the questions ask learners to analyze or evaluate, not only recall."""
    higher = [q for q in ALL if q.skill in ("analyze", "evaluate")]
    assert len(higher) * 4 >= len(ALL)


@by_id(ALL)
def test_every_question_has_hints_an_explanation_and_points(question):
    """Every question can help a learner: a prompt, hints, an explanation and a positive score."""
    assert question.prompt and question.explanation and question.hints and all(question.hints)
    assert question.points > 0


def test_the_bank_loads_once():
    """Loading is cached: asking twice gives the very same question objects."""
    assert tipcourse.questions()[0] is tipcourse.questions()[0]
    assert tipcourse.question(ALL[0].id) is ALL[0]


def test_questions_can_be_listed_by_section():
    """questions(section) gives that section's questions, in bank order."""
    assert [q.id for q in tipcourse.questions("prosecution")] == [
        q.id for q in ALL if q.section == "prosecution"
    ]
    with pytest.raises(ValueError, match="choose one of overview"):
        tipcourse.questions("trafficking")


def test_an_unknown_id_says_how_to_find_the_ids():
    """A mistyped id is a KeyError whose message shows the id format, how to list ids and a suggestion."""
    with pytest.raises(UnknownQuestionError) as raised:
        tipcourse.question("prosecution.q3")
    assert isinstance(raised.value, KeyError)
    text = str(raised.value)
    assert "tipcourse.questions()" in text and "Did you mean 'prosecution.q03'?" in text
    with pytest.raises(KeyError, match="There is no question"):
        tipcourse.question(None)


# -- checking ---------------------------------------------------------------------------------


@by_id(ALL)
def test_the_key_answers_every_question_correctly(question):
    """Answering with the question's own key gives correct=True and a full score."""
    result = question.evaluate(key_answer(question))
    assert (result.status, result.correct, result.score) == ("correct", True, 1.0)
    assert result.message == question.explanation


@by_id([q for q in ALL if q.type == "truefalse"])
def test_true_false_accepts_words_as_well_as_booleans(question):
    """True/False questions also take "true"/"false" (any case) and numpy booleans."""
    import numpy as np

    word = "TRUE" if question.answer else " false "
    assert question.evaluate(word).correct is True
    assert question.evaluate(np.bool_(question.answer)).correct is True
    assert question.evaluate(not question.answer).correct is False


@by_id(CHOICE)
def test_each_wrong_option_gives_its_own_feedback(question):
    """Choosing a wrong option shows that option's feedback, which differs from the others'."""
    wrong = [option for option in question.options if option.key not in question.answer]
    feedback = [" ".join(option.feedback.split()) for option in wrong]
    assert len(set(feedback)) == len(feedback)
    for option, text in zip(wrong, feedback, strict=True):
        picked = option.key if question.type == "single" else [option.key]
        result = question.evaluate(picked)
        assert result.correct is False
        assert text in result.message
        assert all(other not in result.message for other in feedback if other != text)


@by_id([q for q in ALL if q.type in ("truefalse", "numeric", "text")])
def test_wrong_typed_answers_teach_rather_than_just_say_no(question):
    """Wrong true/false, numeric and text answers come with the question's own feedback."""
    wrong = {"truefalse": not question.answer, "numeric": -1, "text": "zzz"}[question.type]
    result = question.evaluate(wrong)
    assert result.correct is False
    assert " ".join(question.wrong_feedback.split()) in result.message


def wrong_answers(question):
    """Many wrong answers a learner could give to one question."""
    if question.type == "single":
        return [option.key for option in question.options if option.key != question.answer]
    if question.type == "multiple":
        right, keys = list(question.answer), [option.key for option in question.options]
        wrong = [key for key in keys if key not in right]
        return [right[:-1], right[1:], right + wrong[:1], wrong, [right[0], *wrong], keys]
    if question.type == "order":
        keys = list(question.answer)
        swaps = [keys[:i] + [keys[i + 1], keys[i]] + keys[i + 2 :] for i in range(len(keys) - 1)]
        return [keys[::-1], *swaps]
    if question.type == "truefalse":
        return [not question.answer, "false" if question.answer else "true"]
    if question.type == "numeric":
        answer = question.answer
        around = [found.low for found in question.ranges] + [
            found.high for found in question.ranges
        ]
        return [0, -1, answer * 2, answer + 1000, answer / 100, *around, f"{answer * 10:,}"]
    return ["zzz", "Mexico", *[text for wrong in question.wrong_answers for text in wrong.answers]]


def forms_of_the_key(question):
    """The ways the expected answer could be written in a message."""
    if question.type in ("single", "multiple", "order"):
        right = [question.answer] if question.type == "single" else list(question.answer)
        texts = [
            " ".join(option.text.split()) for option in question.options if option.key in right
        ]
        if question.type == "order":
            return [", ".join(right), " ".join(right), str(right)]
        return texts
    if question.type == "numeric":
        number = question.answer
        forms = {f"{number:g}", f"{number:,}", str(number)}
        return sorted(forms)
    if question.type == "text":
        return [normalise_text(text) for text in (question.answer, *question.accept)]
    return []


@by_id([q for q in ALL if q.type != "truefalse"])
def test_wrong_answers_never_reveal_the_expected_answer(question):
    """No wrong or partly right answer's message contains the key's value or the right option's text."""
    for wrong in wrong_answers(question):
        result = question.evaluate(wrong)
        assert result.correct is False, (wrong, result)
        shown = normalise_text(result.message) if question.type == "text" else result.message
        for form in forms_of_the_key(question):
            # Whole words only: the accepted "ONG" may stand inside "along" without revealing anything.
            revealed = re.search(rf"(?<!\w){re.escape(form)}(?!\w)", shown)
            assert not revealed, f"{question.id}: {wrong!r} revealed {form!r}: {result.message}"


def test_numeric_answers_accept_what_learners_type():
    """'1,000'-style separators, a % sign, spaces, $ and number types all count."""
    budget = tipcourse.question("prevention.q01")
    for typed in (313000, 313000.0, "313,000", " 313000 ", "$313,000"):
        assert budget.evaluate(typed).correct is True, typed
    share = tipcourse.question("protection.q02")
    for typed in (37.9, "37.9%", " 37.93 ", "37.8"):
        assert share.evaluate(typed).correct is True, typed
    assert share.evaluate("38.1").correct is False
    assert budget.evaluate(" 313,000").correct is True


def test_a_percent_sign_is_refused_where_no_percentage_is_asked():
    """Writing '313000%' for a dollar amount is explained, not silently accepted."""
    result = tipcourse.question("prevention.q01").evaluate("313000%")
    assert result.status == "invalid" and "not a percentage" in result.message


def test_numeric_range_feedback_names_the_misconception():
    """A number that matches a known slip (the budget before the cut) gets the feedback for it."""
    result = tipcourse.question("prevention.q01").evaluate("4,200,000")
    assert result.correct is False and "before the cut" in result.message


def test_text_answers_ignore_case_accents_and_spacing():
    """'Yucatán', ' YUCATAN ' and 'yucatan' are all right; a listed wrong answer gets its feedback."""
    yucatan = tipcourse.question("prosecution.q03")
    for typed in ("Yucatán", "  YUCATAN ", "yucatan", "Yucatán state"):
        assert yucatan.evaluate(typed).correct is True, typed
    assert "three convictions" in yucatan.evaluate("puebla").message


def test_multiple_choice_partial_credit_rule():
    """Score = max(0, (right picks - wrong picks) / right options); correct only for exactly the key."""
    vulnerable = tipcourse.question("overview.q02")
    right = list(vulnerable.answer)
    wrong = [option.key for option in vulnerable.options if option.key not in right]
    assert len(right) == 4 and len(wrong) == 2  # four right options, two wrong
    cases = {
        (right[0], right[1]): 0.5,
        (right[0], right[1], wrong[0]): 0.25,
        (right[0], wrong[0], wrong[1]): 0.0,
        (*right, wrong[0]): 0.75,
    }
    for picks, score in cases.items():
        result = vulnerable.evaluate(list(picks))
        assert result.score == pytest.approx(score) and result.correct is False, picks
        assert result.status == ("partial" if score else "incorrect")
    assert vulnerable.evaluate(set(reversed(right))).correct is True
    assert vulnerable.evaluate(", ".join(right)).correct is True


def test_order_partial_credit_is_the_share_of_neighbours_in_order():
    """Order questions score the share of neighbouring pairs in the right order."""
    terms = tipcourse.question("prosecution.q04")
    key = list(terms.answer)
    assert len(key) == 4
    assert terms.evaluate([key[1], key[0], key[2], key[3]]).score == pytest.approx(2 / 3)
    assert terms.evaluate(key[::-1]).status == "incorrect"
    assert terms.evaluate(key[:3]).status == "invalid"


def test_options_are_labelled_by_position():
    """Options are lettered a, b, c, ... top to bottom: the bank's own keys are never shown."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    for question in (q for q in ALL if q.question_type.lettered):
        assert [o.key for o in question.options] == list(letters[: len(question.options)])


@pytest.mark.parametrize(
    "question", [q for q in ALL if q.question_type.lettered], ids=lambda q: q.id
)
def test_the_letter_a_learner_sees_is_the_letter_check_accepts(question):
    """Read the letters beside the right options off the static form: check() takes them."""
    markdown = tipcourse.show(question).markdown()
    shown = dict(re.findall(r"^- \*\*([a-z])\)\*\* (.+)$", markdown, flags=re.MULTILINE))
    by_text = {text: letter for letter, text in shown.items()}
    texts = {o.key: o.text for o in question.options}
    right = [question.answer] if question.type == "single" else list(question.answer)
    letters = [
        by_text[texts[key].translate(str.maketrans({c: "\\" + c for c in "\\`*_[]<>|"}))]
        for key in right
    ]
    answer = letters[0] if question.type == "single" else letters
    assert question.evaluate(answer).correct is True
    assert (
        question.evaluate(
            answer.upper() if question.type == "single" else [letter.upper() for letter in letters]
        ).correct
        is True
    )


def test_the_banks_own_keys_are_internal_ids(tmp_path):
    """A bank may list its options in any order with any keys: learners answer by position."""
    item = json.loads(json.dumps(GOOD))
    item["options"] = [item["options"][1], item["options"][0]]  # SIEDO (key b) listed first
    found = load_bank(write_bank(tmp_path / "bank", item))["prosecution.q01"]
    assert [(o.key, o.id, o.text) for o in found.options] == [
        ("a", "b", "SIEDO"),
        ("b", "a", "FEVIMTRA"),
    ]
    assert found.evaluate("a").correct is True and found.evaluate("b").correct is False


def test_an_order_question_listed_in_its_answers_order_is_refused(tmp_path):
    """Reading the options top to bottom must not answer an order question."""
    item = json.loads(json.dumps(GOOD))
    item.update(type="order", answer=["a", "b", "c"])
    item["options"][1]["feedback"] = "SIEDO takes cases with more suspects."
    item["options"].append({"key": "c", "text": "The states", "feedback": "Not federal."})
    with pytest.raises(QuestionBankError, match="in another order"):
        load_bank(write_bank(tmp_path / "bank", item))
    item["answer"] = ["b", "c", "a"]
    assert (
        load_bank(write_bank(tmp_path / "bank", item))["prosecution.q01"]
        .evaluate(["b", "c", "a"])
        .correct
        is True
    )


def test_check_records_usable_attempts_and_evaluate_records_nothing(recorded_attempts):
    """check() records right and wrong answers; evaluate() and unusable input record nothing."""
    question = tipcourse.question("prosecution.q02")
    wrong = next(option.key for option in question.options if option.key != question.answer)
    question.evaluate(question.answer)
    question.check(None)
    question.check("zz")
    assert recorded_attempts == []
    assert question.check(question.answer).correct is True
    assert question.check(wrong).correct is False
    assert recorded_attempts == [
        {
            "item_id": "prosecution.q02",
            "section": "prosecution",
            "correct": True,
            "score": 1.0,
            "kind": "question",
        },
        {
            "item_id": "prosecution.q02",
            "section": "prosecution",
            "correct": False,
            "score": 0.0,
            "kind": "question",
        },
    ]


def test_answer_code_is_a_line_a_learner_can_run(recorded_attempts):
    """answer_code() runs as printed; with "..." it says what to put there."""
    question = tipcourse.question("prosecution.q02")
    template = question.answer_code()
    assert template.startswith("tipcourse.question('prosecution.q02').check(...)  # replace ...")
    assert eval(template.split("  #")[0], {"tipcourse": tipcourse}).status == "unanswered"
    assert eval(question.answer_code(question.answer), {"tipcourse": tipcourse}).correct is True


def test_questions_show_as_markdown_with_their_options_in_order():
    """In a notebook a question shows its prompt, its options a, b, c, ... and how to answer."""
    question = tipcourse.question("prosecution.q02")
    bundle = question._repr_mimebundle_()
    assert bundle == tipcourse.show(question)._repr_mimebundle_()
    markdown = bundle["text/markdown"]
    keys = re.findall(r"^- \*\*([a-d])\)\*\*", markdown, flags=re.MULTILINE)
    assert keys == [option.key for option in question.options] == ["a", "b", "c", "d"]
    assert question.prompt.split()[0] in markdown and "check(...)" in markdown
    assert question.prompt.split()[-1] in bundle["text/plain"]


def test_messages_follow_the_chosen_language():
    """With Spanish chosen, the engine's messages are Spanish (question text stays English)."""
    messages.set_language("es")
    assert (
        tipcourse.question("prosecution.q02")
        .evaluate(None)
        .message.startswith("Todavía no hay respuesta")
    )


def test_every_message_key_the_engine_uses_exists_in_both_languages():
    """Each outcome., question., exercise. and compare. key used in the code is in en.json and es.json."""
    engine = Path(tipcourse.__file__).parent / "engine"
    source = "".join(path.read_text("utf-8") for path in sorted(engine.rglob("*.py")))
    used = set(re.findall(r'"((?:outcome|question|exercise|compare)\.[a-z_.]+[a-z_])"', source))
    families = {
        "outcome.label.": ("correct", "partial", "incorrect", "unanswered", "invalid"),
        "question.how.": TYPES,
        "question.replace.": TYPES,
        "question.bank.item.": ("question", "exercise"),
        "question.unit.": ("number",),  # name_of("question.unit", ...): a unit a bank leaves out
        "compare.kind.": (
            "none",
            "bool",
            "number",
            "text",
            "bytes",
            "dataframe",
            "series",
            "array",
            "list",
            "tuple",
            "set",
            "dict",
            "function",
            "other",
        ),
    }
    used |= {prefix + name for prefix, names in families.items() for name in names}
    used.discard("question.unit")  # the prefix name_of builds the units' keys on
    # A type's own words are looked up by prefix (QuestionType.words): one key per type.
    used -= set(TYPE_MESSAGES)
    used |= {f"{prefix}.{name}" for prefix in TYPE_MESSAGES for name in TYPES}
    used |= {"compare.expected." + name for name in families["compare.kind."]}
    for language in ("en", "es"):
        catalogue = json.loads((engine.parent / "locales" / f"{language}.json").read_text("utf-8"))
        assert sorted(used - set(catalogue)) == [], language


def test_spanish_messages_fill_in_the_same_values_as_english():
    """Every engine message has the same {placeholders} in both languages, so none fails to format."""
    import string

    package = Path(tipcourse.__file__).parent
    english, spanish = (
        json.loads((package / "locales" / f"{language}.json").read_text("utf-8"))
        for language in ("en", "es")
    )

    def names(template):
        return sorted({name for _, name, _, _ in string.Formatter().parse(template) if name})

    ours = [
        key
        for key in english
        if key.split(".")[0] in ("outcome", "question", "exercise", "compare")
    ]
    assert ours and [key for key in ours if names(english[key]) != names(spanish[key])] == []


def test_importing_tipcourse_loads_no_yaml_jsonschema_or_pandas(tmp_path):
    """The bank's libraries load on first use, not at import."""
    code = "import sys, tipcourse; print([m for m in ('yaml', 'jsonschema', 'pandas') if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# -- a broken bank ----------------------------------------------------------------------------

GOOD = {
    "id": "prosecution.q01",
    "section": "prosecution",
    "type": "single",
    "skill": "remember",
    "points": 1,
    "prompt": "Which office handles federal cases with four suspects?",
    "options": [
        {"key": "a", "text": "FEVIMTRA", "feedback": "FEVIMTRA takes cases with fewer suspects."},
        {"key": "b", "text": "SIEDO"},
    ],
    "answer": "b",
    "hints": ["Compare the number of suspects with the limit."],
    "explanation": "SIEDO investigates cases with more than three suspects.",
    "evidence": ["investigates cases with more than three suspects"],
}


def write_bank(folder, *items, name="prosecution.yaml"):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(
        yaml.safe_dump({"questions": list(items)}, allow_unicode=True), "utf-8"
    )
    return folder


def test_a_valid_folder_loads(tmp_path):
    """load_bank(folder) reads any folder of YAML files, with the course's schema."""
    bank = load_bank(write_bank(tmp_path / "bank", GOOD))
    assert (
        list(bank) == ["prosecution.q01"] and bank["prosecution.q01"].evaluate("b").correct is True
    )


@pytest.mark.parametrize(
    "change, field, words",
    [
        (lambda q: q.pop("explanation"), "explanation", "missing"),
        (lambda q: q.update(skill="memorise"), "skill", "use one of: remember"),
        (lambda q: q.update(answer="c"), "answer", "not an option key"),
        (lambda q: q["options"][0].pop("feedback"), "feedback", "no feedback"),
        (lambda q: q.update(colour="red"), "colour", "allowed fields"),
        (lambda q: q.update(points="one"), "points", "number"),
        (lambda q: q.update(hints=[]), "hints", "at least 1"),
        (lambda q: q.update(type="truefalse", answer="b"), "answer", "boolean"),
        (lambda q: q.update(section="protection"), "section", "prosecution.yaml"),
        (lambda q: q.update(id="prosecution.3"), "id", "pattern"),
    ],
)
def test_a_broken_question_names_the_file_the_id_and_the_field(tmp_path, change, field, words):
    """A loading error names the file, the question id and the field, and says how to fix it."""
    broken = json.loads(json.dumps(GOOD))
    change(broken)
    with pytest.raises(QuestionBankError) as raised:
        load_bank(write_bank(tmp_path / "bank", broken))
    text = str(raised.value)
    assert "prosecution.yaml" in text
    assert "prosecution.q01" in text or "prosecution.3" in text
    assert f"'{field}" in text or f"→ {field}" in text, text
    assert "To fix it:" in text and words in text, text


def test_a_yaml_syntax_error_names_the_file_and_line(tmp_path):
    """A file that is not YAML at all is reported with its name and the line to look at."""
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "prevention.yaml").write_text(
        "questions:\n  - id: prevention.q01\n    prompt: a: b\n", "utf-8"
    )
    with pytest.raises(
        QuestionBankError, match=r"prevention\.yaml: the file is not valid YAML .* near line 3"
    ):
        load_bank(folder)


def test_a_duplicate_id_across_files_is_reported(tmp_path):
    """Two questions with one id are refused, naming both files."""
    folder = write_bank(tmp_path / "bank", GOOD)
    (folder / "overview.yaml").write_text((folder / "prosecution.yaml").read_text("utf-8"), "utf-8")
    with pytest.raises(QuestionBankError) as raised:
        load_bank(folder)
    assert "overview.yaml" in str(raised.value)  # overview loads first: its section is wrong
    moved = {**GOOD, "id": "overview.q01", "section": "overview"}
    write_bank(folder, moved, name="overview.yaml")
    write_bank(folder, GOOD, {**GOOD}, name="prosecution.yaml")
    with pytest.raises(
        QuestionBankError,
        match=r"prosecution\.yaml, question prosecution\.q01, field 'id'.*already used",
    ):
        load_bank(folder)


def test_an_empty_or_missing_folder_is_explained(tmp_path):
    """Pointing the loader at the wrong folder says so."""
    with pytest.raises(QuestionBankError, match="no .yaml files"):
        load_bank(tmp_path)
    with pytest.raises(QuestionBankError, match="There is no folder"):
        load_bank(tmp_path / "nowhere")


# -- a fair test: nothing in the shape of the options gives the answer away ----------------------


def _shown(question):
    """The options as a learner sees them: (letter, text) top to bottom, from the static form."""
    return [(o.key, o.text) for o in tipcourse.show(question).state.options()]


def test_no_letter_is_right_in_more_than_35_percent_of_single_choice_questions():
    """Always answering the same letter scores no better than the letter most often right."""
    singles = [q for q in ALL if q.type == "single"]
    counts = Counter(q.answer for q in singles)
    assert max(counts.values()) <= 0.35 * len(singles), dict(counts)
    assert all(q.answer in {letter for letter, _ in _shown(q)} for q in singles)


def test_multiple_choice_keys_are_rarely_the_first_letters():
    """Picking the first N letters is right in at most a third of multiple-choice questions."""
    multiples = [q for q in ALL if q.type == "multiple"]
    first = [
        q.id
        for q in multiples
        if sorted(q.answer) == [letter for letter, _ in _shown(q)][: len(q.answer)]
    ]
    assert len(first) <= len(multiples) / 3, first


@pytest.mark.parametrize("question", [q for q in ALL if q.type == "order"], ids=lambda q: q.id)
def test_reading_an_order_questions_letters_in_order_earns_at_most_half(question):
    """The letters as shown, in order, are not the answer and score no more than chance (1/2)."""
    as_shown = [letter for letter, _ in _shown(question)]
    outcome = question.evaluate(as_shown)
    assert outcome.correct is False and outcome.score <= 0.5


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_the_right_option_is_rarely_the_longest(language):
    """Choosing the longest option is right in at most a third of single-choice questions."""
    singles = [q for q in IN_LANGUAGE[language] if q.type == "single"]
    longest = []
    for question in singles:
        lengths = {letter: len(text) for letter, text in _shown(question)}
        right = lengths.pop(question.answer)
        if right > max(lengths.values()):
            longest.append(question.id)
    assert len(longest) <= len(singles) / 3, longest


def test_true_and_false_are_both_common_answers():
    """Always answering False (or True) is right in well under three quarters of the statements."""
    statements = [q.answer for q in ALL if q.type == "truefalse"]
    assert 0.25 <= sum(statements) / len(statements) <= 0.75


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_no_length_rank_gives_a_single_choice_answer_away(language):
    """Choosing the longest, the second longest, ... or the shortest option is right in at most 35%.

    Making the right option never the longest is not enough: it must not be the second longest
    every time either.
    """
    singles = [q for q in IN_LANGUAGE[language] if q.type == "single"]
    ranks = Counter()
    for question in singles:
        by_length = sorted(_shown(question), key=lambda shown: -len(shown[1]))
        ranks[[letter for letter, _ in by_length].index(question.answer)] += 1
    assert max(ranks.values()) <= 0.35 * len(singles), dict(ranks)


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_choosing_the_longest_options_of_a_multiple_choice_question_scores_about_chance(language):
    """Picking as many of the longest options as there are right ones does no better than a
    random pick of that many (on average over the bank, within 0.1 of the score)."""
    import itertools
    import statistics

    def score(question, picks):
        return question.evaluate(list(picks)).score

    by_length, at_random = [], []
    for question in (q for q in IN_LANGUAGE[language] if q.type == "multiple"):
        count = len(question.answer)
        longest = sorted(_shown(question), key=lambda shown: -len(shown[1]))[:count]
        by_length.append(score(question, [letter for letter, _ in longest]))
        letters = [letter for letter, _ in _shown(question)]
        at_random.append(
            statistics.mean(
                score(question, picks) for picks in itertools.combinations(letters, count)
            )
        )
    assert statistics.mean(by_length) <= statistics.mean(at_random) + 0.1


def test_a_grading_kernel_loads_every_question_sealed(monkeypatch):
    """With TIPCOURSE_GRADING=1 (set by the grader's sandbox) a question keeps its prompt and
    options but no answer, feedback, explanation, hints or evidence, and checks nothing."""
    from tipcourse.engine._questions import QUESTIONS

    monkeypatch.setenv("TIPCOURSE_GRADING", "1")
    sealed = QUESTIONS.load()
    assert sealed.keys() == {item.id: item for item in tipcourse.questions()}.keys()
    for item in sealed.values():
        course = tipcourse.question(item.id)
        assert (item.prompt, [o.text for o in item.options]) == (
            course.prompt,
            [o.text for o in course.options],
        )
        assert item.answer is None and not (item.hints or item.explanation or item.evidence)
        assert not (item.accept or item.ranges or item.wrong_answers or item.wrong_feedback)
        assert not any(option.feedback or option.id for option in item.options)
        answer = list(course.answer) if isinstance(course.answer, tuple) else course.answer
        result = item.check(answer)
        assert not result.correct and "not available while grading" in result.message
