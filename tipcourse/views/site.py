"""The course as a static website: every page read from a committed notebook, every practice
question checkable in the page by ``checker.js``, with no Python and no request outside the site.

:func:`build_site` writes, per language, an index page (what the course is, the content note, the
notebooks with their measured times, how to get them), one page per notebook and the files they
use: ``assets/`` (one classic script, two style sheets), ``figures/`` (the charts as PNG, with
their text descriptions as alt text) and ``notebooks/`` (the notebooks to download). English is
at the top of the folder and Spanish in ``es/``, as the notebooks are.

A page shows each cell by its role (:data:`RENDERERS` has one entry per role of
:data:`~tipcourse.views.authoring.ROLES`): the course's text, the report's readings, code with its
tables and charts, questions (their text form, with the code that answers them in a notebook,
which the script replaces by the question view) and code exercises read-only, with links to open
the notebook on Binder or download it. The script is written for ``file://``: no ES module and
no fetch; what a page needs is in the script or in the page's ``<script type="application/json">``.

Only practice items are published: the course's notebooks hold no graded item, and the items of
an assignment (``leave_out``) are left out with every cell that names them.
"""

from __future__ import annotations

import base64
import functools
import html
import itertools
import json
import re
import shutil
import struct
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine._questions import question as find_question
from ..engine._questions import questions as all_questions
from ..engine.session import QuestionState
from ..report._packaged import edition, packaged_folder
from ..report._parse import section_title
from ..report.messages import LANGUAGES, in_language, message, template
from ._practice import checker_words, practice_item
from ._wording import quiz_summary
from .authoring import ROLES, cell_meta, read_sources, workload
from .display import question_markdown, quiz
from .widgets import question_spec, question_status, quiz_numbers, view_labels

__all__ = [
    "BINDER",
    "LANGUAGES",
    "MARKER",
    "RENDERERS",
    "SiteError",
    "SiteUsageError",
    "build_site",
    "read_page_data",
    "script_bundle",
]

_HERE = Path(__file__).parent
#: The repository on Binder; a notebook opens at ``BINDER + "notebooks/<name>"``.
BINDER = "https://mybinder.org/v2/gh/tipcourse/tipcourse/HEAD?urlpath=lab/tree/"
#: The scripts of a page, in the order the bundle needs them.
SCRIPTS = ("question.js", "checker.js", "site.js")
#: The interface's words the page's script uses besides the view's labels and the checker's.
SCRIPT_WORDS = (
    "widget.attempts",
    "widget.no_hints",
    "widget.no_more_hints",
    "quiz.score",
    "site.progress.section",
    "site.progress.tried",
    "site.progress.correct",
    "site.progress.points",
    "site.progress.total",
    "site.progress.caption",
    "site.progress.empty",
    "site.progress.name",
    "site.progress.download",
    "site.progress.reset",
    "site.progress.reset_confirm",
    "site.progress.reset_done",
    "site.progress.downloaded",
    "site.progress.storage_off",
)
_EXPORTED = re.compile(r"^export function (\w+)", re.MULTILINE)
_EXPORT_DEFAULT = re.compile(r"^export default .*$", re.MULTILINE)
_NOTEBOOK_LINK = re.compile(r'href="(\d\d-[a-z0-9-]+)\.ipynb"')
_PAGE_DATA = re.compile(r'<script type="application/json" id="tc-page">(.*?)</script>', re.DOTALL)
_TABLE_NAME = 'data-tc-table=""'
_TABLE = re.compile(r"<table>.*?</table>", re.DOTALL)
_PANDAS_STYLE = re.compile(r"<style scoped>.*?</style>\s*", re.DOTALL)


class SiteError(ValueError):
    """The site cannot be built; the message says why and what to do."""


class SiteUsageError(SiteError):
    """The site cannot be built as asked (the folder, the language): the caller can fix it."""


