"""The Spanish course: each source in ``course/es/`` is its English twin's structure, code and
numbers, in Spanish words held to the terminology table (``-k NN`` checks one notebook).

A Spanish source keeps every fence, ``+++`` line and heading of its twin, copies the readings
exactly (the build adds the course's translation under them), and runs the same program: only
comments and the labels a ``print`` shows may change.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
import test_read_then_answer as measure
import yaml
from test_spanish import avoided, english_left, fold, numbers

from tipcourse.engine._questions import QUESTIONS as QUESTION_BANK
from tipcourse.engine._translation import without_docstrings
from tipcourse.views.authoring import build, read_sources
from tipcourse.views.start import course_notebooks, default_workspace

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = sorted((ROOT / "course").glob("[0-9][0-9]-*.md"))
NUMBERS = [path.name[:2] for path in ENGLISH]
FENCE = re.compile(r"^```")
BREAK = re.compile(r"^\+\+\+")
HEADING = re.compile(r"^(#+) ")


def twin(path: Path) -> Path:
    return path.parent / "es" / path.name


def split(path: Path) -> tuple[dict, list[str]]:
    """The front matter and the body's lines of a source."""
    text = path.read_text("utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body.splitlines()


def skeleton(lines: list[str]) -> list[str]:
    """The lines that give a source its cells: fences, breaks and heading levels."""
    shape = []
    for line in lines:
        if FENCE.match(line) or BREAK.match(line):
            shape.append(line.strip())
        elif heading := HEADING.match(line):
            shape.append(heading.group(1))
    return shape


def blocks(lines: list[str]) -> list[tuple[str, str]]:
    """(fence info, code) of every fenced block, in order."""
    found, info, code = [], None, []
    for line in lines:
        if FENCE.match(line):
            if info is None:
                info, code = line[3:].strip(), []
            else:
                found.append((info, "\n".join(code)))
                info = None
        elif info is not None:
            code.append(line)
    return found


def prose(lines: list[str]) -> list[str]:
    """The text outside fenced blocks, one chunk between each two structural lines."""
    chunks, current, inside = [], [], False
    for line in lines:
        if FENCE.match(line):
            inside = not inside
            chunks.append("\n".join(current))
            current = []
        elif BREAK.match(line) or HEADING.match(line):
            chunks.append("\n".join(current))
            current = [HEADING.sub("", line)]
        elif not inside:
            current.append(line)
    chunks.append("\n".join(current))
    return chunks


class _Labels(ast.NodeTransformer):
    """Blanks the strings a reader only sees as labels: arguments of ``print`` (and the text
    parts of f-strings there) and the values of a dict written out in the code (a table of
    texts to show); keys and every other string stay, since code reads them as data."""

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        self.generic_visit(node)
        node.values = [_blank(value) for value in node.values]
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "print":
            node.args = [_blank(argument) for argument in node.args]
        for keyword in node.keywords:  # a chart's words: charts.bar(..., title="...")
            if keyword.arg in CHART_WORDS:
                keyword.value = _blank(keyword.value)
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        """What a function written in the notebook returns as text is shown, not read."""
        self.generic_visit(node)
        if node.value is not None:
            node.value = _blank(node.value)
        return node


#: The keyword arguments whose strings a chart shows: translated like print labels.
CHART_WORDS = {"title", "xlabel", "ylabel", "describe", "label"}


def _blank(node: ast.expr) -> ast.expr:
    """Text a reader sees, blanked: a string, the text parts of an f-string, and the strings of
    a choice (``a if test else b``) or a sum of strings."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return ast.Constant("")
    if isinstance(node, ast.JoinedStr):
        node.values = [part for part in node.values if not isinstance(part, ast.Constant)]
    elif isinstance(node, ast.IfExp):
        node.body, node.orelse = _blank(node.body), _blank(node.orelse)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        node.left, node.right = _blank(node.left), _blank(node.right)
    return node


def program(code: str) -> str:
    """The program a code block runs, without comments, docstrings and print labels."""
    return ast.dump(without_docstrings(_Labels().visit(ast.parse(code))))


_URL = re.compile(r"\]\([^)]*\)")


def test_every_notebook_has_a_spanish_source():
    assert [twin(path).exists() for path in ENGLISH] == [True] * len(ENGLISH)


@pytest.mark.parametrize("number", NUMBERS)
def test_the_spanish_source_has_its_twins_structure(number):
    english = next(path for path in ENGLISH if path.name.startswith(number))
    (front, lines), (front_es, lines_es) = split(english), split(twin(english))
    assert set(front_es) == set(front)
    for key, value in front.items():
        if isinstance(value, list):
            assert len(front_es[key]) == len(value), key
            assert all(isinstance(entry, str) for entry in front_es[key]), (key, "quote a colon")
        elif key == "reflection":
            assert front_es[key] == value
    assert skeleton(lines_es) == skeleton(lines)


@pytest.mark.parametrize("number", NUMBERS)
def test_the_spanish_source_runs_the_same_code(number):
    english = next(path for path in ENGLISH if path.name.startswith(number))
    pairs = zip(blocks(split(english)[1]), blocks(split(twin(english))[1]), strict=True)
    for (info, code), (info_es, code_es) in pairs:
        assert info_es == info
        if info == "python reading" or not info.startswith("python"):
            assert code_es == code, "a reading and a directive are copied exactly"
        else:
            assert program(code_es) == program(code), code


@pytest.mark.parametrize("number", NUMBERS)
def test_the_spanish_text_gives_the_same_numbers(number):
    english = next(path for path in ENGLISH if path.name.startswith(number))
    (front, lines), (front_es, lines_es) = split(english), split(twin(english))
    for key in ("title", "learn", "need", "key_points"):
        assert numbers(str(front_es[key])) == numbers(str(front[key])), key
    for chunk, chunk_es in zip(prose(lines), prose(lines_es), strict=True):
        assert numbers(_URL.sub("]", chunk_es)) == numbers(_URL.sub("]", chunk)), chunk[:200]


@pytest.mark.parametrize("number", NUMBERS)
def test_the_spanish_text_uses_the_terminology_and_no_english(number):
    english = next(path for path in ENGLISH if path.name.startswith(number))
    front_es, lines_es = split(twin(english))
    texts = [str(front_es[key]) for key in ("title", "learn", "need", "key_points")]
    texts += [_URL.sub("]", chunk) for chunk in prose(lines_es)]
    words = fold(" ".join(texts))
    for form, term in avoided():
        assert not re.search(rf"\b{re.escape(fold(form))}\b", words), (form, term)
    left = [(text[:80], found) for text in texts if (found := english_left(text))]
    assert not left


def test_the_code_measure_allows_labels_and_refuses_data():
    assert program('print(len(x), "paragraphs")') == program('print(len(x), "párrafos")')
    assert program('charts.bar(s, title="Words")') == program('charts.bar(s, title="Palabras")')
    assert program('def f(n):\n    return "a" if n else "b"') == program(
        'def f(n):\n    return "x" if n else "y"'
    )
    assert program('charts.bar(s[s == "a"], title="W")') != program(
        'charts.bar(s[s == "b"], title="W")'
    )
    assert program('t[t["level"] == "state"]') != program('t[t["level"] == "estatal"]')
    assert program("# one\nx = 1") == program("# uno\nx = 1")


# -- the built Spanish notebooks ------------------------------------------------------------------

SOURCES = read_sources(ROOT / "course")
SOURCES_ES = read_sources(ROOT / "course" / "es")
by_source = pytest.mark.parametrize(
    ("source", "source_es"),
    list(zip(SOURCES, SOURCES_ES, strict=True)),
    ids=[source.number for source in SOURCES],
)


def saved(source):
    edition = "es" if source.language == "es" else ""
    return nbformat.read(ROOT / "notebooks" / edition / source.notebook_name, as_version=4)


def role(cell) -> str | None:
    return cell.metadata.get("tipcourse", {}).get("role")


def without_translations(cells):
    return [cell for cell in cells if role(cell) != "translation"]


def shown_numbers(cell) -> set[str]:
    """The numbers a code cell's saved outputs show: printed text, plain text, alt text."""
    parts = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "application/vnd.jupyter.widget-view+json" in data:
            continue  # a widget's plain text is its class name
        parts.append(output.get("text", "") or data.get("text/plain", ""))
    return numbers(" ".join(parts))


def test_the_spanish_notebooks_are_the_english_ones_by_name():
    assert [s.notebook_name for s in SOURCES_ES] == [s.notebook_name for s in SOURCES]
    committed = sorted(path.name for path in (ROOT / "notebooks" / "es").glob("*.ipynb"))
    assert committed == [source.notebook_name for source in SOURCES_ES]


@by_source
def test_each_spanish_notebook_is_built_from_its_source_and_ran_clean(source, source_es):
    notebook = saved(source_es)
    fresh = build(source_es, SOURCES_ES)
    assert [(c.cell_type, c.source) for c in without_translations(notebook.cells)] == [
        (c.cell_type, c.source) for c in fresh.cells
    ], f"run: python tools/build_notebooks.py --lang es {source.number}"
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]


