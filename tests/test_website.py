"""``tipcourse site``: the static website's pages, files and what it never publishes.

What the pages do in a browser is tested in ``tests/browser/test_site.py`` and the checker's
agreement with the Python engine in ``tests/browser/test_checker_parity.py``.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

import tipcourse
from tipcourse.cli import main
from tipcourse.report.messages import in_language, message
from tipcourse.views.authoring import ROLES, cell_meta, read_sources, workload
from tipcourse.views.site import (
    BINDER,
    MARKER,
    RENDERERS,
    build_site,
    read_page_data,
    script_bundle,
)

ROOT = Path(__file__).resolve().parent.parent


def practice_items(folder: Path) -> set[str]:
    """The ids of the questions the notebooks of ``folder`` ask."""
    found = set()
    for path in folder.glob("[0-9][0-9]-*.ipynb"):
        for cell in json.loads(path.read_text("utf-8"))["cells"]:
            if cell_meta(cell).get("role") == "question":
                found |= set(cell_meta(cell)["items"])
    return found


class _References(HTMLParser):
    """Every address a page loads (src, stylesheet links) and every link it offers."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("src"):
            self.loads.append(found["src"] or "")
        if tag == "link" and found.get("href"):
            self.loads.append(found["href"] or "")
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")


def test_every_cell_role_has_its_renderer():
    assert set(RENDERERS) == set(ROLES)


def test_one_page_per_notebook_in_each_language_and_an_index_with_measured_times(site):
    for language, folder in (("en", site), ("es", site / "es")):
        notebooks = sorted(
            (ROOT / "notebooks" / ("" if language == "en" else language)).glob("[0-9][0-9]-*.ipynb")
        )
        assert sorted(path.stem for path in folder.glob("[0-9][0-9]-*.html")) == [
            path.stem for path in notebooks
        ]
        index = (folder / "index.html").read_text("utf-8")
        assert f'<html lang="{language}">' in index
        with in_language(language):
            sources = read_sources(ROOT / "course" / ("" if language == "en" else language))
            for source in sources:
                minutes = message("authoring.map.minutes", minutes=workload(source).minutes)
                row = re.search(rf'<a href="{source.path.stem}\.html">.*?</li>', index, re.DOTALL)
                assert row and minutes in row.group(0), source.path.name
            assert "Content note" in index or "Aviso sobre el contenido" in index


def test_every_practice_question_of_the_notebooks_is_on_a_page(site):
    for folder, notebooks in ((site, ROOT / "notebooks"), (site / "es", ROOT / "notebooks" / "es")):
        published = set()
        for path in folder.glob("[0-9][0-9]-*.html"):
            data = read_page_data(path)
            ids = [spec["id"] for block in data["blocks"] for spec in block["questions"]]
            assert set(ids) == set(data["items"]), path.name
            published |= set(ids)
            text = path.read_text("utf-8")
            for item in ids:  # the text form, for a browser without JavaScript
                assert (
                    f"tipcourse.question(&#x27;{item}&#x27;).check(" in text
                    or f"tipcourse.question('{item}').check(" in text
                )
        assert published == practice_items(notebooks)


def test_nothing_is_loaded_from_outside_the_site(site):
    files = [path for path in site.rglob("*") if path.is_file()]
    for path in files:
        if path.suffix == ".html":
            found = _References()
            found.feed(path.read_text("utf-8"))
            for address in found.loads:
                assert "://" not in address and not address.startswith("//"), (path, address)
                assert (path.parent / address).resolve().is_file(), (path, address)
            for address in found.links:
                if "://" in address:
                    assert address.startswith(
                        ("https://mybinder.org/", "https://creativecommons.org/")
                    ), (path, address)
                elif not address.startswith("#"):
                    assert (path.parent / address.split("#")[0]).resolve().is_file(), (
                        path,
                        address,
                    )
        if path.suffix in (".js", ".css"):
            text = path.read_text("utf-8")
            assert "url(" not in text and "@import" not in text and "fetch(" not in text, path
            assert "import(" not in text and not re.search(
                r"^\s*(import|export) ", text, re.MULTILINE
            ), path


def test_the_script_is_one_classic_script_with_each_module_in_its_own_scope():
    bundle = script_bundle()
    assert not re.search(r"^\s*export ", bundle, re.MULTILINE)
    assert "const { element, mountQuestions } = (function () {" in bundle
    assert bundle.count("(function () {") == 3


def _own_bank(folder: Path) -> Path:
    """An instructor's own bank whose every text carries a mark no course text has."""
    data = yaml.safe_load((ROOT / "data" / "questions" / "prosecution.yaml").read_text("utf-8"))
    items = []
    for number, item in enumerate(data["questions"][:3], start=1):
        item = dict(item, id=f"prosecution.q{60 + number}")
        item["prompt"] = f"OWNBANK prompt {number}: {item['prompt']}"
        item["explanation"] = f"OWNBANK explanation {number}."
        item["hints"] = [f"OWNBANK hint {number}."]
        if "options" in item:
            item["options"] = [
                dict(option, text=f"OWNBANK {option['text']}") for option in item["options"]
            ]
        items.append(item)
    (folder / "questions").mkdir(parents=True)
    (folder / "questions" / "prosecution.yaml").write_text(
        yaml.safe_dump({"questions": items}, allow_unicode=True), "utf-8"
    )
    return folder


