"""Binder: the build that repo2docker makes from binder/, reproduced in a fresh virtual environment.

With a binder/ folder, repo2docker ignores the repository root's configuration: it runs
``pip install -r binder/requirements.txt`` from the repository root (the ``.`` line there installs
tipcourse itself), then ``binder/postBuild``. The fixture below does the same, once per test
session, in a new virtual environment with nothing but pip in it; the tests then check that every
notebook, with its reference solutions filled in, runs in that environment with its own Jupyter
and passes every exercise check (the only run of the solution versions), that the kernel imports the installed
tipcourse and not this checkout, that JupyterLab has the widgets extension and the settings
override that postBuild writes, and that the pins in binder/requirements.txt are the versions
this test run uses, so Binder runs what was tested.

The pip install downloads from the package index and takes minutes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from tipcourse.report.messages import in_language, message
from tipcourse.views.authoring import build, read_sources

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
REQUIREMENTS = BINDER / "requirements.txt"
POSTBUILD = BINDER / "postBuild"
RUNTIME = BINDER / "runtime.txt"
SOURCES = read_sources(ROOT / "course")
#: Both editions: the Spanish notebooks run with their solutions too.
EDITIONS = {"en": SOURCES, "es": read_sources(ROOT / "course" / "es")}


def role(cell) -> str | None:
    return cell.metadata.get("tipcourse", {}).get("role")


def outputs_text(cell) -> str:
    return "\n".join(
        output.get("data", {}).get("text/plain", "") or output.get("text", "")
        for output in cell.get("outputs", [])
    )


WIDGETS_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
NOTIFICATION_SETTINGS = "@jupyterlab/apputils-extension:notification"

PIP_TIMEOUT = 1800  # seconds, for each pip command
NOTEBOOK_TIMEOUT = 900  # seconds, for one notebook with nbconvert
# Variables of the calling environment that would let the fresh environment see this checkout,
# the development environment or the developer's own Jupyter set-up.
LEAKY = {
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONUSERBASE",
    "VIRTUAL_ENV",
    "CONDA_PREFIX",
    "JUPYTER_PATH",
    "JUPYTER_CONFIG_PATH",
    "JUPYTER_PREFER_ENV_PATH",
    "JUPYTERLAB_DIR",
    "JUPYTER_PLATFORM_DIRS",
    "IPYTHONDIR",
    "MPLBACKEND",
}


# --- running commands, leaving no process behind -------------------------------------------------


def _kill_group(pgid: int, sig: int | None = None) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL if sig is None else sig)
    except (ProcessLookupError, PermissionError):
        pass


def run(command, *, cwd, env, timeout) -> subprocess.CompletedProcess:
    """Run ``command`` in a process group of its own; whatever is left of the group is killed."""
    process = subprocess.Popen(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        text=True,
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process.pid)
        output, _ = process.communicate()
        output += f"\n[killed: still running after {timeout} s]"
    finally:
        _kill_group(process.pid)  # kernels or servers a command may have left running
    return subprocess.CompletedProcess(command, process.returncode, output, None)


def tail(text: str, limit: int = 12000) -> str:
    return text if len(text) <= limit else "[...]\n" + text[-limit:]


def check(result: subprocess.CompletedProcess, what: str) -> str:
    assert result.returncode == 0, (
        f"{what} failed (exit {result.returncode}): {' '.join(map(str, result.args))}\n{tail(result.stdout)}"
    )
    return result.stdout


# --- reading binder/ --------------------------------------------------------------------------------


def requirement_lines() -> list[str]:
    lines = []
    for raw in REQUIREMENTS.read_text("utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def pins() -> dict[str, tuple[str, str]]:
    """binder/requirements.txt's pinned packages: canonical name -> (name as written, version)."""
    found = {}
    for line in requirement_lines():
        if line == ".":
            continue
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", (
            f"binder/requirements.txt: {line!r} is not pinned with == to one version"
        )
        key = canonicalize_name(requirement.name)
        assert key not in found, f"binder/requirements.txt names {requirement.name} twice"
        found[key] = (requirement.name, specifiers[0].version)
    return found


