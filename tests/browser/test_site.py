"""The course website (``tipcourse site``) in Debian's Chromium, opened from ``file://``.

Every request that is not for a file of the site is blocked and fails the test that made it.
Each page loads with no console error and mounts every question; a question of every type is
answered right, wrong and (where the type gives partial credit) partly right, with the mouse and
with the keyboard alone, and the page shows the outcome the Python engine gives; progress
survives a reload and shows on every page; the downloaded progress file parses and imports;
axe-core finds nothing serious or critical on any page; at 320 px nothing is wider than the
screen; with JavaScript off each question shows as text with the code that answers it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from jupyter_browser import (
    ARTIFACTS,
    Keys,
    QuestionWidget,
    answer_with_keys,
    clean,
    right_answer,
    shown_markdown,
    shown_text,
    wrong_answer,
)

import tipcourse
from tipcourse.cli import main
from tipcourse.engine._store import attempts
from tipcourse.engine.outcome import render_text
from tipcourse.engine.session import QuizState
from tipcourse.report._parse import section_title
from tipcourse.report.messages import in_language, message
from tipcourse.views._wording import instruction, quiz_summary
from tipcourse.views.site import read_page_data

TYPES = ("single", "multiple", "truefalse", "numeric", "text", "order")


def all_pages(site: Path) -> list[Path]:
    return sorted(site.glob("*.html")) + sorted((site / "es").glob("*.html"))


@dataclass
class Opened:
    """A page of the site in a browser context of its own, and what went wrong in it."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    javascript: bool = True

    def goto(self, path: Path) -> None:
        self.page.goto(path.as_uri())
        if self.javascript:
            self.page.wait_for_function(
                "() => document.documentElement.classList.contains('tc-script')"
            )

    def assert_clean(self) -> None:
        assert not self.blocked, f"requests outside the site: {self.blocked}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture
def open_site(browser, request: pytest.FixtureRequest):
    """open_site(path, javascript=True, width=1280, allow=""): the page in a fresh context, with
    every request that is not a file (or under ``allow``) blocked; the test fails if one was made
    or an error logged."""
    opened: list[tuple[Any, Opened]] = []

    def opener(path: Path, javascript: bool = True, width: int = 1280, allow: str = "") -> Opened:
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            accept_downloads=True,
        )
        context.set_default_timeout(30_000)
        found = Opened(context.new_page(), javascript=javascript)

        def route(handled: Any) -> None:
            if handled.request.url.startswith("file://") or (
                allow and handled.request.url.startswith(allow)
            ):
                handled.continue_()
            else:
                found.blocked.append(handled.request.url)
                handled.abort()

        context.route("**/*", route)
        found.page.on(
            "console", lambda said: found.errors.append(said.text) if said.type == "error" else None
        )
        found.page.on("pageerror", lambda error: found.errors.append(str(error)))
        opened.append((context, found))
        found.goto(path)
        return found

    yield opener
    for context, _ in opened:
        context.close()
    for _, found in opened:
        found.assert_clean()


def where_asked(site: Path) -> dict[str, Path]:
    """The English page of each practice question."""
    found = {}
    for path in sorted(site.glob("[0-9][0-9]-*.html")):
        for item in read_page_data(path)["items"]:
            found.setdefault(item, path)
    return found


def chosen(site: Path) -> dict[str, Any]:
    """A question of each type from the site, with a partial answer where the type has one:
    a multiple choice with at least two right options, an order of at least three items."""
    best: dict[str, Any] = {}
    for item in where_asked(site):
        question = tipcourse.question(item)
        if question.type == "multiple" and len(question.answer) < 2:
            continue
        if question.type == "order" and len(question.answer) < 3:
            continue
        best.setdefault(question.type, question)
    assert set(best) == set(TYPES), f"the site lacks a question of type {set(TYPES) - set(best)}"
    return best


def partial_answer(question: Any) -> Any:
    if question.type == "multiple":
        return list(question.answer)[:-1]
    if question.type == "order":
        keys = list(question.answer)
        return [keys[1], keys[0], *keys[2:]]
    return None


def expect(widget: QuestionWidget, question: Any, selection: Any) -> None:
    """The feedback shown is the Python engine's outcome of ``selection``."""
    outcome = question.evaluate(selection, how=instruction(question))
    feedback = widget.feedback()
    widget.wait_text(feedback, [render_text(replace(outcome, message=""))])
    assert f"tc-{outcome.status}" in (feedback.get_attribute("class") or "")
    advice = clean(shown_text(feedback.locator(".tc-advice")))
    assert advice == shown_markdown(outcome.message), (question.id, selection)


def test_every_page_loads_mounts_its_questions_and_asks_nothing_outside(site, open_site):
    for path in all_pages(site):
        opened = open_site(path)
        data = read_page_data(path)
        count = sum(len(block["questions"]) for block in data["blocks"])
        page = opened.page
        assert page.locator(".tc-question").count() == count, path.name
        assert page.locator(".tc-static").count() == 0, path.name
        assert page.locator(".tc-progress-view").count() >= 1, path.name
        for image in page.locator("img").all():
            assert image.evaluate("(i) => i.complete && i.naturalWidth > 0"), path.name
            assert len(image.get_attribute("alt") or "") > 20, path.name