def test_graded_items_never_reach_the_site(tmp_path):
    """Built with --graded, the site holds no id, prompt, option feedback, explanation or hint
    of the assignment's items: neither those of `assign --items` (course items) nor those of
    the instructor's own bank."""
    graded = ["prosecution.q01", "prosecution.q06", "protection.q01"]
    course_items = tmp_path / "course-items"
    own_items = tmp_path / "own-items"
    assert main(["assign", "--items", *graded, "--out", str(course_items)]) == 0
    assert (
        main(["assign", "--bank", str(_own_bank(tmp_path / "bank")), "--out", str(own_items)]) == 0
    )
    out = tmp_path / "site"
    assert (
        main(["site", "--out", str(out), "--graded", str(course_items), "--graded", str(own_items)])
        == 0
    )
    text = "\n".join(
        path.read_text("utf-8")
        for path in out.rglob("*")
        if path.suffix in (".html", ".js", ".ipynb")
    )
    assert "OWNBANK" not in text
    for language in ("en", "es"):
        with in_language(language):
            for item in graded:
                question = tipcourse.question(item)
                assert item not in text
                secrets = [
                    question.explanation,
                    *question.hints,
                    *(o.feedback for o in question.options),
                ]
                for secret in secrets:
                    words = " ".join(secret.split())
                    assert len(words) < 25 or words not in text, (item, words)
    for item in ("prosecution.q61", "prosecution.q62", "prosecution.q63"):
        assert item not in text


def test_one_language_goes_to_the_top_of_the_folder(tmp_path, capsys):
    out = tmp_path / "sitio"
    assert main(["site", "--out", str(out), "--lang", "es"]) == 0
    assert '<html lang="es">' in (out / "index.html").read_text("utf-8")
    assert not (out / "es").exists()
    assert str(out / "index.html") in capsys.readouterr().out


def test_bad_arguments_say_what_to_do(tmp_path, capsys):
    assert main(["site", "--out", str(tmp_path / "s"), "--graded", str(tmp_path / "missing")]) == 2
    error = capsys.readouterr().err
    assert "assignment.json" in error and "Traceback" not in error
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["site", "--out", str(blocker)]) == 2
    error = capsys.readouterr().err
    assert str(blocker) in error and "Traceback" not in error
    assert blocker.read_text() == "not a folder"


def test_a_folder_with_files_of_its_own_is_never_replaced(tmp_path, capsys):
    folder = tmp_path / "my-files"
    folder.mkdir()
    (folder / "thesis.docx").write_text("mine")
    assert main(["site", "--out", str(folder)]) == 2
    assert MARKER in capsys.readouterr().err
    assert [path.name for path in folder.iterdir()] == ["thesis.docx"]


def test_a_new_build_replaces_the_old_one_whole(tmp_path):
    out = tmp_path / "site"
    build_site(out, ["en"])
    (out / "04-old-page.html").write_text("from an earlier course")
    build_site(out, ["en"])
    assert not (out / "04-old-page.html").exists()
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]  # no folder left over


def test_a_build_that_fails_leaves_the_site_as_it_was(tmp_path, monkeypatch):
    """Every output is complete or not written: a failure half way (a disk full, say) leaves the
    earlier site untouched and no half-built folder beside it."""
    from tipcourse.views import site as site_module

    out = tmp_path / "site"
    build_site(out, ["en"])
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    real = site_module._build_edition

    def fails_in_spanish(edition):
        if edition.language == "es":
            raise OSError(28, "No space left on device")
        return real(edition)

    monkeypatch.setattr(site_module, "_build_edition", fails_in_spanish)
    assert main(["site", "--out", str(out)]) == 1
    after = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    assert after == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_the_pages_workflow_builds_the_site_the_readme_links():
    """The GitHub Pages workflow installs what Binder installs, builds with `tipcourse site` and
    publishes that folder; the README links the published site and the Binder links the pages
    use."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text("utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    commands = [step.get("run", "") for step in steps]
    assert "python -m pip install -r binder/requirements.txt" in commands
    [build] = [command for command in commands if command.startswith("tipcourse site")]
    out = build.split("--out", 1)[1].split()[0]
    uploads = [step for step in steps if "upload-pages-artifact" in step.get("uses", "")]
    assert uploads and uploads[0]["with"]["path"] == out
    assert "deploy-pages" in str(workflow["jobs"]["deploy"]["steps"])
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "https://tipcourse.github.io/tipcourse/" in readme
    assert f"({BINDER}notebooks/00-start-here.ipynb)" in readme
