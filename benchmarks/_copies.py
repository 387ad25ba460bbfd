"""What the grading benchmarks share: an assignment of one notebook and copies of its key."""

from __future__ import annotations

import shutil
from pathlib import Path


def key_copies(folder: Path, notebook: str, copies: int) -> tuple[Path, list[Path]]:
    """Assign ``notebook`` into ``folder/hw``; its key notebook and ``copies`` copies of it."""
    from tipcourse.instructor._assign import assign

    assign(folder / "hw", notebooks=[notebook])
    [key_notebook] = sorted((folder / "hw" / "key").glob("*.ipynb"))
    made = []
    for number in range(copies):
        copy = folder / "submissions" / f"learner{number:02d}-{key_notebook.name}"
        copy.parent.mkdir(exist_ok=True)
        shutil.copy(key_notebook, copy)
        made.append(copy)
    return key_notebook, made