def test_every_type_right_wrong_and_partly_with_the_mouse(site, open_site):
    pages = where_asked(site)
    for question in chosen(site).values():
        opened = open_site(pages[question.id])
        widget = QuestionWidget(opened.page, question.id)
        answers = [right_answer(question), wrong_answer(question)[0]]
        if partial_answer(question) is not None:
            answers.append(partial_answer(question))
        for answer in answers:
            widget.choose(question, answer)
            widget.check()
            expect(widget, question, answer)
        hints = widget.box.locator(".tc-hints")
        for number, hint in enumerate(question.hints, start=1):  # one at a time
            widget.button(message("widget.hint")).click()
            widget.wait_text(hints, [shown_markdown(hint)])
            assert hints.locator("p").count() == number
        widget.button(message("widget.hint")).click()
        last = "widget.no_more_hints" if question.hints else "widget.no_hints"
        widget.wait_text(hints, [message(last)])
        widget.button(message("widget.evidence")).click()
        evidence = widget.box.locator(".tc-evidence")
        place = message("widget.evidence_source", section=section_title(question.section))
        widget.wait_text(evidence, [question.evidence[0], place])


def test_a_quiz_keeps_its_running_score(site, open_site):
    """The quiz of notebook 07 shows the score the Python quiz state gives for the same answers."""
    path = site / "07-synthesis.html"
    [block] = [block for block in read_page_data(path)["blocks"] if block["title"]]
    questions = [tipcourse.question(spec["id"]) for spec in block["questions"]]
    state = QuizState(questions)
    page = open_site(path).page
    score = page.locator(".tc-score")
    for index in (0, 1):
        question = questions[index]
        answer = right_answer(question) if index == 0 else wrong_answer(question)[0]
        widget = QuestionWidget(page, question.id)
        widget.choose(question, answer)
        widget.check()
        state.states[index].select(answer)
        state.states[index].check()
        assert clean(shown_text(score)) == clean(quiz_summary(state)[1])


