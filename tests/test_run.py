"""run.py, the one command that sets up and starts the course or runs every test."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("tipcourse_run", ROOT / "run.py")
run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run)

XDIST = ["-n", "auto", "--dist", "loadscope"]


@pytest.mark.parametrize("arguments", [[], ["-m", "not browser and not slow"], ["-k", "facts"]])
def test_the_tests_run_on_every_core_by_default(arguments):
    """With pytest-xdist installed and no choice made, a worker per core, a module per worker."""
    assert run.parallel(Path(sys.executable), arguments) == XDIST


@pytest.mark.parametrize(
    "arguments",
    [
        ["-n", "0"],
        ["-n4"],
        ["--numprocesses=2"],
        ["-p", "no:xdist"],
        ["-pno:xdist"],
        ["--dist=load"],
        ["--dist", "load"],
    ],
)
def test_a_choice_of_workers_is_left_alone(arguments):
    """Whoever passes -n, --numprocesses, --dist or -p no:xdist gets exactly that."""
    assert run.parallel(Path(sys.executable), arguments) == []


def test_without_xdist_the_tests_run_in_one_process(monkeypatch):
    """A Python without pytest-xdist runs the suite as before."""
    monkeypatch.setattr(run.subprocess, "call", lambda *args, **kwargs: 1)
    assert run.parallel(Path(sys.executable), []) == []


def test_collecting_no_tests_is_a_failure(monkeypatch, capsys):
    """pytest's exit 5 (no tests collected) becomes 1, with a line that says why."""
    monkeypatch.setattr(run, "ensure_environment", lambda extras: Path(sys.executable))
    monkeypatch.setattr(run, "ensure_package", lambda package: True)
    commands = []

    def call(command, **kwargs):
        commands.append(command)
        return 5 if "pytest" in command else 1

    monkeypatch.setattr(run.subprocess, "call", call)
    assert run.test(["-k", "nothing-matches"]) == 1
    assert "no tests" in capsys.readouterr().err
    assert commands[-1][-2:] == ["-k", "nothing-matches"]


def test_an_unknown_command_prints_the_usage(monkeypatch, capsys):
    """`python3 run.py` or a misspelled command shows the two commands and exits 2."""
    monkeypatch.setattr(sys, "argv", ["run.py", "strat"])
    assert run.main() == 2
    assert "run.py start" in capsys.readouterr().out


@pytest.mark.parametrize("package", list(run.DEBIAN_PACKAGES))
def test_a_missing_package_is_installed_as_root_with_apt_get(
    tmp_path, monkeypatch, capsys, package
):
    """As root with apt-get, a missing test package (chromium, bubblewrap) is installed; the
    fake apt-get here puts its program on PATH, as Debian's would."""
    program = run.DEBIAN_PACKAGES[package][0]
    apt_get = tmp_path / "apt-get"
    apt_get.write_text(
        f'#!/bin/sh\n[ "$1" = install ] && printf "#!/bin/sh\\n" > {tmp_path}/'
        f"{program} && /bin/chmod +x {tmp_path}/{program}\nexit 0\n"
    )
    apt_get.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(run, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setattr(run.os, "geteuid", lambda: 0)
    assert run.ensure_package(package, apt_get=str(apt_get)) is True
    assert f"installing Debian's {package} package" in capsys.readouterr().out


def test_a_missing_package_without_root_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setattr(run, "package_found", lambda package: False)
    monkeypatch.setattr(run.os, "geteuid", lambda: 1000)
    assert run.ensure_package("bubblewrap") is False
    printed = capsys.readouterr().out
    assert "sudo apt-get install bubblewrap" in printed and "fail under CI=true" in printed
