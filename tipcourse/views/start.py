"""`tipcourse start`: copy the course notebooks into a learner's workspace and open JupyterLab.

A learner's own changes are never overwritten. The workspace keeps a manifest of the checksum
each notebook had when the course copied it; a notebook whose checksum still matches is
untouched by the learner and may be updated, while a changed one keeps its place and the course's
newer version lands beside it as ``NAME.new.ipynb``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..report._packaged import packaged_folder
from ..report.messages import message

__all__ = [
    "START_NOTEBOOK",
    "SyncReport",
    "course_notebooks",
    "default_workspace",
    "jupyter_command",
    "run_jupyter",
    "sync_workspace",
]

MANIFEST = ".tipcourse-manifest.json"
START_NOTEBOOK = "00-start-here.ipynb"


def course_notebooks(language: str = "en") -> Path:
    """The folder of the course's notebooks in ``language`` (the Spanish edition is
    ``notebooks/es``): inside a wheel, or the repository's notebooks/."""
    return packaged_folder("notebooks", language)


def default_workspace(language: str = "en") -> str:
    """Where ``tipcourse start`` puts the notebooks unless told: one folder per edition, so the
    two never overwrite each other's notebooks (their file names are the same)."""
    return "tipcourse-notebooks" if language == "en" else f"tipcourse-notebooks-{language}"


def _checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class SyncReport:
    """What sync_workspace did, notebook by notebook."""

    copied: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_with_new_beside: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One line per notebook that needs the learner's attention, and a summary."""
        said = [
            message("start.new_beside", name=name, new=_new_name(name))
            for name in self.kept_with_new_beside
        ]
        said.append(
            message(
                "start.summary",
                copied=len(self.copied),
                updated=len(self.updated),
                unchanged=len(self.unchanged),
                kept=len(self.kept_with_new_beside),
            )
        )
        return said


def _new_name(name: str) -> str:
    return name[: -len(".ipynb")] + ".new.ipynb"


def sync_workspace(workspace: Path, source: Path | None = None) -> SyncReport:
    """Copy the course notebooks into ``workspace`` without overwriting a learner's changes."""
    source = source or course_notebooks()
    workspace.mkdir(parents=True, exist_ok=True)
    manifest_path = workspace / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except (OSError, ValueError):
        manifest = {}
    report = SyncReport()
    for shipped in sorted(source.glob("*.ipynb")):
        name = shipped.name
        target = workspace / name
        shipped_sum = _checksum(shipped)
        current = _checksum(target) if target.exists() else None
        if current is None:
            target.write_bytes(shipped.read_bytes())
            report.copied.append(name)
        elif current == shipped_sum:
            report.unchanged.append(name)  # identical: recorded, so a lost manifest heals itself
        elif shipped_sum == manifest.get(name):
            report.unchanged.append(name)  # the learner's edits of the current version
            continue
        elif current == manifest.get(name):
            target.write_bytes(shipped.read_bytes())  # the learner never changed it: safe to update
            report.updated.append(name)
        else:
            (workspace / _new_name(name)).write_bytes(shipped.read_bytes())
            report.kept_with_new_beside.append(name)
            continue  # the manifest keeps the checksum of what the learner's copy came from
        manifest[name] = shipped_sum
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
    return report


def jupyter_command(workspace: Path, port: int | None = None, browser: bool = True) -> list[str]:
    """The command that serves ``workspace`` in JupyterLab, opening the first notebook."""
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        f"--ServerApp.root_dir={workspace}",
        f"--LabApp.default_url=/lab/tree/{START_NOTEBOOK}",
    ]
    if port is not None:
        command.append(f"--port={port}")
    if not browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI run as root; a learner does not
    return command


def run_jupyter(
    workspace: Path, port: int | None = None, browser: bool = True, extra: list[str] | None = None
) -> int:
    """Run JupyterLab in ``workspace`` until the learner stops it; returns its exit status."""
    command = jupyter_command(workspace, port, browser) + list(extra or [])
    if os.name == "posix":
        os.execv(command[0], command)  # the server takes this process's place, and its PID
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0