def runtime_dependencies() -> list[Requirement]:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def project_requires_python() -> SpecifierSet:
    tomllib = pytest.importorskip("tomllib")
    return SpecifierSet(
        tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["requires-python"]
    )


# --- the build, once per test session ----------------------------------------------------------------


@dataclass
class BinderEnvironment:
    venv: Path
    bin: Path
    python: Path
    env: dict
    work: Path
    pip_seconds: float
    notebooks_at_install: list[str]

    def site_packages(self) -> Path:
        return (
            self.venv
            / "lib"
            / f"python{sys.version_info.major}.{sys.version_info.minor}"
            / "site-packages"
        )

    def run_python(self, code: str, what: str, cwd: Path | None = None) -> str:
        return check(
            run([self.python, "-c", code], cwd=cwd or self.work, env=self.env, timeout=300), what
        )


def environment_for(venv: Path, work: Path) -> dict:
    """The environment Binder's build and server run with: the venv's bin first on PATH."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in LEAKY and not key.startswith("TIPCOURSE_")
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', os.defpath)}"
    env["VIRTUAL_ENV"] = str(venv)
    env["NB_PYTHON_PREFIX"] = str(venv)  # set by repo2docker; postBuild reads it
    env["PYTHONNOUSERSITE"] = "1"
    # The developer's own Jupyter and matplotlib settings stay out of it.
    for variable, folder in {
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "JUPYTERLAB_SETTINGS_DIR": "lab-user-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
    }.items():
        (work / folder).mkdir(parents=True, exist_ok=True)
        env[variable] = str(work / folder)
    env["TIPCOURSE_LEARNER"] = "binder-check"
    env["TIPCOURSE_LANG"] = "en"
    env["TIPCOURSE_HOME"] = str(work / "tipcourse-home")
    return env


def say(request, line: str) -> None:
    """Print a line on the terminal now, past pytest's output capture."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    if capture is None:
        reporter.write_line(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line)


@pytest.fixture(scope="module")
def binder(tmp_path_factory, request):
    """A fresh venv built as repo2docker builds binder/: pip install -r binder/requirements.txt, postBuild."""
    if os.name == "nt" or shutil.which("bash") is None:
        pytest.skip(
            "Binder builds on Linux: reproducing it needs a POSIX virtual environment and bash"
        )
    base = tmp_path_factory.mktemp("binder")
    venv, work = base / "venv", base / "work"
    work.mkdir()
    env = environment_for(venv, work)

    check(
        run([sys.executable, "-m", "venv", venv], cwd=work, env=env, timeout=300), "python -m venv"
    )
    python = venv / "bin" / "python"
    # repo2docker's environment comes with a current pip, not the one that `venv` bundles:
    # use the pip of the environment running these tests.
    pip = [python, "-m", "pip", "--disable-pip-version-check"]
    result = run(
        [*pip, "install", "--quiet", f"pip=={metadata.version('pip')}"],
        cwd=work,
        env=env,
        timeout=PIP_TIMEOUT,
    )
    if result.returncode != 0:
        pytest.fail(
            f"upgrading pip in the fresh environment failed:\n{tail(result.stdout)}", pytrace=False
        )

    notebooks_at_install = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
    started = time.monotonic()
    result = run(
        [*pip, "install", "-r", "binder/requirements.txt"], cwd=ROOT, env=env, timeout=PIP_TIMEOUT
    )
    pip_seconds = time.monotonic() - started
    if result.returncode != 0:
        pytest.fail(
            f"pip install -r binder/requirements.txt failed after {pip_seconds:.0f} s "
            f"(exit {result.returncode}):\n{tail(result.stdout)}",
            pytrace=False,
        )
    say(request, f"test_binder: pip install -r binder/requirements.txt took {pip_seconds:.0f} s")

    if POSTBUILD.exists():
        check(run(["bash", POSTBUILD], cwd=ROOT, env=env, timeout=300), "binder/postBuild")

    yield BinderEnvironment(
        venv, venv / "bin", python, env, work, pip_seconds, notebooks_at_install
    )
    shutil.rmtree(base, ignore_errors=True)  # the environment is large: do not keep it