@by_source
def test_a_spanish_notebook_has_its_twins_cells_items_and_numbers(source, source_es):
    """The same roles in the same order, the same items, charts and printed numbers: only the
    words differ, and the report's readings are shown with the course's translation."""
    english, spanish = saved(source).cells, without_translations(saved(source_es).cells)
    assert [role(c) for c in spanish] == [role(c) for c in english]
    for one, other in zip(english, spanish, strict=True):
        meta, meta_es = one.metadata.get("tipcourse", {}), other.metadata.get("tipcourse", {})
        assert meta_es == meta, one.source[:80]
        if one.cell_type == "code" and role(one) != "setup":
            images = [o for o in one.get("outputs", []) if "image/png" in o.get("data", {})]
            images_es = [o for o in other.get("outputs", []) if "image/png" in o.get("data", {})]
            assert len(images_es) == len(images), one.source[:80]
            assert shown_numbers(other) == shown_numbers(one), one.source[:80]


@pytest.mark.parametrize("source_es", SOURCES_ES, ids=[s.number for s in SOURCES_ES])
def test_every_printed_reading_has_the_courses_translation_under_it(source_es):
    cells = saved(source_es).cells
    for position, cell in enumerate(cells):
        printed = any(o.get("output_type") == "stream" for o in cell.get("outputs", []))
        if role(cell) == "reading" and printed:
            under = cells[position + 1]
            assert role(under) == "translation" and "no oficial" in under.source
            assert under.metadata["tipcourse"]["reading"] == cell["id"]


