"""The question bank: valid data, evidence from the report, and a checking engine learners can trust."""

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
import yaml

import tipcourse
from tipcourse import messages
from tipcourse.compare import normalise_text
from tipcourse.datasets import data_dir
from tipcourse.questions import SKILLS, TYPES, QuestionBankError, UnknownQuestionError, load_bank
from tipcourse.report import SECTION_NAMES

QUESTIONS = data_dir() / "questions"
ALL = tipcourse.questions()
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
    for option, text in zip(wrong, feedback):
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
    assert tipcourse.question("assessment.q02").evaluate(" 14 ").correct is True


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
    vulnerable = tipcourse.question("overview.q02")  # four right options (a-d), two wrong (e, f)
    cases = {
        ("a", "b"): 0.5,
        ("a", "b", "e"): 0.25,
        ("a", "e", "f"): 0.0,
        ("a", "b", "c", "d", "e"): 0.75,
    }
    for picks, score in cases.items():
        result = vulnerable.evaluate(list(picks))
        assert result.score == pytest.approx(score) and result.correct is False, picks
        assert result.status == ("partial" if score else "incorrect")
    assert vulnerable.evaluate({"d", "c", "b", "a"}).correct is True
    assert vulnerable.evaluate("a, b, c, d").correct is True


def test_order_partial_credit_is_the_share_of_neighbours_in_order():
    """Order questions score the share of neighbouring pairs in the right order."""
    terms = tipcourse.question("prosecution.q04")  # key: a, b, c, d
    assert terms.evaluate(["b", "a", "c", "d"]).score == pytest.approx(2 / 3)
    assert terms.evaluate(["d", "c", "b", "a"]).status == "incorrect"
    assert terms.evaluate(["a", "b", "c"]).status == "invalid"


def test_options_are_shuffled_the_same_way_for_the_same_learner():
    """A learner always sees the same order; different learners see different orders."""
    question = tipcourse.question("prosecution.q02")
    first = [option.key for option in question.options_for("ana")]
    assert [option.key for option in question.options_for("ana")] == first
    orders = {
        tuple(option.key for option in question.options_for(f"learner-{n}")) for n in range(30)
    }
    assert len(orders) > 3
    assert question.options_for() == question.options_for("test-learner")  # TIPCOURSE_LEARNER
    assert sorted(option.key for option in question.options_for("ana")) == ["a", "b", "c", "d"]


def test_shuffling_does_not_depend_on_pythons_hash_seed(tmp_path):
    """The order is the same in a new Python process with another PYTHONHASHSEED."""
    code = "import tipcourse; print([o.key for o in tipcourse.question('prosecution.q02').options_for('ana')])"
    orders = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    expected = str([o.key for o in tipcourse.question("prosecution.q02").options_for("ana")])
    assert orders == {expected + "\n"}


def test_order_questions_are_never_shown_already_in_order():
    """However the shuffle falls, an order question's options are not listed in the answer's order."""
    for question in (q for q in ALL if q.type == "order"):
        for n in range(200):
            assert [o.key for o in question.options_for(f"learner-{n}")] != list(question.answer)


def test_true_false_and_unshuffled_options_keep_their_order():
    """True/False always reads True, False."""
    question = next(q for q in ALL if q.type == "truefalse")
    assert [o.key for o in question.options_for("ana")] == ["true", "false"]


def test_check_records_usable_attempts_and_evaluate_records_nothing(recorded_attempts):
    """check() records right and wrong answers; evaluate() and unusable input record nothing."""
    question = tipcourse.question("prosecution.q02")
    question.evaluate("b")
    question.check(None)
    question.check("zz")
    assert recorded_attempts == []
    assert question.check("b").correct is True
    assert question.check("a").correct is False
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
    assert eval(question.answer_code("b"), {"tipcourse": tipcourse}).correct is True


def test_questions_show_as_markdown_with_the_learners_option_order():
    """In a notebook a question shows its prompt, its options in the learner's order and how to answer."""
    question = tipcourse.question("prosecution.q02")
    bundle = question._repr_mimebundle_()
    assert bundle == tipcourse.show(question)._repr_mimebundle_()
    markdown = bundle["text/markdown"]
    keys = re.findall(r"^- \*\*([a-d])\)\*\*", markdown, flags=re.MULTILINE)
    assert keys == [option.key for option in question.options_for()]
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
    package = Path(tipcourse.__file__).parent
    source = "".join(
        (package / name).read_text("utf-8")
        for name in ("outcome.py", "compare.py", "questions.py", "exercises.py", "banks.py")
    )
    used = set(re.findall(r'"((?:outcome|question|exercise|compare)\.[a-z_.]+[a-z_])"', source))
    families = {
        "outcome.label.": ("correct", "partial", "incorrect", "unanswered", "invalid"),
        "question.how.": TYPES,
        "question.replace.": TYPES,
        "question.bank.item.": ("question", "exercise"),
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
    used |= {"compare.expected." + name for name in families["compare.kind."]}
    for language in ("en", "es"):
        catalogue = json.loads((package / "locales" / f"{language}.json").read_text("utf-8"))
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