# --- binder/ itself ----------------------------------------------------------------------------------


def test_requirements_install_tipcourse_from_the_repository_root():
    """tipcourse is installed with a plain `.` line (a wheel built from the root), never editable."""
    lines = requirement_lines()
    assert "." in lines, "binder/requirements.txt must install tipcourse with a line '.'"
    assert not [line for line in lines if line.startswith(("-e", "--editable"))]


def test_every_runtime_dependency_is_pinned_within_pyproject():
    """Each of pyproject's runtime dependencies is pinned, to a version its specifier allows."""
    pinned = pins()
    for dependency in runtime_dependencies():
        key = canonicalize_name(dependency.name)
        assert key in pinned, (
            f"{dependency.name} (a runtime dependency in pyproject.toml) is not pinned in binder/"
        )
        assert dependency.specifier.contains(pinned[key][1], prereleases=True), (
            f"binder/ pins {dependency.name}=={pinned[key][1]}, outside pyproject's {dependency}"
        )


def test_pins_are_the_versions_these_tests_run_with():
    """Every pin equals the version installed here, so Binder runs what the test suite checked.

    run.py installs the test environment with these pins as constraints whenever the Python
    allows it, so this holds on CI; on an older Python the pins cannot be installed at all.
    """
    runtime = Version(RUNTIME.read_text("utf-8").strip().removeprefix("python-"))
    if Version(f"{sys.version_info.major}.{sys.version_info.minor}") < runtime:
        pytest.skip(f"the pins need Python {runtime}; this is {sys.version.split()[0]}")
    drift = {}
    for name, version in pins().values():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        if installed == "not installed" or Version(installed) != Version(version):
            drift[name] = f"pinned {version}, tests run with {installed}"
    assert not drift, f"binder/requirements.txt has drifted from the test environment: {drift}"


def test_runtime_python_can_install_the_pins():
    """binder/runtime.txt asks for a Python that tipcourse and every pinned release accept."""
    text = RUNTIME.read_text("utf-8").strip()
    assert text.startswith("python-"), f"binder/runtime.txt should read python-X.Y, not {text!r}"
    python = Version(text.removeprefix("python-"))
    assert project_requires_python().contains(python)
    for name, version in pins().values():
        distribution = metadata.distribution(name)
        requires = distribution.metadata.get("Requires-Python")
        if requires:
            assert SpecifierSet(requires).contains(python), (
                f"{name}=={version} needs Python {requires}"
            )


def test_postbuild_stops_at_the_first_error():
    """postBuild is an executable bash script whose first command is `set -e`."""
    assert os.access(POSTBUILD, os.X_OK), "binder/postBuild must be executable"
    lines = POSTBUILD.read_text("utf-8").splitlines()
    assert lines and lines[0].strip() == "#!/bin/bash"
    commands = [
        line.strip() for line in lines[1:] if line.strip() and not line.strip().startswith("#")
    ]
    assert commands and commands[0] == "set -e", (
        f"the first command in binder/postBuild is {commands[:1]}"
    )


# --- the environment that binder/ builds -------------------------------------------------------------


def test_fresh_environment_has_the_pinned_versions(binder):
    names = [name for name, _ in pins().values()]
    code = (
        "import json, sys; from importlib import metadata\n"
        f"print(json.dumps({{n: metadata.version(n) for n in {names!r}}}))"
    )
    installed = json.loads(binder.run_python(code, "reading versions in the Binder environment"))
    expected = {name: version for name, version in pins().values()}
    assert {name: str(Version(v)) for name, v in installed.items()} == {
        name: str(Version(v)) for name, v in expected.items()
    }


