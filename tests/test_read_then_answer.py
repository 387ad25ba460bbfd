"""Read, then try, then discuss: what the course says before an item never gives its answer.

A learner who reads only the course's own text since the previous item (its commentary, the code
it shows, the tables and charts printed) and skips the report's words must not be able to answer.
The measure, per item:

* a numeric or text answer (a question's answer and accepted variants, an exercise's computed
  value) does not appear in that text, as digits or as words;
* for the choice questions together, picking the option whose words appear most in that text
  does no better than chance allows, and a right option shares more of its words with it than a
  wrong one in no more than :data:`MAX_PAIR_SHARE` of (right, wrong) pairs.

The report's own words (cells whose role is ``reading``) are what the learner answers from, so
they are left out, and a test holds those cells to showing nothing but the report's text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import nbformat
import pytest

import tipcourse
from tipcourse.views.authoring import build, read_sources

ROOT = Path(__file__).resolve().parent.parent
SOURCES = read_sources(ROOT / "course")

#: A right option may share more of its words with the text above than a wrong one, by chance,
#: in about half the pairs; above this share the text is leading the learner to the key.
MAX_PAIR_SHARE = 0.55
#: Picking the option with most words in the text above may be right no more often than chance.
MAX_PICKS_OVER_CHANCE = 1.0
#: Roles whose text a learner reads before an item and that are the course's own.
COURSE_TEXT = {"opening", "commentary", "discussion", "code", "gate", "exercise", "answer"}

_STOP = set(
    """a an the and or but if of to in on at by for with from as into than then that this these
    those it its is are was were be been being has have had do does did not no nor so such
    which who whom whose what when where why how all any both each few more most other some
    only own same too very can will just should would could may might must also there their
    they them he she his her we our you your i me my about above after again against below
    between during before over under up down out off once here per via while because until
    one two three""".split()
)
_TAGS = re.compile(r"<[^>]+>")
_ALT = re.compile(r'alt="([^"]*)"')
_BASE64 = re.compile(r"base64,[A-Za-z0-9+/=]+")
_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def saved(source):
    return nbformat.read(ROOT / "notebooks" / source.notebook_name, as_version=4)


def meta(cell) -> dict:
    return cell.metadata.get("tipcourse", {})


def fold(text: str) -> str:
    """Lower case, accents and typographic quotes folded, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("“", '"').replace("”", '"').replace("–", "-")
    return " ".join(text.lower().split())


def shown_text(cell) -> str:
    """A cell's source and what a learner reads in its saved outputs (alt text included)."""
    parts = [cell.source]
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        data = output.get("data", {})
        if "text/html" in data:
            page = _BASE64.sub("base64,", data["text/html"])
            parts += _ALT.findall(page) + [_TAGS.sub(" ", page)]
        elif "text/markdown" in data:
            parts.append(data["text/markdown"])
        else:
            parts.append(data.get("text/plain", ""))
    return html.unescape("\n".join(parts))


def text_before_each_item(source) -> dict[str, str]:
    """For every item a notebook asks, the course's own text since the previous item."""
    built, kept = build(source, SOURCES).cells, saved(source).cells
    assert len(built) == len(kept), f"rebuild notebook {source.number}"
    before: dict[str, str] = {}
    gathered: list[str] = []
    for fresh, cell in zip(built, kept, strict=True):
        role, items = meta(fresh).get("role"), meta(fresh).get("items", [])
        if role in ("question", "exercise"):
            for item in items:
                before.setdefault(item, "\n".join(gathered))
            gathered = []
        elif role in COURSE_TEXT:
            gathered.append(shown_text(cell))
    return before


BEFORE = {item: text for source in SOURCES for item, text in text_before_each_item(source).items()}
QUESTIONS = [tipcourse.question(item) for item in BEFORE if ".q" in item]
CHOICE = [q for q in QUESTIONS if q.type in ("single", "multiple")]


def number_words(value: int) -> set[str]:
    if value < 20:
        return {_SMALL[value]}
    if value < 100:
        tens, ones = divmod(value, 10)
        word = _TENS[tens - 2]
        return {word} if not ones else {f"{word}-{_SMALL[ones]}", f"{word} {_SMALL[ones]}"}
    return set()


def answer_forms(value) -> set[str]:
    """How a numeric or text answer would appear in the course's text (folded)."""
    if isinstance(value, bool):
        return set()
    if isinstance(value, (int, float)):
        number = float(value)
        if number == round(number):
            whole = int(round(number))
            return {str(whole), f"{whole:,}"} | number_words(abs(whole))
        forms = {f"{number:g}", f"{number:.1f}", f"{number:.2f}"}
        if 0 < abs(number) < 1:
            forms |= {f"{number * 100:g}", f"{number * 100:.1f}"}
        return forms
    if isinstance(value, str):
        return {fold(value)}
    return set()