def script_bundle() -> str:
    """The page's script: ``question.js``, ``checker.js`` and ``site.js`` as one classic script,
    which a page opened from ``file://`` can run (a browser loads no ES module from there). Each
    module keeps its own scope and hands on only what it exports."""
    parts = ['(function () {\n  "use strict";']
    for name in SCRIPTS:
        source = _EXPORT_DEFAULT.sub("", (_HERE / name).read_text("utf-8"))
        names = _EXPORTED.findall(source)
        body = source.replace("export function ", "function ")
        if names:
            parts.append(
                f"// ---- {name}\nconst {{ {', '.join(names)} }} = (function () {{\n{body}\n"
                f"return {{ {', '.join(names)} }};\n}})();"
            )
        else:
            parts.append(f"// ---- {name}\n{body}")
    parts.append("})();\n")
    return "\n".join(parts)


# -- Markdown and outputs --------------------------------------------------------------------


@functools.cache
def _renderer() -> Callable[[str], Any]:
    import mistune  # comes with JupyterLab (through nbconvert)

    return mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])


def _markdown(text: str) -> str:
    """The course's own Markdown as HTML (tables included), links to notebooks made links to
    their pages; HTML in the text is escaped."""
    shown = _NOTEBOOK_LINK.sub(r'href="\1.html"', str(_renderer()(text)).strip())
    return _TABLE.sub(lambda found: _table_box(found.group(0)), shown)


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _pre(text: str, kind: str) -> str:
    """Code or printed output; it wraps (site.css), so no line needs a scroll box."""
    return f'<pre class="{kind}"><code>{html.escape(text.rstrip())}</code></pre>'


def _table_box(table: str) -> str:
    """A table in a box that scrolls sideways on a narrow screen, reachable by keyboard (axe:
    scrollable-region-focusable); :func:`_numbered_tables` names each box of a page."""
    return f'<div class="tc-table" tabindex="0" role="region" {_TABLE_NAME}>{table}</div>'


def _numbered_tables(body: str) -> str:
    """Each table box of a page named "Table 1", "Table 2", ...: one name each (axe:
    landmark-unique)."""
    numbers = itertools.count(1)
    return re.sub(
        _TABLE_NAME,
        lambda _: f'aria-label="{html.escape(message("site.label.table", number=next(numbers)))}"',
        body,
    )


def _png_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height from its header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SiteError(message("site.error.not_png"))
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@dataclass
class Page:
    """One page as it is written: its body, its questions and the files it adds."""

    name: str
    language: str
    notebook: str = ""
    body: list[str] = field(default_factory=list)
    blocks: list[dict[str, Any]] = field(default_factory=list)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    figures: dict[str, bytes] = field(default_factory=dict)

    def figure(self, data: bytes, alt: str) -> str:
        """A chart: its PNG file and an ``<img>`` with its description as alt text."""
        name = f"{self.name}-{len(self.figures) + 1}.png"
        self.figures[name] = data
        width, height = _png_size(data)
        return (
            f'<figure class="tc-figure"><img src="figures/{name}" width="{width}" '
            f'height="{height}" alt="{html.escape(" ".join(alt.split()))}"></figure>'
        )

    def output(self, output: dict[str, Any]) -> str:
        """One output of a code cell, in the richest form a page can show without a kernel."""
        if output.get("output_type") == "stream":
            return _pre(_text(output.get("text", "")), "tc-output")
        data = output.get("data", {})
        if "image/png" in data:
            return self.figure(
                base64.b64decode(_text(data["image/png"])), _text(data["text/plain"])
            )
        if "text/html" in data:
            table = _PANDAS_STYLE.sub("", _text(data["text/html"]))
            return _table_box(table)
        if "text/markdown" in data:
            return f'<div class="tc-rendered">{_markdown(_text(data["text/markdown"]))}</div>'
        if "text/plain" in data:
            return _pre(_text(data["text/plain"]), "tc-output")
        return ""

    def notebook_links(self, lead: str) -> str:
        """``lead``, then where to run the notebook: Binder, or a download."""
        binder = html.escape(BINDER + _notebook_folder(self.language) + self.notebook)
        return (
            f'<p class="tc-run">{html.escape(lead)} '
            f'<a href="{binder}">{html.escape(message("site.exercise.binder"))}</a> · '
            f'<a href="notebooks/{self.notebook}" download>'
            f"{html.escape(message('site.exercise.download'))}</a></p>"
        )

    def add_item(self, question: Any) -> None:
        """What the page's script needs of a practice question: how to check it (the key
        included: a practice item's key is no secret), its hints and evidence as the widget
        shows them, its section and points."""
        state = QuestionState(question)
        while state.next_hint() is not None:
            pass
        state.show_evidence()
        shown = question_status(state, 0, "")
        self.items[question.id] = {
            "check": practice_item(question),
            "hints": shown["hints"],
            "evidence": shown["evidence"],
            "section": question.section,
            "points": float(question.points),
        }


