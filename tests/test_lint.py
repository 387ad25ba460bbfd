"""Style held by tools: ruff lint (with a complexity limit) and ruff format over the repository,
and mypy over tipcourse/, all clean."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_tool(module: str, *arguments: str) -> subprocess.CompletedProcess:
    """Run ``python -m module`` from the repository root with its settings in pyproject.toml."""
    if importlib.util.find_spec(module) is None:
        pytest.fail(
            f"{module} is not installed: install the test extras, "
            f"pip install -e '.[test]' (python3 run.py test does it)",
            pytrace=False,
        )
    return subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_ruff_finds_nothing():
    """`ruff check` passes over tipcourse, tests, tools, benchmarks, run.py and conftest.py."""
    result = run_tool("ruff", "check", "--no-fix", str(ROOT))
    assert result.returncode == 0, f"ruff check found problems:\n{result.stdout}{result.stderr}"


def test_ruff_format_changes_nothing():
    """`ruff format --check`: every Python file is as the formatter writes it."""
    result = run_tool("ruff", "format", "--check", str(ROOT))
    assert result.returncode == 0, (
        f"run `ruff format` (it would change these):\n{result.stdout}{result.stderr}"
    )


def test_no_function_is_too_complex():
    """ruff's C901 is on with at most 15 branches a function: a complex function is split."""
    import re

    settings = (ROOT / "pyproject.toml").read_text("utf-8")  # tomllib is Python 3.11+
    assert re.search(r'^select = \[[^]]*"C90"', settings, re.MULTILINE)
    assert re.search(r"^\[tool\.ruff\.lint\.mccabe\]\nmax-complexity = 15$", settings, re.MULTILINE)


def test_mypy_finds_nothing():
    """mypy type-checks tipcourse/ without an error."""
    config = str(ROOT / "pyproject.toml")
    result = run_tool("mypy", "--config-file", config, str(ROOT / "tipcourse"))
    assert result.returncode == 0, f"mypy found problems:\n{result.stdout}{result.stderr}"