def test_a_static_web_server_serves_the_same_site(site, open_site):
    """From http://127.0.0.1 (a static server this test starts and stops) the page works too."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        question = chosen(site)["single"]
        url = f"http://127.0.0.1:{server.server_address[1]}/{where_asked(site)[question.id].name}"
        opened = open_site(site / "index.html", allow=url.rsplit("/", 1)[0])
        opened.page.goto(url)
        opened.page.wait_for_function(
            "() => document.documentElement.classList.contains('tc-script')"
        )
        widget = QuestionWidget(opened.page, question.id)
        widget.choose(question, question.answer)
        widget.check()
        expect(widget, question, question.answer)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_the_focus_is_visible_on_every_link_and_control(site, open_site):
    """Tab through the start of a page: each focused element shows an outline of 2 px or more."""
    page = open_site(site / "04-prosecution.html").page
    for _ in range(40):
        page.keyboard.press("Tab")
        found = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
              return [e.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
        )
        assert found[1] != "none" and found[2] >= 2, found


def _keyboard_round(opened: Opened, question: Any, answer: Any) -> None:
    page = opened.page
    widget = QuestionWidget(page, question.id)
    block = widget.box.locator("xpath=ancestor::div[contains(@class,'tc-block')]")
    block.evaluate("(b) => { b.tabIndex = -1; b.focus(); }")
    keys = Keys(page)
    keys.reach(question.id)
    answer_with_keys(keys, widget, question, answer)
    before = widget.checked_count()
    keys.expect_button(question.id, message("widget.check"))
    keys.press("Enter")
    widget.wait_checked(before)
    expect(widget, question, answer)


def test_every_type_right_wrong_and_partly_with_the_keyboard_alone(site, open_site):
    pages = where_asked(site)
    for question in chosen(site).values():
        answers = [right_answer(question), wrong_answer(question)[0]]
        if partial_answer(question) is not None:
            answers.append(partial_answer(question))
        for answer in answers:
            opened = open_site(pages[question.id])  # a fresh page: the inputs as first shown
            _keyboard_round(opened, question, answer)


def test_progress_survives_a_reload_and_the_download_imports(site, open_site, tmp_path):
    pages = where_asked(site)
    questions = chosen(site)
    single, numeric = questions["single"], questions["numeric"]
    opened = open_site(pages[single.id])
    page = opened.page
    widget = QuestionWidget(page, single.id)
    widget.choose(single, single.answer)
    widget.check()
    page.reload()
    page.wait_for_function("() => document.documentElement.classList.contains('tc-script')")
    expect(widget, single, single.answer)
    assert widget.box.locator(f"input[value='{single.answer}']").is_checked()
    # Another page of the same site: the progress view counts the answer.
    page.goto(pages[numeric.id].as_uri())
    page.wait_for_function("() => document.documentElement.classList.contains('tc-script')")
    other = QuestionWidget(page, numeric.id)
    other.choose(numeric, wrong_answer(numeric)[0])
    other.check()
    other.choose(numeric, right_answer(numeric))
    other.check()
    section = next(
        s for s in read_page_data(pages[numeric.id])["sections"] if s["name"] == numeric.section
    )
    row = page.locator(".tc-progress tr", has_text=section["title"])
    tried = message("site.progress.total", done=1, count=len(section["items"]))
    assert tried in shown_text(row)
    name = message("site.progress.name")
    page.get_by_label(name).first.fill("Ana López")
    page.get_by_label(name).first.press("Tab")
    with page.expect_download() as info:
        page.get_by_role("button", name=message("site.progress.download")).first.click()
    download = tmp_path / "tipcourse-progress.json"
    info.value.save_as(download)
    data = json.loads(download.read_text("utf-8"))
    assert data["format"] == "tipcourse-progress" and data["version"] == 1
    assert data["learner"] == "Ana López" and data["language"] == "en"
    made = [(a["item"], a["status"]) for a in data["attempts"]]
    assert made == [(single.id, "correct"), (numeric.id, "incorrect"), (numeric.id, "correct")]
    assert main(["progress", "--import", str(download)]) == 0
    assert sorted(attempts()["item_id"]) == sorted([single.id, numeric.id, numeric.id])
    # Reset empties the progress, after the learner confirms.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=message("site.progress.reset")).first.click()
    widget_gone = page.locator(".tc-progress .tc-progress-view")
    widget_gone.get_by_text(message("site.progress.empty")).wait_for()
    page.reload()
    page.wait_for_function("() => document.documentElement.classList.contains('tc-script')")
    assert not QuestionWidget(page, numeric.id).feedback().is_visible()


def test_axe_finds_nothing_serious_on_any_page(site, open_site):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    pages = where_asked(site)
    questions = chosen(site)
    report = {}
    for path in all_pages(site):
        opened = open_site(path)
        page = opened.page
        with in_language("es" if path.parent.name == "es" else "en"):
            for question in questions.values():
                if pages[question.id].name != path.name or path.parent.name == "es":
                    continue
                widget = QuestionWidget(page, question.id)
                widget.choose(question, wrong_answer(question)[0])
                widget.check()
                widget.button(message("widget.hint")).click()
                widget.button(message("widget.evidence")).click()
        # preload off: axe would fetch the style sheets, which a browser refuses from file://.
        options = {"resultTypes": ["violations"], "preload": False}
        found = axe.run(page, options=options).response["violations"]
        report[str(path.relative_to(site))] = [
            (v["id"], v["impact"], len(v["nodes"])) for v in found
        ]
        serious = [v for v in found if v["impact"] in ("serious", "critical")]
        assert not serious, (path.name, [(v["id"], v["nodes"][0]["html"][:200]) for v in serious])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe-site.json").write_text(json.dumps(report, indent=1), "utf-8")


def test_readable_at_320_pixels(site, open_site):
    for path in all_pages(site):
        page = open_site(path, width=320).page
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 320, (path.name, wide)


def test_without_javascript_each_question_shows_its_text_and_answer_code(site, open_site):
    for path in all_pages(site):
        data = read_page_data(path)
        page = open_site(path, javascript=False).page
        assert page.locator(".tc-question").count() == 0
        text = shown_text(page.locator("main"))
        for block in data["blocks"]:
            for spec in block["questions"]:
                assert f"tipcourse.question('{spec['id']}').check(" in text, (path.name, spec["id"])
        with in_language(data["lang"]):
            assert clean(message("site.progress.needs_script")) in shown_text(page.locator("body"))


def test_a_browser_that_keeps_nothing_still_checks_and_says_so(site, open_site):
    """Where the page may not store anything (a private window with storage off, a full
    store), answers are still checked, and the progress view says they will be lost."""
    question = chosen(site)["truefalse"]
    opened = open_site(site / "index.html")
    opened.page.context.add_init_script(
        "Storage.prototype.setItem = () => { throw new DOMException('full', 'QuotaExceededError'); };"
    )
    opened.goto(where_asked(site)[question.id])
    widget = QuestionWidget(opened.page, question.id)
    widget.choose(question, question.answer)
    widget.check()
    expect(widget, question, question.answer)
    warning = opened.page.locator(".tc-progress .tc-warning")
    widget.wait_text(warning, [message("site.progress.storage_off")])


def test_the_name_typed_in_one_progress_view_is_the_name_in_every_one(site, open_site):
    """Notebook 07 shows the progress twice (where the notebook calls it, and at the end): one
    learner, one name, in both views and in the file."""
    page = open_site(site / "07-synthesis.html").page
    names = page.get_by_label(message("site.progress.name"))
    assert names.count() == 2
    names.nth(0).fill("Ana López")
    names.nth(0).press("Tab")
    assert names.nth(1).input_value() == "Ana López"
