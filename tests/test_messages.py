"""The message catalogue: English and Spanish match, and no interface text lives outside it."""

from __future__ import annotations

import ast
import json
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

import tipcourse
from tipcourse.report import messages
from tipcourse.report.messages import message

PACKAGE = Path(tipcourse.__file__).resolve().parent
LOCALES = PACKAGE / "locales"
# Sinks whose positional arguments a learner reads.
PRINTING = {"print", "input", "warn", "exit"}
# Keyword arguments that are interface text on any call (widgets, argparse).
TEXT_KEYWORDS = {"description", "placeholder", "tooltip", "help"}
WIDGET_MODULES = {"widgets", "ipywidgets"}


def load(language: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{language}.json").read_text("utf-8"))


def placeholders(template: str) -> set[str]:
    """The names of a template's ``{fields}``, without conversions or format specs."""
    return {
        re.split(r"[.\[]", name)[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name is not None
    }


def package_sources() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if path.name != "messages.py")


# -- the catalogues -----------------------------------------------------------------------------


def test_both_catalogues_have_exactly_the_same_keys():
    """Every message exists in English and in Spanish."""
    english, spanish = load("en"), load("es")
    assert sorted(set(english) - set(spanish)) == []
    assert sorted(set(spanish) - set(english)) == []


def test_catalogues_are_valid_templates_with_the_same_placeholders():
    """Each key has the same {names} in both languages, so filling one never breaks the other."""
    english, spanish = load("en"), load("es")
    differing = {
        key: (sorted(placeholders(text)), sorted(placeholders(spanish[key])))
        for key, text in english.items()
        if key in spanish and placeholders(text) != placeholders(spanish[key])
    }
    assert differing == {}


def test_no_catalogue_entry_is_empty_or_untranslated():
    """Every text has words, and the progress and command-line texts differ in Spanish."""
    english, spanish = load("en"), load("es")
    assert [key for key, text in {**english, **spanish}.items() if not text.strip()] == []
    same = [
        key
        for key in english
        if key.startswith(("progress.", "cli.")) and english[key] == spanish[key]
    ]
    assert same == []


def _calls(tree: ast.AST):
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def test_every_message_key_used_in_the_package_exists_in_both_languages():
    """Literal keys passed to message(...) exist; a key built from a prefix has entries under it."""
    english, spanish = load("en"), load("es")
    missing, prefixes = [], []
    for path in package_sources():
        for call in _calls(ast.parse(path.read_text("utf-8"))):
            if _callee(call) not in {"message", "InputError"} or not call.args:
                continue
            key = call.args[0]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                if key.value not in english or key.value not in spanish:
                    missing.append(f"{path.name}:{call.lineno} {key.value}")
            elif isinstance(key, ast.JoinedStr) and isinstance(key.values[0], ast.Constant):
                prefixes.append((path, call.lineno, key.values[0].value))
            elif isinstance(key, ast.BinOp) and isinstance(key.left, ast.Constant):
                prefixes.append((path, call.lineno, key.left.value))
    assert missing == []
    for path, line, prefix in prefixes:
        assert any(name.startswith(prefix) for name in english), f"{path.name}:{line} {prefix}"
    assert len(prefixes) >= 2  # outcome labels and progress sections are built from prefixes


# -- choosing the language ----------------------------------------------------------------------


def test_set_language_switches_to_spanish_and_back():
    """tipcourse.set_language("es") shows Spanish; "en" goes back to English."""
    tipcourse.set_language("es")
    assert message("progress.title", learner="ana") == "Progreso de ana"
    tipcourse.set_language("en")
    assert message("progress.title", learner="ana") == "Progress of ana"


def test_tipcourse_lang_chooses_spanish(monkeypatch):
    """TIPCOURSE_LANG=es (or es_MX) chooses Spanish without any call."""
    monkeypatch.setenv("TIPCOURSE_LANG", "es_MX.UTF-8")
    assert message("progress.column.section") == "Sección"


@pytest.mark.parametrize("tag", ["es", "es-MX", "ES-mx", "es_MX", "es_MX.UTF-8", "es_MX@euro"])
def test_tipcourse_lang_reads_locale_names_and_bcp47_tags(monkeypatch, tag):
    """TIPCOURSE_LANG in the POSIX form (es_MX.UTF-8) or the BCP-47 form (es-MX) chooses Spanish."""
    monkeypatch.setenv("TIPCOURSE_LANG", tag)
    assert messages.get_language() == "es"
    assert message("progress.column.section") == "Sección"


@pytest.mark.parametrize("tag", ["es-MX", "ES_mx"])
def test_set_language_reads_bcp47_tags(tag):
    """set_language("es-MX") chooses Spanish, as TIPCOURSE_LANG does."""
    try:
        tipcourse.set_language(tag)
        assert messages.get_language() == "es"
    finally:
        tipcourse.set_language("en")


def test_tipcourse_lang_in_a_new_process():
    """A fresh Python process with TIPCOURSE_LANG=es speaks Spanish from the start."""
    code = "from tipcourse.report.messages import message; print(message('progress.column.score'))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"TIPCOURSE_LANG": "es", "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "Puntuación"


def test_an_unknown_language_gives_a_clear_error():
    """set_language("fr") says which languages there are, and the language does not change."""
    with pytest.raises(ValueError, match=r"'fr'.*en, es"):
        tipcourse.set_language("fr")
    assert messages.get_language() == "en"


# -- no interface text outside the catalogue ----------------------------------------------------


def _text_in(node: ast.AST) -> list[str]:
    """The literal words an expression would show: constants and f-string parts with letters.

    HTML tags, format specs and {placeholders} are not words; names, calls (such as message())
    and subscripts (dictionary keys) are not literals.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        literal = node.value
    elif isinstance(node, ast.JoinedStr):
        literal = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    elif isinstance(node, ast.BinOp):
        return _text_in(node.left) + _text_in(node.right)
    elif isinstance(node, ast.IfExp):
        return _text_in(node.body) + _text_in(node.orelse)
    elif isinstance(node, ast.Call) and _callee(node) in {"format", "join"}:
        return _text_in(node.func.value) if isinstance(node.func, ast.Attribute) else []
    else:
        return []
    words = re.sub(r"<[^>]*>|&\w+;|%\(\w+\)\w", "", literal)
    return [literal] if re.search(r"[^\W\d_]", words) else []


def hard_coded_strings(source: str) -> list[tuple[int, str]]:
    """Interface text in code: shown by print/input/warn/exit, or given to a widget or parser."""
    tree = ast.parse(source)
    widget_names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "ipywidgets"
        for alias in node.names
    }
    found = []
    for call in _calls(tree):
        func = call.func
        shown: list[ast.AST] = []
        writes_to_terminal = (
            _callee(call) == "write"
            and isinstance(func, ast.Attribute)
            and (getattr(func.value, "attr", "") in {"stdout", "stderr"})
        )
        if _callee(call) in PRINTING or writes_to_terminal:
            shown += call.args
        is_widget = (
            isinstance(func, ast.Attribute) and getattr(func.value, "id", "") in WIDGET_MODULES
        ) or (isinstance(func, ast.Name) and func.id in widget_names)
        if is_widget:
            shown += call.args
        for keyword in call.keywords:
            if keyword.arg in TEXT_KEYWORDS or (is_widget and keyword.arg == "value"):
                shown.append(keyword.value)
        found += [(call.lineno, text) for node in shown for text in _text_in(node)]
    return found


VIOLATIONS = """
import warnings, sys
import ipywidgets as widgets
from ipywidgets import Button
print("Your answer was saved")
print(f"Score: {score}")
print("Score " + str(score))
input("Type yes: ")
warnings.warn("progress lost")
sys.stderr.write("oops\\n")
sys.exit("Installation failed")
widgets.Label(value="Answered")
widgets.Label("Answered")
Button(description="Check")
widgets.Text(placeholder="your answer")
parser.add_argument("--x", help="what x does")
widgets.HTML(value="<b>Progress</b>")
print("yes" if ok else "no")
print("{} answered".format(count))
"""

ALLOWED = '''
"""A docstring with words."""
import ipywidgets as widgets
print(message("progress.title", learner=name))
print(f"{head}: {body}")
print(f"{value:>12,d} {share:.0%}")
print(" | ".join(cells))
print(meta["title"])
print()
print(error, file=sys.stderr)
widgets.HTML(value=f"<strong>{html.escape(title)}</strong>")
widgets.FloatProgress(value=score, description=message("section.overview"))
connection.execute("SELECT learner FROM attempts WHERE learner = ?")
frame = pd.DataFrame(rows, columns=["learner", "item_id"])
table = {"overview": "Country profile"}
raise ValueError("developer message")
'''


def test_the_hard_coded_text_scan_finds_each_kind_of_violation():
    """The scan flags each line of the sample of violations, and nothing in the allowed sample."""
    flagged_lines = {line for line, _ in hard_coded_strings(VIOLATIONS)}
    expected = {
        number
        for number, line in enumerate(VIOLATIONS.splitlines(), 1)
        if "(" in line and "import" not in line
    }
    assert flagged_lines == expected
    assert hard_coded_strings(ALLOWED) == []


def test_no_interface_string_is_hard_coded_outside_the_catalogue():
    """Across the whole package, text shown to learners comes from message(), not from code."""
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {text!r}"
        for path in package_sources()
        for line, text in hard_coded_strings(path.read_text("utf-8"))
    ]
    assert found == []