def test_start_in_spanish_copies_the_spanish_notebooks_into_their_own_folder():
    assert course_notebooks("es") == course_notebooks() / "es"
    assert default_workspace("es") != default_workspace("en")
    assert sorted(p.name for p in course_notebooks("es").glob("*.ipynb")) == sorted(
        p.name for p in course_notebooks().glob("*.ipynb")
    )


# -- read, then try, then discuss: in Spanish too --------------------------------------------------

SPANISH_NUMBERS = (
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
    "dieciseis diecisiete dieciocho diecinueve"
).split()
SPANISH_STOP = set(
    """el la los las un una unos unas y o u e de del al a en con por para que como su sus se es
    son fue fueron ser era eran ha han habia lo le les este esta estos estas ese esa eso esos
    esas no ni mas muy pero sino si ya tambien solo entre sobre sin hasta desde cuando donde que
    cual quien como cada otro otra otros otras mismo misma ante tras durante segun uno dos tres
    ello ella ellos ellas nos te tu tus mi mis cuyo cuya""".split()
)


def stems_es(text: str) -> set[str]:
    """The content words of a Spanish text, crudely stemmed (plural endings cut)."""
    words = set()
    for word in re.findall(r"[a-z][a-z'-]+", measure.fold(text)):
        word = word.strip("'-")
        if len(word) < 3 or word in SPANISH_STOP:
            continue
        for ending in ("es", "s"):
            if word.endswith(ending) and len(word) - len(ending) >= 4:
                word = word[: -len(ending)]
                break
        words.add(word)
    return words