def appears(form: str, text: str) -> bool:
    """Whether ``form`` stands in ``text`` as a whole word or number (not inside another)."""
    edge_before = r"(?<![\w.])" if form[0].isalnum() else ""
    edge_after = r"(?![\w]|\.\d)" if form[-1].isalnum() else ""
    return re.search(edge_before + re.escape(form) + edge_after, text) is not None


def answers_of(item_id: str) -> set[str]:
    if ".q" in item_id:
        found = tipcourse.question(item_id)
        if found.type == "numeric":
            return answer_forms(found.answer)
        if found.type == "text":
            return set().union(*(answer_forms(text) for text in (found.answer, *found.accept)))
        return set()
    expected = tipcourse.exercise(item_id).expected()
    if isinstance(expected, (str, int, float)) and not isinstance(expected, bool):
        return answer_forms(expected)
    return set()


def giveaways() -> list[tuple[str, str]]:
    """(item, answer form) for every typed answer the text before its item shows."""
    found = []
    for item_id, text in BEFORE.items():
        folded = fold(text)
        found += [(item_id, form) for form in sorted(answers_of(item_id)) if appears(form, folded)]
    return found


def stems(text: str) -> set[str]:
    """The content words of a text, crudely stemmed (plural and -ed/-ing endings cut)."""
    words = set()
    for word in re.findall(r"[a-z][a-z'-]+", fold(text)):
        word = word.strip("'-").removesuffix("'s")
        if len(word) < 3 or word in _STOP:
            continue
        for ending in ("ing", "ed", "es", "s"):
            if word.endswith(ending) and len(word) - len(ending) >= 4:
                word = word[: -len(ending)]
                break
        words.add(word)
    return words


def overlap(option: str, text: set[str], words=None) -> float:
    """The share of an option's content words that stand in ``text`` (a set of stems)."""
    found = (words or stems)(option)
    return len(found & text) / len(found) if found else 0.0


def right_keys(question) -> set[str]:
    answer = question.answer
    return set(map(str, answer)) if isinstance(answer, (tuple, list)) else {str(answer)}


def word_measure(questions=None, before=None, words=None) -> tuple[float, float, float, int]:
    """(picks right, picks right by chance, share of pairs favouring the right option, pairs)
    for ``questions`` (default: the choice questions) with the text ``before`` each, their
    content ``words`` found by a language's stemmer (default: English's, :func:`stems`)."""
    questions, before, words = questions or CHOICE, before or BEFORE, words or stems
    picks = chance = favoured = 0.0
    pairs = 0
    for question in questions:
        text = words(before[question.id])
        scores = {option.key: overlap(option.text, text, words) for option in question.options}
        right = right_keys(question)
        if question.type == "single":
            best = [key for key, score in scores.items() if score == max(scores.values())]
            picks += len(right & set(best)) / len(best)
            chance += 1 / len(scores)
        for key in right:
            for other in set(scores) - right:
                pairs += 1
                favoured += (
                    1.0
                    if scores[key] > scores[other]
                    else (0.5 if scores[key] == scores[other] else 0.0)
                )
    return picks, chance, favoured / pairs, pairs


# -- the measures ---------------------------------------------------------------------------------


def test_every_question_and_exercise_is_measured():
    """Every question and exercise of the bank is asked in a notebook, so the measure sees each
    with the text before it."""
    bank = {item.id for item in tipcourse.questions()} | {e.id for e in tipcourse.exercises()}
    assert bank == set(BEFORE)
    assert len(CHOICE) >= 25


def test_no_typed_answer_stands_in_the_text_before_its_item():
    """A numeric or text answer is found in the reading or computed, never printed above it."""
    assert giveaways() == []


def test_the_text_before_a_choice_question_does_not_point_to_its_key():
    """Matching the options' words to the commentary above does no better than chance."""
    picks, chance, pair_share, pairs = word_measure()
    assert pair_share <= MAX_PAIR_SHARE, (pair_share, pairs)
    assert picks <= chance * MAX_PICKS_OVER_CHANCE, (picks, chance)


# -- the report's own words ------------------------------------------------------------------------


#: The line under a reading that says where it comes from.
CITATION = re.compile(r"^— tip report 2012, mexico, [a-z ]+, paragraphs? [\d, –-]+$")


def report_text() -> str:
    return fold(" ".join(s.text for s in tipcourse.load_report().sections.values()))


@pytest.mark.parametrize("source", SOURCES, ids=[s.number for s in SOURCES])
def test_a_reading_cell_shows_only_the_reports_words(source):
    """What the measure leaves out as the report's own text is the report's text."""
    report = report_text()
    built, kept = build(source, SOURCES).cells, saved(source).cells
    for fresh, cell in zip(built, kept, strict=True):
        if meta(fresh).get("role") != "reading":
            continue
        for output in cell.get("outputs", []):
            text = output.get("text", "") or output.get("data", {}).get("text/plain", "")
            for line in text.splitlines():
                line = fold(line.strip().strip('"“”'))
                if line and not CITATION.match(line):
                    assert line in report, (source.number, line)


# -- the measure itself --------------------------------------------------------------------------


