"""axe-core on what tipcourse renders in JupyterLab: quiz widgets, the dashboard, charts.

The scan is limited to the outputs of tipcourse's cells and must find nothing serious or
critical. JupyterLab's own interface is not tipcourse's to fix: a second scan of the rest of
the page is printed (rule, impact, count) and saved to test-artifacts/browser/, never failed on.
"""

from __future__ import annotations

import json
from collections import Counter

from jupyter_browser import (
    ARTIFACTS,
    QuestionWidget,
    pick_questions,
    write_notebook,
    wrong_answer,
)

from tipcourse.report.messages import message

NAME = "browser-accessibility.ipynb"
TYPES = ("single", "multiple", "truefalse", "numeric", "text", "order")
TAG = "data-tipcourse-axe"


def _violations(response: dict) -> list[dict]:
    return response["violations"]


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
    return "\n".join(lines)


def test_tipcourse_outputs_pass_axe(lab_server, open_notebook, capsys):
    """No axe violation at all in the quiz (with feedback, hints and evidence open), the
    progress dashboard, the charts or the pandas tables the course prints (a default index,
    and a named one); JupyterLab's own findings are printed."""
    from axe_playwright_python.sync_playwright import Axe

    chosen = pick_questions()
    questions = [chosen[kind] for kind in TYPES]
    write_notebook(
        lab_server.workspace / NAME,
        [
            "import tipcourse\nfrom tipcourse import charts",
            f"tipcourse.quiz({[question.id for question in questions]!r})",
            "tipcourse.progress()",
            "charts.convictions(tipcourse.convictions_by_jurisdiction())",
            "charts.budget_cut(tipcourse.budget())",
            "tipcourse.convictions_by_jurisdiction()",
            "table = tipcourse.budget().set_index('stage')\ntable",
        ],
    )
    notebook = open_notebook(lab_server, NAME)
    notebook.run_all()
    page = notebook.page

    # Open every area a question can show: feedback (a wrong answer), a hint, the evidence.
    for question in questions:
        widget = QuestionWidget(page, question.id)
        shown_order = widget.order_shown() if question.type == "order" else None
        wrong, feedback = wrong_answer(question, shown_order)
        widget.choose(question, wrong)
        widget.check()
        widget.wait_text(widget.feedback(), [feedback])
        widget.button("Hint").click()
        widget.button("Show evidence").click()
        widget.wait_text(widget.box.locator("blockquote"), question.evidence[:1])
    # Show the dashboard again, now with answers in it: run its cell (Ctrl+Enter).
    notebook.code_cell(2).locator(".cm-content").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_function(
        """(none) => {
             const cell = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')][2];
             return cell.querySelector('.jp-InputPrompt').textContent.trim() === '[8]:'
               && cell.querySelectorAll('.progress-bar').length >= 6
               && !cell.innerText.includes(none);
           }""",
        arg=message("progress.none_yet"),
    )
    notebook.wait_kernel_idle()

    # Charts are images whose alt text describes them.
    images = page.locator(".jp-OutputArea-output img")
    assert images.count() == 2
    for alt in images.evaluate_all("els => els.map(e => e.getAttribute('alt') || '')"):
        assert len(alt) > 40, alt

    count = page.evaluate(
        """(tag) => {
             const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
             let n = 0;
             cells.slice(1).forEach(cell => cell.querySelectorAll('.jp-OutputArea-output')
               .forEach(output => output.setAttribute(tag, String(n++))));
             return n;
           }""",
        TAG,
    )
    assert count == 6, f"expected 6 tipcourse outputs, tagged {count}"
    assert page.locator(f"[{TAG}] .tc-question").count() == len(questions)

    axe = Axe()
    found: list[dict] = []
    for number in range(count):
        area = page.locator(f"[{TAG}='{number}']")
        area.scroll_into_view_if_needed()  # colour contrast is measured on what is rendered
        result = axe.run(page, context={"include": [[f"[{TAG}='{number}']"]]})
        found += _violations(result.response)
    blocking = found  # every violation inside the course's outputs, whatever its impact
    with capsys.disabled():
        print(
            f"\naxe on tipcourse's outputs: {len(found)} violation(s), "
            f"{len(blocking)} failing the test"
        )
        if found:
            print(_describe(found))
    assert not blocking, _describe(blocking)

    # JupyterLab itself, everything but tipcourse's outputs: reported, not failed on.
    page.locator(".jp-Notebook .jp-Cell").first.scroll_into_view_if_needed()
    rest = axe.run(page, context={"exclude": [[f"[{TAG}]"]]})
    summary = Counter()
    for violation in _violations(rest.response):
        summary[(violation["id"], violation["impact"])] += len(violation["nodes"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = [
        {
            "rule": rule,
            "impact": impact,
            "count": nodes,
            "help": next(v["help"] for v in _violations(rest.response) if v["id"] == rule),
        }
        for (rule, impact), nodes in sorted(summary.items())
    ]
    (ARTIFACTS / "axe-jupyterlab.json").write_text(json.dumps(report, indent=1), "utf-8")
    with capsys.disabled():
        print("axe on JupyterLab's own interface (not tipcourse's; reported, not failed on):")
        for entry in report:
            print(
                f"  {entry['rule']:<32} {entry['impact']:<9} {entry['count']:>3}  {entry['help']}"
            )
        if not report:
            print("  no violations")