def test_installed_tipcourse_is_the_wheel_not_the_checkout(binder):
    """From a folder outside the repository, tipcourse, its data and its notebooks come from the venv."""
    code = """
import json, tipcourse
from importlib import metadata
from tipcourse.report.datasets import data_dir
from tipcourse.views.start import course_notebooks
report = tipcourse.load_report()
direct_url = metadata.distribution("tipcourse").read_text("direct_url.json")
print(json.dumps({
    "file": tipcourse.__file__, "version": tipcourse.__version__,
    "data": str(data_dir()), "notebooks": str(course_notebooks()),
    "shipped": sorted(p.name for p in course_notebooks().glob("*.ipynb")),
    "report": [report.country, report.tier, report.year],
    "direct_url": json.loads(direct_url) if direct_url else None,
}))
"""
    found = json.loads(binder.run_python(code, "importing tipcourse in the Binder environment"))
    venv = binder.venv.resolve()
    for key in ("file", "data", "notebooks"):
        path = Path(found[key]).resolve()
        assert path.is_relative_to(venv), (
            f"tipcourse's {key} is {path}, outside the Binder environment"
        )
        assert not path.is_relative_to(ROOT), f"tipcourse's {key} is {path}, in the checkout"
    assert found["report"] == ["Mexico", "Tier 2", 2012]
    assert "00-start-here.ipynb" in found["shipped"]
    assert found["shipped"] == binder.notebooks_at_install, (
        "the wheel does not carry every notebook"
    )
    assert not (found["direct_url"] or {}).get("dir_info", {}).get("editable", False), (
        "installed in editable mode"
    )

    import tipcourse

    assert found["version"] == tipcourse.__version__
    script = check(
        run([binder.bin / "tipcourse", "--version"], cwd=binder.work, env=binder.env, timeout=120),
        "tipcourse --version",
    )
    assert script.strip() == f"tipcourse {tipcourse.__version__}"


def test_widgets_extension_is_installed(binder):
    output = check(
        run(
            [binder.bin / "jupyter", "labextension", "list"],
            cwd=binder.work,
            env=binder.env,
            timeout=300,
        ),
        "jupyter labextension list",
    )
    lines = [line for line in output.splitlines() if WIDGETS_EXTENSION in line]
    assert lines, f"{WIDGETS_EXTENSION} is not listed:\n{output}"
    assert "enabled" in lines[0] and "OK" in lines[0], lines[0]


