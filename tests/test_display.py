"""Static displays: Markdown and text that show a question anywhere, the same on every run, and
readings of the report quoted with their source."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

import tipcourse
from tipcourse.engine._questions import Option, Question
from tipcourse.views import display

ADDRESS = re.compile(r"0x[0-9a-fA-F]{4,}")
UUID_LIKE = re.compile(
    r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)
TIME_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\b\d{1,2}:\d{2}:\d{2}\b")


def option_texts(question: Question) -> list[str]:
    """What a learner reads as the options: the texts, or True and False."""
    if question.type == "truefalse":
        return ["True", "False"]
    return [option.text for option in question.options]


@pytest.mark.parametrize("question", tipcourse.questions(), ids=lambda q: q.id)
def test_static_forms_hold_prompt_options_and_answer_code(question):
    """Markdown and text of every question hold its prompt, each option and answer_code()."""
    shown = tipcourse.show(question)
    for form in (shown.markdown(), shown.text()):
        assert question.prompt in form
        assert all(text in form for text in option_texts(question))
        assert any(line.strip() == question.answer_code() for line in form.splitlines())
        assert f"tipcourse.question({question.id!r}).show_evidence()" in form
        assert (f"tipcourse.question({question.id!r}).hint()" in form) == bool(question.hints)


def test_the_quiz_static_forms_hold_every_question():
    """A quiz's Markdown and text hold each question's prompt, options and answer code."""
    quiz = tipcourse.quiz("protection")
    questions = tipcourse.questions("protection")
    for form in (quiz.markdown(), quiz.text()):
        assert form.count(tipcourse.load_report().sections["protection"].title) >= len(questions)
        for question in questions:
            assert question.prompt in form
            assert all(text in form for text in option_texts(question))
            assert question.answer_code() in form
        assert f"Question {len(questions)} of {len(questions)}" in form


def test_options_appear_as_listed_for_every_learner():
    """The static options read a), b), c), ... top to bottom, whoever the learner is."""
    question = next(q for q in tipcourse.questions() if q.type == "single")
    for learner in ("ana", "luis"):
        tipcourse.set_learner(learner)
        text = tipcourse.show(question).text()
        positions = [text.index(f"  {o.key}) {o.text}") for o in question.options]
        assert positions == sorted(positions)
        assert [o.key for o in question.options] == ["a", "b", "c", "d"][: len(question.options)]


def test_markdown_escapes_formatting_in_bank_text():
    """Asterisks, underscores and angle brackets in bank text do not become formatting."""
    question = Question(
        id="prosecution.t10",
        section="prosecution",
        type="single",
        prompt="Is *this* <b>bold</b> or _not_?",
        answer="a",
        points=1,
        skill="remember",
        hints=(),
        explanation="It is not.",
        evidence=(tipcourse.load_report().sections["prosecution"].sentences[0],),
        options=(Option("a", "[a link](x)"), Option("b", "`code`", "No.")),
    )
    markdown = tipcourse.show(question).markdown()
    assert r"Is \*this\* \<b\>bold\</b\> or \_not\_?" in markdown
    assert r"\[a link\](x)" in markdown and r"\`code\`" in markdown
    assert "Is *this* <b>bold</b> or _not_?" in tipcourse.show(question).text()


def test_static_forms_hold_no_addresses_ids_or_times():
    """No memory addresses, uuid-like ids or clock times in any static form or repr."""
    shown = [tipcourse.show(q) for q in tipcourse.questions()] + [tipcourse.quiz(None)]
    for item in shown:
        for form in (item.markdown(), item.text(), repr(item), str(item)):
            assert not ADDRESS.search(form)
            assert not UUID_LIKE.search(form)
            assert not TIME_LIKE.search(form)


FORMS = """
import json, tipcourse
forms = {q.id: tipcourse.show(q)._repr_mimebundle_() for q in tipcourse.questions()}
forms["quiz"] = tipcourse.quiz("prosecution")._repr_mimebundle_()
forms["all"] = tipcourse.quiz(None)._repr_mimebundle_()
print(json.dumps(forms, sort_keys=True, ensure_ascii=False))
"""


def test_static_forms_are_byte_identical_in_fresh_processes(tmp_path):
    """Two fresh processes, with different hash seeds, print the very same bundles."""
    outputs = []
    for seed in ("1", "2"):
        environment = {
            **os.environ,
            "PYTHONHASHSEED": seed,
            "TIPCOURSE_LEARNER": "learner-a",
            "TIPCOURSE_HOME": str(tmp_path / "home"),
        }
        result = subprocess.run(
            [sys.executable, "-c", FORMS], capture_output=True, env=environment, check=True
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    bundles = json.loads(outputs[0])
    assert all(set(bundle) == {"text/plain", "text/markdown"} for bundle in bundles.values())


def test_spanish_static_forms():
    """With Spanish chosen, the instructions and headings of the static forms are Spanish."""
    tipcourse.set_language("es")
    text = tipcourse.quiz("prosecution").text()
    assert "Cuestionario: Procesamiento judicial" in text and "Pregunta 1 de" in text
    assert "Para responder con código" in text


def test_show_takes_an_id_and_quiz_takes_a_list():
    """show("id") finds the question; quiz([...]) takes questions or ids in the order given."""
    first, second = tipcourse.questions()[:2]
    assert tipcourse.show(first.id).question == first
    quiz = tipcourse.quiz([second.id, first])
    assert [state.question for state in quiz.state.states] == [second, first]
    with pytest.raises(ValueError, match="prosecution"):
        tipcourse.quiz("no-such-section")


NOTEBOOK_CELLS = [
    "import tipcourse",
    "tipcourse.quiz('prosecution')",
    "tipcourse.show('prosecution.q02')",
    "from IPython.display import display\ndisplay(tipcourse.show('protection.q01'))",
]


def test_saved_outputs_pass_nbval_strict_comparison_on_a_second_run(tmp_path):
    """A notebook executed in a real kernel, then re-run by nbval, compares equal.

    The widget view's model_id differs between runs; nbval skips that MIME type by default,
    and the text/plain and text/markdown forms must match exactly. Both kernels inherit the
    same TIPCOURSE_LEARNER (set by conftest), so the options come in the same order.
    """
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = [output for cell in notebook.cells for output in cell.outputs]
    widget_outputs = [output for output in outputs if display.WIDGET_VIEW in output.get("data", {})]
    assert len(widget_outputs) == 3
    assert all({"text/plain", "text/markdown"} <= set(output["data"]) for output in widget_outputs)
    path = tmp_path / "quiz.ipynb"
    nbformat.write(notebook, path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "-p",
            "no:cacheprovider",
            "-q",
            str(path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


# -- readings: the report's own paragraphs, quoted with their source -----------------------------


def test_a_reading_quotes_one_paragraph_with_its_source():
    """reading(section, n) quotes paragraph n (from 1) and cites report, country, section and n."""
    report = tipcourse.load_report()
    reading = tipcourse.reading("prosecution", 2)
    paragraph = report.sections["prosecution"].paragraphs[1]
    assert reading.text() == (
        f"{paragraph}\n  — TIP Report 2012, Mexico, {report.sections['prosecution'].title}, paragraph 2"
    )
    markdown = reading._repr_markdown_()
    assert markdown.startswith("> ") and markdown.endswith(
        f"> — *TIP Report 2012, Mexico, {report.sections['prosecution'].title}, paragraph 2*"
    )


def test_a_whole_section_or_a_list_of_paragraphs():
    """Without a number the whole section is quoted; a list quotes those paragraphs in order."""
    report = tipcourse.load_report()
    whole = tipcourse.reading("protection")
    assert [text for _, text in whole.paragraphs] == list(report.sections["protection"].paragraphs)
    assert [number for number, _ in tipcourse.reading("protection", [3, 1]).paragraphs] == [2, 0]


def test_markdown_characters_in_the_report_are_not_formatting():
    """Asterisks or underscores in the text would turn into emphasis; they are escaped."""
    reading = tipcourse.reading("overview")
    reading.paragraphs = [(0, "a *starred* word_with_underscores")]
    assert "\\*starred\\* word\\_with\\_underscores" in reading.markdown()


@pytest.mark.parametrize(
    "section, paragraph, words",
    [
        ("prosecution", 9, "paragraphs 1 to 5"),
        ("prosecution", 0, "no paragraph 0"),
        ("crime", None, "use one of overview"),
    ],
)
def test_a_wrong_section_or_paragraph_says_what_exists(section, paragraph, words):
    """A mistyped section or an out-of-range paragraph names the valid choices."""
    with pytest.raises(ValueError, match=words):
        tipcourse.reading(section, paragraph)


def test_readings_follow_the_interface_language():
    """The citation line is interface text, so it follows set_language (the quote does not), and
    a Spanish reading adds the course's translation under the report's English."""
    english = tipcourse.reading("prevention").text()
    tipcourse.set_language("es")
    try:
        spanish = tipcourse.reading("prevention").text()
    finally:
        tipcourse.set_language("en")
    assert "TIP Report 2012, Mexico" in english and "Traducción" not in english
    assert "Informe TIP 2012, México" in spanish
    assert spanish.startswith(english.split("\n")[0])  # the report's own words first
    assert "Traducción propia del curso, no oficial: Los gobiernos federal" in spanish


@pytest.mark.parametrize("named", [False, True])
def test_pandas_tables_have_no_empty_header_cell(named):
    """A table's empty header cells (above the index, beside an index's name) become data
    cells; every header and value is still there (axe-core: empty-table-header)."""
    from tipcourse.views.kernel import table_html

    frame = tipcourse.budget()
    frame = frame.set_index("stage") if named else frame
    shown = table_html(frame)
    assert "<th></th>" in frame._repr_html_()
    assert "<th></th>" not in shown
    assert shown.replace("<td></td>", "<th></th>") == frame._repr_html_()


def test_the_course_notebooks_show_no_empty_table_header():
    """Run in a kernel, the course's tables carry no empty header cell, in both editions."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "notebooks"
    tables = 0
    for path in sorted(root.glob("*.ipynb")) + sorted(root.glob("es/*.ipynb")):
        for cell in json.loads(path.read_text("utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                html = "".join(output.get("data", {}).get("text/html", []))
                if "<table" in html:
                    tables += 1
                    assert "<th></th>" not in html, path.name
    assert tables > 40