# -- cells by role ------------------------------------------------------------------------------


def _named(cell: dict[str, Any]) -> set[str]:
    """Every item id a cell's metadata names."""
    meta = cell_meta(cell)
    found = set(meta.get("items", []))
    found |= {
        meta[key] for key in ("exercise", "written", "discusses") if isinstance(meta.get(key), str)
    }
    return found


def _markdown_cell(page: Page, cell: dict[str, Any]) -> str:
    return f'<div class="tc-prose">{_markdown(_text(cell["source"]))}</div>'


def _discussion(page: Page, cell: dict[str, Any]) -> str:
    return f'<div class="tc-discussion">{_markdown(_text(cell["source"]))}</div>'


def _nothing(page: Page, cell: dict[str, Any]) -> str:
    return ""


def _code(page: Page, cell: dict[str, Any]) -> str:
    """Code and its outputs; the progress dashboard becomes the page's own progress view."""
    source = _text(cell["source"])
    if source.strip() == "tipcourse.progress()":
        return '<div class="tc-progress-here"></div>'
    shown = [_pre(source, "tc-code")]
    shown += [page.output(output) for output in cell.get("outputs", [])]
    return f'<div class="tc-cell">{"".join(shown)}</div>'


def _question(page: Page, cell: dict[str, Any]) -> str:
    """A question or a quiz: its text form, which the script replaces by the question view."""
    ids = cell_meta(cell).get("items", [])
    found = [find_question(item) for item in ids]
    for question in found:
        page.add_item(question)
    if _text(cell["source"]).lstrip().startswith("tipcourse.quiz("):
        shown = quiz(found)
        block: dict[str, Any] = {
            "title": shown.title,
            "summary": quiz_summary(shown.state)[0],
            "numbers": quiz_numbers(len(found)),
        }
        text = shown.markdown()
        states = shown.state.states
    else:
        states = [QuestionState(question) for question in found]
        block = {"title": "", "summary": "", "numbers": [""] * len(found)}
        text = "\n\n".join(question_markdown(state) for state in states)
    block["questions"] = [
        question_spec(state, number) for state, number in zip(states, block["numbers"], strict=True)
    ]
    page.blocks.append(block)
    return (
        f'<div class="tc-block" data-block="{len(page.blocks) - 1}">'
        f'<div class="tc-static">{_markdown(text)}</div></div>'
    )


def _answer(page: Page, cell: dict[str, Any]) -> str:
    """An exercise's starter code, read-only, and where to run it."""
    code = _pre(_text(cell["source"]), "tc-code")
    links = page.notebook_links(message("site.exercise.where"))
    return f'<div class="tc-exercise-code">{code}{links}</div>'


def _written(page: Page, cell: dict[str, Any]) -> str:
    return f'<div class="tc-written">{page.notebook_links(message("site.written"))}</div>'


#: How a page shows a cell of each role of ``authoring.ROLES``: a new role is one entry here.
RENDERERS: dict[str, Callable[[Page, dict[str, Any]], str]] = {
    "opening": _markdown_cell,
    "content-note": _markdown_cell,
    "setup": _nothing,
    "commentary": _markdown_cell,
    "reading": _code,
    "translation": _markdown_cell,
    "code": _code,
    "question": _question,
    "gate": _code,
    "exercise": _markdown_cell,
    "answer": _answer,
    "help": _nothing,
    "discussion": _discussion,
    "prompt": _markdown_cell,
    "written": _written,
    "key-points": _markdown_cell,
    "navigation": _markdown_cell,
    "course-map": _markdown_cell,
}
assert set(RENDERERS) == set(ROLES), "every cell role needs its renderer"


# -- pages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edition:
    """One language's site: its folder and the other editions it links to."""

    language: str
    folder: Path
    others: tuple[str, ...]
    leave_out: frozenset[str]

    def other_link(self, page: str) -> str:
        """Links to the same page in the other editions."""
        links = []
        for other in self.others:
            prefix = f"{other}/" if self.language == "en" else "../" if other == "en" else ""
            name = message(f"site.language.{other}")
            links.append(f'<a href="{prefix}{page}" lang="{other}" hreflang="{other}">{name}</a>')
        return " · ".join(links)