def test_postbuild_turns_off_the_news_notification(binder):
    """The override that postBuild writes names real settings, and JupyterLab's server applies it."""
    override = json.loads(
        (binder.venv / "share/jupyter/lab/settings/overrides.json").read_text("utf-8")
    )
    wanted = override[NOTIFICATION_SETTINGS]
    assert wanted["fetchNews"] == "false"
    schema = json.loads(
        (
            binder.venv
            / "share/jupyter/lab/schemas/@jupyterlab/apputils-extension/notification.json"
        ).read_text("utf-8")
    )
    for key, value in wanted.items():
        assert key in schema["properties"], f"{key} is not a JupyterLab notification setting"
        allowed = [choice["const"] for choice in schema["properties"][key].get("oneOf", [])]
        assert not allowed or value in allowed, f"{key}={value!r}: JupyterLab accepts {allowed}"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = "binder-check-token"
    log_path = binder.work / "jupyterlab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                str(binder.bin / "jupyter"),
                "lab",
                "--no-browser",
                "--allow-root",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={binder.work}",
            ],
            cwd=binder.work,
            env=binder.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}/lab/api/settings/{NOTIFICATION_SETTINGS}?token={token}"
        deadline, reply = time.monotonic() + 120, None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    reply = json.load(response)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert reply is not None, (
            f"JupyterLab did not answer on port {port}:\n{tail(log_path.read_text())}"
        )
        defaults = {key: reply["schema"]["properties"][key]["default"] for key in wanted}
        assert defaults == wanted, (
            f"JupyterLab's defaults are {defaults}, not the override {wanted}"
        )
    finally:
        _kill_group(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        _kill_group(server.pid)
        server.wait()


def test_kernel_imports_the_installed_tipcourse(binder):
    """A kernel started in notebooks/, as Binder starts one, imports the installed tipcourse."""
    script = """
import json, sys
import nbformat
from nbclient import NotebookClient
cell = nbformat.v4.new_code_cell(
    "import json, sys, tipcourse\\nprint(json.dumps({'python': sys.executable, 'file': tipcourse.__file__}))"
)
notebook = nbformat.v4.new_notebook(cells=[cell])
notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
NotebookClient(notebook, timeout=300, resources={"metadata": {"path": sys.argv[1]}}).execute()
print(notebook.cells[0].outputs[0]["text"])
"""
    output = check(
        run(
            [binder.python, "-c", script, ROOT / "notebooks"],
            cwd=binder.work,
            env=binder.env,
            timeout=600,
        ),
        "a kernel in the Binder environment",
    )
    found = json.loads(output.strip().splitlines()[-1])
    assert Path(found["python"]).parent == binder.bin, f"the kernel runs {found['python']}"
    assert Path(found["file"]).resolve().is_relative_to(binder.venv.resolve()), (
        f"the kernel imported {found['file']}"
    )


@pytest.mark.parametrize(
    "source",
    [source for sources in EDITIONS.values() for source in sources],
    ids=[
        f"{language}-{source.notebook_name.removesuffix('.ipynb')}"
        for language, sources in EDITIONS.items()
        for source in sources
    ],
)
def test_notebook_passes_with_the_reference_solutions_in_the_binder_environment(
    binder, source, tmp_path
):
    """Every course notebook, its reference solutions filled in, runs from top to bottom with the
    Binder environment's Jupyter, and every exercise check in it passes.

    This is the one run of the solution versions (built as tools/build_notebooks.py builds the
    course, with ``solutions=True``): the plain notebooks run in nbval and in the browser tests,
    and the solution versions hold every cell of the plain ones plus the answers.
    """
    notebook = build(source, EDITIONS[source.language], solutions=True)
    answers = [
        cell for cell in notebook.cells if cell.cell_type == "code" and role(cell) == "answer"
    ]
    assert answers, f"{source.notebook_name} has no exercise to fill in"
    folder, home = tmp_path / "solutions", tmp_path / "tipcourse-home"
    folder.mkdir()
    nbformat.write(notebook, folder / source.notebook_name)
    env = dict(binder.env, TIPCOURSE_HOME=str(home))
    out = tmp_path / "executed"
    result = run(
        [
            binder.bin / "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            f"--ExecutePreprocessor.timeout={NOTEBOOK_TIMEOUT}",
            "--output-dir",
            out,
            folder / source.notebook_name,
        ],
        cwd=folder,
        env=env,
        timeout=NOTEBOOK_TIMEOUT + 120,
    )
    check(result, f"executing {source.notebook_name} with the reference solutions")
    executed = nbformat.read(out / source.notebook_name, as_version=4)
    errors = [
        output.get("ename", "") + ": " + output.get("evalue", "")
        for cell in executed.cells
        if cell.cell_type == "code" and "raises-exception" not in cell.metadata.get("tags", [])
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors, f"{source.notebook_name}: {errors}"

    # Every exercise check passed: recorded as correct, and said so under the cell.
    rows = []
    if (home / "attempts.db").exists():
        with closing(sqlite3.connect(home / "attempts.db")) as db:
            rows = db.execute("SELECT item_id, correct FROM attempts").fetchall()
    passed = {item for item, correct in rows if correct}
    assert passed == {cell.metadata["tipcourse"]["exercise"] for cell in answers}
    with in_language(source.language):
        label = message("outcome.label.correct")
    ran = [cell for cell in executed.cells if cell.cell_type == "code" and role(cell) == "answer"]
    assert len(ran) == len(answers)
    assert all(label in outputs_text(cell) for cell in ran), [
        cell.source for cell in ran if label not in outputs_text(cell)
    ]