def test_the_measure_finds_an_answer_printed_above_its_question():
    """89 in a table, eighteen in words, a text answer in bold: each is found; 890 is not."""
    assert appears("89", fold("| victims | 89 |")) and not appears("89", "890 and 8.9")
    assert appears("eighteen", fold("Eighteen states")) and "eighteen" in answer_forms(18)
    assert appears("complicit", fold("officials were **complicit**"))
    assert answer_forms(0.714) >= {"0.714", "71.4"}


def test_the_word_measure_favours_an_option_whose_words_are_above_it():
    """An option repeated in the text scores more than one whose words are not there."""
    text = stems("The reforms raised trafficking to a serious crime and allowed detention.")
    assert overlap("It raised trafficking to a serious crime", text) > overlap(
        "It created a new federal police unit", text
    )


# -- handouts ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def handouts(tmp_path_factory):
    """Every notebook assigned with all its items graded, sealed: the student versions."""
    from tipcourse.instructor._assign import assign

    out = tmp_path_factory.mktemp("handouts")
    assign(out, notebooks=[source.number for source in SOURCES if source.number != "00"])
    return {
        path.name: nbformat.read(path, as_version=4)
        for path in sorted((out / "student").glob("*.ipynb"))
    }


def graded_id(cell) -> str | None:
    found = meta(cell)
    return found.get("question") or found.get("exercise") if found.get("role") == "answer" else None


def test_no_handout_shows_a_graded_items_answer_after_it(handouts):
    """The discussion that follows an item in the course is kept for the key, not handed out."""
    found = []
    for name, notebook in handouts.items():
        for index, cell in enumerate(notebook.cells):
            item_id = graded_id(cell)
            if not item_id:
                continue
            after = fold(
                "\n".join(
                    shown_text(later)
                    for later in notebook.cells[index + 1 :]
                    if meta(later).get("role") != "answer"
                )
            )
            forms = answers_of(item_id)
            if ".q" in item_id and tipcourse.question(item_id).type in ("single", "multiple"):
                question = tipcourse.question(item_id)
                forms |= {
                    fold(option.text)
                    for option in question.options
                    if option.key in right_keys(question) and len(option.text) > 25
                }
            found += [(name, item_id, form) for form in sorted(forms) if appears(form, after)]
    assert found == []


def test_a_discussion_is_in_the_key_and_not_in_the_handout(tmp_path):
    """assign leaves out of the student notebook a discussion of a graded item, keeps it in the key."""
    from tipcourse.instructor._assign import assign

    discussions = [
        cell for cell in build(SOURCES[4], SOURCES).cells if meta(cell).get("role") == "discussion"
    ]
    assert discussions, "notebook 04 discusses its items after them"
    item = meta(discussions[0])["items"][0]
    assign(tmp_path, items=[item])
    name = SOURCES[4].notebook_name
    student = nbformat.read(tmp_path / "student" / name, as_version=4)
    key = nbformat.read(tmp_path / "key" / name, as_version=4)
    assert discussions[0].source not in [cell.source for cell in student.cells]
    assert discussions[0].source in [cell.source for cell in key.cells]


def test_a_handout_that_leaves_out_a_discussion_still_runs():
    """Code shown in a discussion defines no name that a later cell of the notebook uses, so a
    handout without it runs top to bottom."""
    import ast

    found = []
    for source in SOURCES:
        defined_in_discussion: set[str] = set()
        defined_elsewhere: set[str] = set()
        for cell in build(source, SOURCES).cells:
            if cell.cell_type != "code" or "BEGIN SOLUTION" in cell.source:
                continue
            tree = ast.parse(cell.source)
            stored = {
                node.id
                for node in ast.walk(tree)
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
            }
            stored |= {
                node.name
                for node in ast.walk(tree)
                if isinstance(node, (ast.FunctionDef, ast.ClassDef))
            }
            loaded = {
                node.id
                for node in ast.walk(tree)
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
            }
            if meta(cell).get("discusses"):
                defined_in_discussion |= stored
            else:
                found += [
                    (source.number, name)
                    for name in (loaded - stored) & (defined_in_discussion - defined_elsewhere)
                ]
                defined_elsewhere |= stored
    assert found == []


def test_every_question_is_discussed_after_it_is_tried():
    """Each question a notebook shows on its own has a discussion after it (the final quiz of
    notebook 07 relies on each item's explanation, shown after an attempt)."""
    missing = []
    for source in SOURCES:
        cells = build(source, SOURCES).cells
        discussed = {
            item
            for cell in cells
            if meta(cell).get("role") == "discussion"
            for item in meta(cell)["items"]
        }
        for position, cell in enumerate(cells):
            if meta(cell).get("role") == "question" and "tipcourse.show(" in cell.source:
                later = {
                    item
                    for after in cells[position:]
                    if meta(after).get("role") == "discussion"
                    for item in meta(after)["items"]
                }
                missing += [item for item in meta(cell)["items"] if item not in later]
        assert discussed  # every notebook discusses something
    assert missing == []