def text_before_each_item_es(source_es) -> dict[str, str]:
    """For every item of a Spanish notebook, the course's own text since the previous item (the
    report's readings and their translation are what the learner answers from: left out)."""
    built, kept = build(source_es, SOURCES_ES).cells, without_translations(saved(source_es).cells)
    before: dict[str, str] = {}
    gathered: list[str] = []
    for fresh, cell in zip(built, kept, strict=True):
        role_, items = measure.meta(fresh).get("role"), measure.meta(fresh).get("items", [])
        if role_ in ("question", "exercise"):
            for item in items:
                before.setdefault(item, "\n".join(gathered))
            gathered = []
        elif role_ in measure.COURSE_TEXT:
            gathered.append(measure.shown_text(cell))
    return before


BEFORE_ES = {i: t for s in SOURCES_ES for i, t in text_before_each_item_es(s).items()}
BANK_ES = QUESTION_BANK.load(language="es")


def answers_es(item_id: str) -> set[str]:
    forms = measure.answers_of(item_id)
    if ".q" in item_id:
        question = BANK_ES[item_id]
        if question.type == "numeric" and float(question.answer).is_integer():
            value = int(question.answer)
            forms |= {SPANISH_NUMBERS[value]} if 0 <= value < 20 else set()
        if question.type == "text":
            forms |= {measure.fold(text) for text in (question.answer, *question.accept)}
    return forms


def test_no_typed_answer_stands_in_the_spanish_text_before_its_item():
    assert set(BEFORE_ES) == set(measure.BEFORE)
    found = [
        (item, form)
        for item, text in BEFORE_ES.items()
        for form in sorted(answers_es(item))
        if measure.appears(form, measure.fold(text))
    ]
    assert found == []


def test_the_spanish_text_before_a_choice_question_does_not_point_to_its_key():
    questions = [BANK_ES[question.id] for question in measure.CHOICE]
    picks, chance, share, pairs = measure.word_measure(questions, BEFORE_ES, stems_es)
    assert share <= measure.MAX_PAIR_SHARE, (share, pairs)
    assert picks <= chance * measure.MAX_PICKS_OVER_CHANCE, (picks, chance)


def test_the_spanish_course_map_and_guide_give_the_measured_times():
    """Notebook 00's map (in Spanish) and the Spanish instructor guide give each Spanish
    notebook's measured minutes and the total: a Spanish notebook has its own words to read."""
    from tipcourse.report.messages import in_language
    from tipcourse.views.authoring import workload

    course_map = next(c.source for c in saved(SOURCES_ES[0]).cells if role(c) == "course-map")
    guide = (ROOT / "docs" / "guia-docente.md").read_text("utf-8")
    total = 0
    for source in SOURCES_ES:
        with in_language("es"):
            minutes = workload(source).minutes
        total += minutes
        row = course_map.split(source.notebook_name)[1].splitlines()[0]
        assert f"| {minutes} minutos |" in row, row
        assert f"| {source.number} {source.meta['title']} | {minutes} |" in guide
    hours, minutes = divmod(total, 60)
    assert f"**{total}** (unas {hours} horas {minutes} minutos)" in guide


def test_the_readme_opens_both_editions_on_binder():
    """The README's Binder badges open notebook 00 of each edition, and the files exist."""
    readme = (ROOT / "README.md").read_text("utf-8")
    targets = re.findall(r"mybinder\.org/v2/gh/[^)\s]*\?urlpath=lab/tree/([^)\s]+)", readme)
    assert "notebooks/00-start-here.ipynb" in targets
    assert "notebooks/es/00-start-here.ipynb" in targets
    assert all((ROOT / target).is_file() for target in targets), targets
