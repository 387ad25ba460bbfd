"""Written work: the reflections and the policy memo, as items with rubrics."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
import yaml

from tipcourse.engine._written import WRITTEN, WrittenBankError, written, written_items
from tipcourse.instructor._assign import assign
from tipcourse.report.messages import message

ROOT = Path(__file__).resolve().parent.parent


def test_every_rubric_adds_up_and_every_notebook_has_its_reflection():
    """Seven reflections (01–07) and the memo, each with a rubric that adds up to its points."""
    items = {item.id: item for item in written_items()}
    assert len(items) == 8 and items["recommendations.w90"].points == 10
    for item in items.values():
        assert sum(line.points for line in item.rubric) == item.points
    for path in sorted((ROOT / "notebooks").glob("0[1-7]-*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        ids = [
            c.metadata["tipcourse"]["written"]
            for c in cells
            if c.metadata.get("tipcourse", {}).get("role") == "written"
        ]
        assert ids and all(item in items for item in ids), path.name
        prompts = [
            c.source for c in cells if c.metadata.get("tipcourse", {}).get("role") == "prompt"
        ]
        assert all(
            message("authoring.ungraded") in text for text in prompts
        )  # in the course, nothing checks it
    memo = nbformat.read(ROOT / "notebooks" / "07-synthesis.ipynb", as_version=4).cells
    assert any(
        c.metadata.get("tipcourse", {}).get("written") == "recommendations.w90" for c in memo
    )


def test_a_rubric_that_does_not_add_up_names_the_file_item_and_field(tmp_path):
    data = yaml.safe_load((ROOT / "data" / "written" / "prosecution.yaml").read_text("utf-8"))
    data["written"][0]["points"] = 7
    (tmp_path / "prosecution.yaml").write_text(yaml.safe_dump(data), "utf-8")
    with pytest.raises(WrittenBankError) as error:
        WRITTEN.load(tmp_path)
    text = str(error.value)
    assert "prosecution.yaml" in text and "prosecution.w01" in text and "rubric" in text
    assert "add up to 5, but the item is worth 7" in text


@pytest.fixture(scope="module")
def memo(tmp_path_factory):
    out = tmp_path_factory.mktemp("memo")
    assign(out, items=["recommendations.w90", "overview.w90"])
    return out


def test_an_assigned_written_item_is_graded_by_hand_with_nbgrader_metadata(memo):
    """The answer cell is nbgrader's manually graded answer with the item's points; the prompt
    says it is graded by hand; only the key shows the rubric."""
    manifest = json.loads((memo / "assignment.json").read_text("utf-8"))
    [entry] = manifest["notebooks"]
    assert [(i["id"], i["kind"], i["points"], i["variable"]) for i in entry["items"]] == [
        ("recommendations.w90", "written", 10, ""),
        ("overview.w90", "written", 5, ""),
    ]
    for folder in ("student", "key"):
        cells = nbformat.read(memo / folder / "07-synthesis.ipynb", as_version=4).cells
        answers = [c for c in cells if c.metadata.get("tipcourse", {}).get("role") == "written"]
        assert [c.metadata["nbgrader"]["points"] for c in answers] == [10, 5]
        assert all(
            c.cell_type == "markdown"
            and c.metadata["nbgrader"]["grade"]
            and c.metadata["nbgrader"]["solution"]
            for c in answers
        )
        prompts = [
            c.source for c in cells if c.metadata.get("tipcourse", {}).get("role") == "prompt"
        ]
        assert all(
            message("authoring.ungraded") not in text and "graded by hand" in text
            for text in prompts
        )
        rubrics = [c for c in cells if c.metadata.get("tipcourse", {}).get("role") == "rubric"]
        text = "\n".join(c.source for c in cells)
        if folder == "key":
            assert len(rubrics) == 2 and written("recommendations.w90").rubric[1].criterion in text
        else:
            assert not rubrics and written("recommendations.w90").rubric[1].criterion not in text
    key = (memo / "key" / "answer-key.md").read_text("utf-8")
    assert "**Rubric:**" in key and written("overview.w90").rubric[0].criterion in key
