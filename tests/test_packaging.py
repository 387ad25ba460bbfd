"""tipcourse installs and runs the same from a clone, an editable install and a wheel."""

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

import tipcourse

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "matplotlib", "ipywidgets", "nbformat", "nbclient")


def run_python(code, cwd, env=None):
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_is_light(tmp_path):
    """Importing tipcourse loads none of pandas, matplotlib, ipywidgets, nbformat or nbclient."""
    loaded = run_python(
        f"import sys, tipcourse; print([m for m in {HEAVY!r} if m in sys.modules])", cwd=tmp_path
    )
    assert loaded.strip() == "[]"


def test_public_api_is_explicit():
    """Every name in __all__ exists, and the foundation's names are there."""
    for name in tipcourse.__all__:
        assert hasattr(tipcourse, name), name
    assert {
        "load_report",
        "parse_report",
        "ReportFormatError",
        "facts",
        "tier_history",
        "tiers",
        "glossary",
    } <= set(tipcourse.__all__)


def test_command_line_help_and_version(tmp_path):
    """`tipcourse --help` describes the course and `--version` prints the version."""
    help_text = subprocess.run(
        [sys.executable, "-m", "tipcourse", "--help"], cwd=tmp_path, capture_output=True, text=True
    )
    assert help_text.returncode == 0
    assert "Trafficking in Persons Report" in help_text.stdout
    version = subprocess.run(
        [sys.executable, "-m", "tipcourse", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert version.stdout.strip() == f"tipcourse {tipcourse.__version__}"


def test_console_script_is_installed(tmp_path):
    """The `tipcourse` command itself (not only `python -m tipcourse`) is on the environment's path."""
    script = Path(sys.executable).parent / ("tipcourse.exe" if os.name == "nt" else "tipcourse")
    result = subprocess.run(
        [str(script), "--version"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.stdout.strip() == f"tipcourse {tipcourse.__version__}"


def test_command_line_about_cites_the_source(tmp_path):
    """`tipcourse about` names the publisher, the reporting period and the licence."""
    about = subprocess.run(
        [sys.executable, "-m", "tipcourse", "about"], cwd=tmp_path, capture_output=True, text=True
    )
    assert about.returncode == 0
    assert "U.S. Department of State" in about.stdout
    assert "1 April 2011 to 31 March 2012" in about.stdout  # dates written out
    assert "public domain" in about.stdout


def test_unknown_command_says_what_to_do(tmp_path):
    """A mistyped command gets argparse's usage message, not a traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "tipcourse", "strat"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "invalid choice" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel built from this checkout, without network access."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=600,
    )
    (built,) = out.glob("tipcourse-*.whl")
    return built


def test_wheel_carries_the_data_and_licences(wheel):
    """The wheel holds the narrative, the tables and the data licence inside the package."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "tipcourse/data/report/mexico-2012.txt",
        "tipcourse/data/report/mexico-2012.json",
        "tipcourse/data/facts/facts.csv",
        "tipcourse/data/glossary.csv",
        "tipcourse/data/tiers/tip_tiers_1999_2015_heiss_kelley.csv",
        "tipcourse/data/tiers/tip_tiers_1999_2015_heiss_kelley.LICENSE.txt",
        "tipcourse/locales/en.json",
        "tipcourse/views/question.js",  # the question view, which anywidget serves
        "tipcourse/views/question.css",
        "tipcourse/views/checker.js",  # the website's checker, script and styles
        "tipcourse/views/site.js",
        "tipcourse/views/site.css",
        "tipcourse/notebooks/00-start-here.ipynb",
        "tipcourse/course/04-prosecution.md",
    ):
        assert needed in names, needed
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def test_installed_wheel_finds_its_data_from_another_folder(wheel, tmp_path):
    """Installed from the wheel and used elsewhere, tipcourse reads its packaged data."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = run_python(
        "import tipcourse, tipcourse.report.datasets as d\n"
        "r = tipcourse.load_report()\n"
        "print(tipcourse.__file__)\n"
        "print(d.data_dir())\n"
        "from tipcourse.views.start import course_notebooks\n"
        "print(course_notebooks())\n"
        "print(r.country, r.tier, len(r.recommendations), len(tipcourse.facts()))\n",
        cwd=elsewhere,
        env=env,
    )
    module_file, data_folder, notebooks_folder, summary = out.strip().splitlines()
    assert Path(module_file).is_relative_to(target)
    assert Path(data_folder) == target / "tipcourse" / "data"
    assert Path(notebooks_folder) == target / "tipcourse" / "notebooks"
    assert summary == f"Mexico Tier 2 12 {len(tipcourse.facts())}"
    # The website builds from the installed package (as the GitHub Pages workflow does).
    built = subprocess.run(
        [sys.executable, "-m", "tipcourse", "site", "--out", str(tmp_path / "web")],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "web" / "es" / "04-prosecution.html").is_file()
    assert (tmp_path / "web" / "assets" / "tipcourse.js").stat().st_size > 20_000


def test_clone_finds_the_top_level_data_folder():
    """From the clone (or an editable install) the data folder is the repository's data/."""
    from tipcourse.report.datasets import data_dir

    if Path(tipcourse.__file__).resolve().is_relative_to(ROOT):
        assert data_dir() == ROOT / "data"
    else:
        pytest.skip("tipcourse is installed from a wheel here, not from this clone")


#: README examples that need a cluster this machine does not have: compiled, not run.
CLUSTER_ONLY = ("dask_jobqueue", "dask_gateway")


def test_readme_python_examples_run(tmp_path, monkeypatch):
    """The README's Python examples run as printed, so the README stays true; the recipes for a
    batch cluster or Dask Gateway must at least be valid Python."""
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = [
        textwrap.dedent(block.split("```", 1)[0].rsplit("\n", 1)[0] + "\n")
        for block in readme.split("```python\n")[1:]
    ]
    assert blocks, "the README has no Python example"
    monkeypatch.chdir(tmp_path)
    ran = 0
    for block in blocks:
        code = compile(block, "README.md", "exec")
        if not any(name in block for name in CLUSTER_ONLY):
            exec(code, {})
            ran += 1
    assert ran >= 2 and len(blocks) - ran == 2
