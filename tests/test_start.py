"""`tipcourse start` copies the course into a workspace without ever overwriting a learner's work."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tipcourse.views.start import MANIFEST, START_NOTEBOOK, course_notebooks, sync_workspace


@pytest.fixture
def course(tmp_path):
    """A copy of the course notebooks that a test may change, as a new course release would."""
    source = tmp_path / "course"
    shutil.copytree(course_notebooks(), source)
    return source


def edit(path, words):
    notebook = json.loads(path.read_text("utf-8"))
    notebook["cells"].append(
        {
            "cell_type": "markdown",
            "id": f"edit-{len(notebook['cells'])}",
            "metadata": {},
            "source": words,
        }
    )
    path.write_text(json.dumps(notebook), "utf-8")


def test_first_start_copies_every_notebook(course, tmp_path):
    """The first start copies every course notebook into the workspace."""
    workspace = tmp_path / "work"
    report = sync_workspace(workspace, course)
    shipped = sorted(p.name for p in course.glob("*.ipynb"))
    assert START_NOTEBOOK in shipped
    assert report.copied == shipped
    for name in shipped:
        assert (workspace / name).read_bytes() == (course / name).read_bytes()
    assert set(json.loads((workspace / MANIFEST).read_text())) == set(shipped)


def test_learner_changes_survive_a_restart(course, tmp_path):
    """Starting again keeps a notebook the learner changed, byte for byte, and adds nothing beside it."""
    workspace = tmp_path / "work"
    sync_workspace(workspace, course)
    edit(workspace / START_NOTEBOOK, "my notes")
    mine = (workspace / START_NOTEBOOK).read_bytes()
    report = sync_workspace(workspace, course)
    assert (workspace / START_NOTEBOOK).read_bytes() == mine
    assert START_NOTEBOOK in report.unchanged
    assert not list(workspace.glob("*.new.ipynb"))


def test_newer_course_version_lands_beside_a_changed_notebook(course, tmp_path):
    """A new course release never overwrites the learner's copy: it arrives as NAME.new.ipynb."""
    workspace = tmp_path / "work"
    sync_workspace(workspace, course)
    edit(workspace / START_NOTEBOOK, "my notes")
    mine = (workspace / START_NOTEBOOK).read_bytes()
    edit(course / START_NOTEBOOK, "a corrected paragraph")
    report = sync_workspace(workspace, course)
    assert (workspace / START_NOTEBOOK).read_bytes() == mine
    beside = workspace / START_NOTEBOOK.replace(".ipynb", ".new.ipynb")
    assert beside.read_bytes() == (course / START_NOTEBOOK).read_bytes()
    assert report.kept_with_new_beside == [START_NOTEBOOK]
    assert any(beside.name in line for line in report.lines())


def test_untouched_notebook_is_updated_to_the_new_release(course, tmp_path):
    """A notebook the learner never changed simply becomes the course's newer version."""
    workspace = tmp_path / "work"
    sync_workspace(workspace, course)
    edit(course / START_NOTEBOOK, "a corrected paragraph")
    report = sync_workspace(workspace, course)
    assert report.updated == [START_NOTEBOOK]
    assert (workspace / START_NOTEBOOK).read_bytes() == (course / START_NOTEBOOK).read_bytes()


def test_lost_manifest_still_protects_the_learner(course, tmp_path):
    """With the manifest deleted or damaged, a changed notebook is still kept and the new one put beside."""
    workspace = tmp_path / "work"
    sync_workspace(workspace, course)
    edit(workspace / START_NOTEBOOK, "my notes")
    (workspace / MANIFEST).write_text("{not json", "utf-8")
    mine = (workspace / START_NOTEBOOK).read_bytes()
    sync_workspace(workspace, course)
    assert (workspace / START_NOTEBOOK).read_bytes() == mine
    assert (workspace / START_NOTEBOOK.replace(".ipynb", ".new.ipynb")).exists()


def test_a_lost_manifest_heals_for_untouched_notebooks(course, tmp_path):
    """After the manifest is lost, untouched notebooks are recorded again, so the next course
    update replaces them instead of leaving a spurious NAME.new.ipynb beside each one."""
    workspace = tmp_path / "work"
    sync_workspace(workspace, course)
    (workspace / MANIFEST).unlink()
    report = sync_workspace(workspace, course)
    shipped = sorted(p.name for p in course.glob("*.ipynb"))
    assert report.unchanged == shipped
    assert set(json.loads((workspace / MANIFEST).read_text())) == set(shipped)
    edit(course / START_NOTEBOOK, "a corrected paragraph")
    report = sync_workspace(workspace, course)
    assert report.updated == [START_NOTEBOOK]
    assert not list(workspace.glob("*.new.ipynb"))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_start_serves_the_course_in_jupyterlab(tmp_path):
    """`tipcourse start` serves the workspace and opens notebook 00 by default; the test stops it."""
    port, token = free_port(), "tipcourse-test-token"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    workspace = tmp_path / "course"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tipcourse",
            "start",
            "--dir",
            str(workspace),
            "--no-browser",
            "--port",
            str(port),
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.token={token}",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=5
                ) as reply:
                    listing = json.load(reply)
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "JupyterLab did not start within 90 s"
                time.sleep(0.5)
        assert START_NOTEBOOK in {item["name"] for item in listing["content"]}

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(f"http://127.0.0.1:{port}/?token={token}", timeout=10)
        location = urllib.parse.urlsplit(redirect.value.headers["Location"])
        assert location.path == f"/lab/tree/{START_NOTEBOOK}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    output = server.stdout.read().decode()
    assert "Course notebooks:" in output