def _sections(leave_out: frozenset[str]) -> list[dict[str, Any]]:
    """Every section with practice questions, for the progress view of every page."""
    sections: dict[str, dict[str, Any]] = {}
    for question in all_questions():
        if question.id in leave_out:
            continue
        entry = sections.setdefault(
            question.section,
            {"name": question.section, "title": section_title(question.section), "items": {}},
        )
        entry["items"][question.id] = float(question.points)
    return list(sections.values())


def _page_data(page: Page, sections: list[dict[str, Any]]) -> str:
    words = {**checker_words(), **{key: template(key) for key in SCRIPT_WORDS}}
    data = {
        "lang": page.language,
        "report_lang": "en",
        "labels": view_labels(),
        "words": words,
        "blocks": page.blocks,
        "items": page.items,
        "sections": sections,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/")


def read_page_data(page: Path) -> dict[str, Any]:
    """The data a built page hands its script (what :func:`_page_data` wrote): its questions,
    how to check them, the words and the sections, as a test or a tool reads them back."""
    found = _PAGE_DATA.search(page.read_text("utf-8"))
    if found is None:
        raise SiteError(message("site.error.no_page_data", page=page))
    return dict(json.loads(found.group(1).replace("<\\/", "</")))


def _document(edition: Edition, page: Page, title: str, sections: list[dict[str, Any]]) -> str:
    home = html.escape(message("site.home"))
    progress_heading = html.escape(message("site.progress.heading"))
    needs_script = html.escape(message("site.progress.needs_script"))
    return f"""<!doctype html>
<html lang="{page.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · {html.escape(message("site.course"))}</title>
<link rel="stylesheet" href="assets/question.css">
<link rel="stylesheet" href="assets/site.css">
<script src="assets/tipcourse.js" defer></script>
</head>
<body>
<a class="tc-skip" href="#main">{html.escape(message("site.skip"))}</a>
<header class="tc-site-header"><nav aria-label="{html.escape(message("site.navigation"))}">
<a href="index.html">{home}</a> · {edition.other_link(page.name + ".html")}</nav></header>
<main id="main">
{_numbered_tables("".join(page.body))}
<section class="tc-progress" aria-labelledby="tc-progress-heading">
<h2 id="tc-progress-heading">{progress_heading}</h2>
<div class="tc-progress-body"><p>{needs_script}</p></div>
</section>
</main>
<footer class="tc-footer">{_markdown(message("site.footer"))}</footer>
<script type="application/json" id="tc-page">{_page_data(page, sections)}</script>
</body>
</html>
"""


def _notebook_page(edition: Edition, path: Path, notebook: dict[str, Any]) -> tuple[Page, str]:
    page = Page(path.stem, edition.language, notebook=path.name)
    title = path.stem
    for cell in notebook["cells"]:
        meta = cell_meta(cell)
        if _named(cell) & edition.leave_out:
            continue
        role = meta.get("role", "code" if cell["cell_type"] == "code" else "commentary")
        if role == "opening":
            first = _text(cell["source"]).splitlines()[0]
            title = first.lstrip("# ").strip()
        page.body.append(RENDERERS[role](page, cell))
    return page, title


def _index(edition: Edition, notebooks: list[Path]) -> Page:
    """The home page: what the course is, the content note, the notebooks and their times."""
    page = Page("index", edition.language)
    sources = {
        source.notebook_name: source
        for source in read_sources(packaged_folder("course", edition.language))
    }
    entries = []
    for path in notebooks:
        source = sources.get(path.name)
        if source is None:
            entries.append(
                f'<li><p><a href="{path.stem}.html">{html.escape(path.stem)}</a></p></li>'
            )
            continue
        minutes = message("authoring.map.minutes", minutes=workload(source).minutes)
        learn = "".join(f"- {line}\n" for line in source.meta["learn"])
        entries.append(
            f'<li><p><a href="{path.stem}.html"><strong>{html.escape(source.heading)}</strong></a>'
            f" · {html.escape(minutes)}</p>{_markdown(learn)}</li>"
        )
    page.body = [
        f"<h1>{html.escape(message('site.course'))}</h1>",
        _markdown(message("site.index.about")),
        f'<div class="tc-prose">{_markdown(message("site.index.content_note"))}</div>',
        f"<h2>{html.escape(message('site.index.notebooks'))}</h2>",
        f'<ul class="tc-notebooks">{"".join(entries)}</ul>',
        f"<h2>{html.escape(message('site.index.get'))}</h2>",
        _markdown(
            message(
                "site.index.get_text",
                binder=BINDER + _notebook_folder(edition.language) + "00-start-here.ipynb",
            )
        ),
    ]
    return page


def _notebook_folder(language: str) -> str:
    return "notebooks/" if language == "en" else f"notebooks/{language}/"


def _write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")


def _build_edition(edition: Edition) -> list[Path]:
    folder = packaged_folder("notebooks", edition.language)
    notebooks = sorted(folder.glob("[0-9][0-9]-*.ipynb"))
    if not notebooks:
        raise SiteError(message("site.error.no_notebooks", folder=folder))
    written = []
    with in_language(edition.language):
        sections = _sections(edition.leave_out)
        read = {path: json.loads(path.read_text("utf-8")) for path in notebooks}
        pages = [_notebook_page(edition, path, notebook) for path, notebook in read.items()]
        index = _index(edition, notebooks)
        pages.insert(0, (index, message("site.course")))
        for page, title in pages:
            target = edition.folder / f"{page.name}.html"
            _write(target, _document(edition, page, title, sections))
            written.append(target)
            for name, data in page.figures.items():
                _write(edition.folder / "figures" / name, data)
    assets = edition.folder / "assets"
    _write(assets / "tipcourse.js", script_bundle())
    for name in ("question.css", "site.css"):
        _write(assets / name, (_HERE / name).read_text("utf-8"))
    for path, notebook in read.items():
        _write(edition.folder / "notebooks" / path.name, _download(notebook, edition.leave_out))
    return written


def _download(notebook: dict[str, Any], leave_out: frozenset[str]) -> str:
    """A notebook to download: the course's, without the cells that name a left-out item."""
    cells = [cell for cell in notebook["cells"] if not _named(cell) & leave_out]
    return json.dumps({**notebook, "cells": cells}, ensure_ascii=False, indent=1) + "\n"


#: The file that marks a folder as a site ``build_site`` wrote, which a new build may replace.
MARKER = ".tipcourse-site"


def _check_target(out: Path) -> None:
    """``out`` may take the site: it is missing, empty, or a site built before."""
    if out.exists() and not out.is_dir():
        raise SiteUsageError(message("site.error.not_a_folder", folder=out))
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SiteUsageError(message("site.error.not_ours", folder=out, marker=MARKER))


def _swap_in(built: Path, out: Path) -> None:
    """Put the finished ``built`` folder where ``out`` is, replacing a site built before."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        out.rename(old)
    built.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_site(
    out: Path, languages: Iterable[str] = LANGUAGES, leave_out: Iterable[str] = ()
) -> list[Path]:
    """Write the site to ``out`` (English at the top, another language in its folder) and
    return the pages written. ``leave_out``: item ids that must not be published (an
    assignment's graded items), left out with every cell that names them.

    The site is built in a new folder beside ``out`` and put in place only when complete: a
    build that fails leaves ``out`` as it was. ``out`` must be missing, empty, or a site built
    before (which is replaced whole, so no page of an earlier build is left behind)."""
    chosen = tuple(dict.fromkeys(languages))
    unknown = [language for language in chosen if language not in LANGUAGES]
    if unknown or not chosen:
        raise SiteUsageError(
            message("site.error.language", given=", ".join(unknown), known=", ".join(LANGUAGES))
        )
    out = Path(out).absolute()
    _check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    built = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    left_out = frozenset(leave_out)
    pages = []
    try:
        for language in chosen:
            others = tuple(other for other in chosen if other != language)
            folder = built if language == "en" or "en" not in chosen else edition(built, language)
            pages += _build_edition(Edition(language, folder, others, left_out))
        (built / MARKER).write_text(message("site.marker"), "utf-8")
        _swap_in(built, out)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    return [out / page.relative_to(built) for page in pages]
