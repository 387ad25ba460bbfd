"""Set up the course and start it, or run every test: one command each, with only Python 3.10+.

    python run.py start    # install into .venv and open the course in JupyterLab
                           # (options go to `tipcourse start`, e.g. --no-browser --port 8890)
    python run.py test     # install into .venv with the test tools and run every test
                           # (and, as root with apt-get, Debian's chromium and bubblewrap
                           # for the browser and grading-sandbox tests)

The first run creates a virtual environment in ``.venv`` and installs tipcourse into it;
later runs reuse it and reinstall only when ``pyproject.toml`` has changed.
Standard library only: this file runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "tipcourse-install.stamp"
CHROMIUM = "/usr/bin/chromium"
APT_LISTS = Path("/var/lib/apt/lists")


def venv_python() -> Path:
    """The Python interpreter inside .venv, on Windows and elsewhere."""
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def ensure_environment(extras: str) -> Path:
    """Create .venv if needed and install tipcourse (with ``extras``) when anything changed."""
    if sys.version_info < (3, 10):  # noqa: UP036 (any python3 may start run.py)
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
    constraints = binder_constraints()
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + extras.encode() + constraints.encode()
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return python
    print(
        "Installing tipcourse and its dependencies (the first time takes a few minutes) ...",
        flush=True,
    )
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    steps = [
        [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
        [str(python), "-m", "pip", "install", "--quiet", "--editable", target],
    ]
    if constraints:  # the versions Binder runs, so the tests check what learners get there
        (VENV / "binder-constraints.txt").write_text(constraints)
        steps[1] += ["--constraint", str(VENV / "binder-constraints.txt")]
    for step in steps:
        if subprocess.call(step, cwd=ROOT) != 0:
            sys.exit(
                "Installation failed: see pip's message above. "
                "Check your network connection and try again."
            )
    STAMP.write_text(wanted)
    return python


def binder_constraints() -> str:
    """The exact versions pinned in binder/requirements.txt, when this Python can install them.

    Binder's pins need the Python named in binder/runtime.txt; an older Python (3.10 is
    supported) gets the newest versions pyproject.toml allows instead.
    """
    requirements, runtime = ROOT / "binder" / "requirements.txt", ROOT / "binder" / "runtime.txt"
    if not (requirements.exists() and runtime.exists()):
        return ""
    version = runtime.read_text().strip().removeprefix("python-")
    wanted = tuple(int(part) for part in version.split("."))
    if sys.version_info[: len(wanted)] < wanted:
        return ""
    lines = [line.split("#")[0].strip() for line in requirements.read_text().splitlines()]
    pins = [line for line in lines if "==" in line]
    return "\n".join(pins) + "\n"


def start(arguments: list[str]) -> int:
    """Copy the notebooks into ./tipcourse-notebooks and open the course in JupyterLab."""
    python = ensure_environment("")
    return subprocess.call([str(python), "-m", "tipcourse", "start", *arguments], cwd=ROOT)


#: Debian packages the tests use: the program each puts on PATH, and what it is for.
DEBIAN_PACKAGES = {
    "chromium": ("chromium", "the browser tests (tests/browser)"),
    "bubblewrap": ("bwrap", "the grading sandbox tests (tests/test_sandbox.py)"),
}


def package_found(package: str) -> bool:
    """Whether the program of a Debian package in DEBIAN_PACKAGES is there."""
    program = DEBIAN_PACKAGES[package][0]
    return (program == "chromium" and os.path.exists(CHROMIUM)) or shutil.which(program) is not None


def ensure_package(package: str, apt_get: str | None = None) -> bool:
    """Install a Debian package the tests need when it is missing and this is root with apt-get.

    Playwright cannot download its own browser here, so tests/browser drive Debian's Chromium;
    the grading sandbox is bubblewrap. Elsewhere, one line says which tests will be skipped
    (and fail under CI=true). Returns whether the program is there afterwards.
    """
    program, purpose = DEBIAN_PACKAGES[package]
    if package_found(package):
        return True
    apt_get = apt_get or shutil.which("apt-get")
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if not (apt_get and is_root):
        print(
            f"{program} is not installed, so {purpose} will be skipped (and fail under "
            f"CI=true); to run them, install it: sudo apt-get install {package}",
            flush=True,
        )
        return False
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

    def apt(*words: str) -> int:
        print(f"Running: apt-get {' '.join(words)}", flush=True)
        return subprocess.call([apt_get, *words], env=environment, stdin=subprocess.DEVNULL)

    print(f"{program} is missing: installing Debian's {package} package for {purpose}.", flush=True)
    updated = False
    if not any(APT_LISTS.glob("*Packages*")):  # no package lists yet: apt-get knows nothing
        apt("update")
        updated = True
    status = apt("install", "-y", package)
    if status != 0 and not updated:  # stale package lists: update them and try once more
        apt("update")
        status = apt("install", "-y", package)
    if status != 0 or not package_found(package):
        print(
            f"Could not install {package} (see apt-get's message above): {purpose} will be "
            "skipped (and fail under CI=true).",
            flush=True,
        )
        return False
    print(f"{package} installed: {shutil.which(program) or program}", flush=True)
    return True


def parallel(python: Path, arguments: list[str]) -> list[str]:
    """pytest-xdist's options: a worker per core, each test module (and each notebook, whose
    cells nbval runs as one module) on one worker; none when the user chose (``-n``,
    ``--numprocesses``, ``-p no:xdist``) or xdist is missing."""
    chosen = any(
        argument in ("-n", "--numprocesses", "no:xdist", "-pno:xdist", "--dist")
        or argument.startswith(("-n", "--numprocesses=", "--dist="))
        for argument in arguments
    )
    if chosen:
        return []
    found = subprocess.call(
        [str(python), "-c", "import xdist"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return ["-n", "auto", "--dist", "loadscope"] if found == 0 else []


def test(arguments: list[str]) -> int:
    """Run every test, in parallel with pytest-xdist; finding no tests counts as a failure."""
    python = ensure_environment("test")
    for package in DEBIAN_PACKAGES:
        ensure_package(package)
    command = [str(python), "-m", "pytest", *parallel(python, arguments), *arguments]
    status = subprocess.call(command, cwd=ROOT)
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
