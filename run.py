"""Set up the course and start it, or run every test: one command each, with only Python 3.10+.

    python run.py start    # install into .venv and open the course in JupyterLab
                           # (options go to `tipcourse start`, e.g. --no-browser --port 8890)
    python run.py test     # install into .venv with the test tools and run every test

The first run creates a virtual environment in ``.venv`` and installs tipcourse into it;
later runs reuse it and reinstall only when ``pyproject.toml`` has changed.
Standard library only: this file runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "tipcourse-install.stamp"


def venv_python() -> Path:
    """The Python interpreter inside .venv, on Windows and elsewhere."""
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def ensure_environment(extras: str) -> Path:
    """Create .venv if needed and install tipcourse (with ``extras``) when anything changed."""
    if sys.version_info < (3, 10):
        sys.exit(f"tipcourse needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    python = venv_python()
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        try:
            venv.create(VENV, with_pip=True, clear=VENV.exists())
        except (OSError, subprocess.CalledProcessError) as error:
            sys.exit(
                f"Could not create a virtual environment ({error}).\n"
                "On Debian or Ubuntu, install the venv module first: sudo apt install python3-venv"
            )
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return python
    print("Installing tipcourse and its dependencies (the first time takes a few minutes) ...", flush=True)
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    steps = [
        [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
        [str(python), "-m", "pip", "install", "--quiet", "--editable", target],
    ]
    for step in steps:
        if subprocess.call(step, cwd=ROOT) != 0:
            sys.exit("Installation failed: see pip's message above. Check your network connection and try again.")
    STAMP.write_text(wanted)
    return python


def start(arguments: list[str]) -> int:
    """Copy the notebooks into ./tipcourse-notebooks and open the course in JupyterLab."""
    python = ensure_environment("")
    return subprocess.call([str(python), "-m", "tipcourse", "start", *arguments], cwd=ROOT)


def test(arguments: list[str]) -> int:
    """Run every test; finding no tests counts as a failure."""
    python = ensure_environment("test")
    status = subprocess.call([str(python), "-m", "pytest", *arguments], cwd=ROOT)
    if status == 5:
        print("pytest collected no tests: that is a failure, not a pass.", file=sys.stderr)
        return 1
    return status


def main() -> int:
    commands = {"start": start, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
