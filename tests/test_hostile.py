"""Grading that never loses a mark: a mixed batch built from a real handout (``assign``), graded
through the command line, with normal, hostile and oddly named submissions side by side.

Each case is one submission of the batch: a lone surrogate and a reflection of 200,000
characters, a learner id written as another learner's, a symbolic link, a named pipe, a folder
and a device named like notebooks, file names that are not UTF-8 or carry terminal escapes, a
tree thousands of folders deep with a locked folder in it, and an item removed from the bank
after ``assign``. Every output must be complete and readable back.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

import tipcourse
from tipcourse import cli
from tipcourse.instructor._analyze import analysis
from tipcourse.instructor._assign import assign
from tipcourse.instructor._cells import ManifestEntry
from tipcourse.instructor.grading import _folder
from tipcourse.instructor.grading._decode import Unreadable, decode
from tipcourse.instructor.grading._folder import SubmissionFolder, remove_tree
from tipcourse.instructor.grading._grade import grade
from tipcourse.instructor.grading._manual import read_manual, write_manual

ESCAPE = "\x1b[31mred\x1b[0m"
LONG = "word " * 40_000  # 200,000 characters: over csv's default field limit of 131,072
DEEP = """
import os
here = os.getcwd()
for _ in range(1500):
    os.mkdir("d"); os.chdir("d")
os.mkdir("locked"); open("locked/x", "w").write("x"); os.chmod("locked", 0)
os.chdir(here)
"""


def handout(hw: Path) -> tuple[dict, nbformat.NotebookNode]:
    """The assignment of notebook 04 and its key notebook."""
    assign(hw, notebooks=["04"])
    manifest = json.loads((hw / "assignment.json").read_text("utf-8"))
    key = nbformat.read(hw / "key" / "04-prosecution.ipynb", as_version=4)
    return manifest, key


def role(notebook: nbformat.NotebookNode, name: str) -> list:
    return [
        cell
        for cell in notebook.cells
        if cell.get("metadata", {}).get("tipcourse", {}).get("role") == name
    ]


def variant(
    key: nbformat.NotebookNode,
    learner: str,
    reflection: str | None = None,
    choice: str | None = None,
    extra: str | None = None,
) -> str:
    """The key notebook answered as given: its learner, its reflection, one choice answer."""
    notebook = nbformat.from_dict(json.loads(json.dumps(key)))
    role(notebook, "learner")[0].source = f"learner = {learner!r}"
    if reflection is not None:
        role(notebook, "written")[0].source = "*Your reflection:*\n\n" + reflection
    if choice is not None:
        answer = next(
            cell for cell in role(notebook, "answer") if "question" in cell.metadata["tipcourse"]
        )
        variable = answer.source.split("=")[0].strip()
        answer.source = f"{variable} = {choice!r}"
    if extra is not None:
        notebook.cells.insert(1, nbformat.v4.new_code_cell(extra))
    # ensure_ascii keeps a lone surrogate as the JSON escape a notebook file can carry
    return json.dumps(notebook, ensure_ascii=True)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    manifest, key = handout(root / "hw")
    # An item removed from the bank after assign: still in the manifest, gone from the bank.
    manifest["notebooks"][0]["items"].append(
        {"id": "prosecution.e99", "kind": "exercise", "points": 2, "variable": "gone"}
    )
    (root / "hw" / "assignment.json").write_text(json.dumps(manifest), "utf-8")
    subs = root / "submissions"
    subs.mkdir()
    normal = subs / "normal.ipynb"
    normal.write_text(variant(key, "s0042@uni.example", "My own words."), "utf-8")
    (subs / "surrogate.ipynb").write_text(
        variant(key, " S0042@UNI.EXAMPLE ", "\ud800 " + LONG, choice="\ud800", extra=DEEP), "utf-8"
    )
    odd = [
        os.fsencode(str(subs)) + b"/latin1-\xe9.ipynb",
        os.fsencode(str(subs / f"{ESCAPE}\nname.ipynb")),
        os.fsencode(str(subs / "-h.ipynb")),
    ]
    for number, name in enumerate(odd):
        with open(name, "w", encoding="utf-8") as handle:
            handle.write(variant(key, f"odd{number}@uni.example"))
    (subs / "link.ipynb").symlink_to(normal)
    os.mkfifo(subs / "pipe.ipynb")
    (subs / "folder.ipynb").mkdir()
    os.mknod(subs / "device.ipynb", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    export = root / "lms.csv"
    export.write_text("Email address,HW1\ns0042@uni.example,\nodd0@uni.example,\n", "utf-8")
    out = root / "out" / "gradebook.csv"
    temp = root / "grader-temp"
    temp.mkdir()
    saved = tempfile.tempdir
    tempfile.tempdir = str(temp)
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        old = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = stdout, stderr
        code = cli.main(
            [
                "grade",
                str(subs),
                "--out",
                str(out),
                "--assignment",
                str(root / "hw"),
                "--jobs",
                "2",
                "--timeout",
                "120",
                "--lms-gradebook",
                str(export),
                "--lms-column",
                "HW1",
            ]
        )
    finally:
        sys.stdout, sys.stderr = old
        tempfile.tempdir = saved
    return {
        "code": code,
        "out": out,
        "root": root,
        "temp": temp,
        "stdout": stdout.getvalue(),
        "stderr": stderr.getvalue(),
        "export": export,
    }


def rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"), newline="")))


def by_name(graded) -> dict[str, dict[str, str]]:
    return {Path(row["submission"]).name: row for row in rows(graded["out"])}


def test_every_output_is_written_complete_and_the_run_succeeds(graded):
    """Exit 0; a row for every entry of the folder; every CSV reads back whole."""
    assert graded["code"] == 0, graded["stderr"]
    found = by_name(graded)
    assert len(found) == 9 and "Traceback" not in graded["stderr"]
    assert found["normal.ipynb"]["status"] == "ok"
    responses = rows(graded["out"].with_name("gradebook-responses.csv"))
    assert {Path(row["submission"]).name for row in responses} == {
        name for name, row in found.items() if row["status"] != "invalid"
    }
    assert len(list((graded["out"].parent / "gradebook-feedback").glob("*.md"))) == 9


def test_a_lone_surrogate_and_a_long_reflection_are_written_and_read_back(graded):
    """The reflection (200,000 characters, a lone surrogate) goes to the manual sheet escaped,
    and --manual reads that sheet back; the choice answer "\\ud800" is in the responses."""
    manual = graded["out"].with_name("gradebook-manual.csv")
    texts = {Path(row["submission"]).name: row["text"] for row in rows(manual)}
    assert texts["surrogate.ipynb"].startswith("\\ud800 word word")
    assert len(texts["surrogate.ipynb"]) > 131_072
    assert read_manual(manual).scores == {}  # readable: nothing scored yet
    responses = rows(graded["out"].with_name("gradebook-responses.csv"))
    assert any("\\ud800" in row["answer"] for row in responses)


def test_the_manual_sheet_is_replaced_only_by_a_complete_one(tmp_path):
    """A re-grade whose text holds a lone surrogate rewrites the sheet whole: scores kept."""
    from tipcourse.instructor.grading._grade import Result

    items = [ManifestEntry("prosecution.r01", "written", 5)]
    first = Result(
        "a.ipynb",
        "ok",
        items=items,
        texts={"prosecution.r01": "fine"},
        manual={"prosecution.r01": 4.0},
    )
    sheet = write_manual([first], tmp_path / "gradebook-manual.csv")
    again = Result(
        "a.ipynb",
        "ok",
        items=items,
        texts={"prosecution.r01": "\udcff bad"},
        manual={"prosecution.r01": 4.0},
    )
    write_manual([again], sheet)
    assert read_manual(sheet).scores == {("a.ipynb", "prosecution.r01"): 4.0}
    assert [path.name for path in tmp_path.iterdir()] == ["gradebook-manual.csv"]


def test_links_pipes_folders_and_devices_are_refused_without_blocking(graded):
    found = by_name(graded)
    assert (found["link.ipynb"]["status"], found["link.ipynb"]["detail"]) == (
        "invalid",
        "a symbolic link, not a file: not followed",
    )
    assert found["pipe.ipynb"]["detail"] == "a named pipe, not a file: not read"
    assert found["folder.ipynb"]["detail"] == "a folder, not a notebook file"
    assert found["device.ipynb"]["detail"] == "a device, not a file: not read"


def test_odd_file_names_are_graded_and_never_printed_raw(graded):
    """A name that is not UTF-8, one with a terminal escape and a new line, one that looks like
    an option: each graded like any other; nothing printed carries a control character."""
    found = by_name(graded)
    assert found["latin1-\\udce9.ipynb"]["status"] == "ok"
    assert found["-h.ipynb"]["status"] == "ok"
    assert found[f"{ESCAPE}\nname.ipynb"]["status"] == "ok"
    printed = graded["stdout"] + graded["stderr"]
    assert "\x1b" not in printed and "\\x1b[31mred" in printed


def test_two_submissions_of_one_learner_are_both_reported_and_not_chosen_between(graded):
    """ " S0042@UNI.EXAMPLE " is s0042@uni.example: both rows stay, the run says so, and the LMS
    fill leaves that learner out instead of taking either score."""
    found = by_name(graded)
    assert found["normal.ipynb"]["learner"] == "s0042@uni.example"
    assert found["surrogate.ipynb"]["learner"] == "S0042@UNI.EXAMPLE"
    assert "s0042@uni.example is named by several submissions" in graded["stdout"]
    filled = list(csv.reader(open(graded["root"] / "lms-filled.csv", encoding="utf-8")))
    assert filled[1] == ["s0042@uni.example", ""]
    assert filled[2][1] not in ("", "0")  # another learner is filled in


def test_an_item_removed_from_the_bank_costs_that_item_only(graded):
    row = by_name(graded)["normal.ipynb"]
    assert row["status"] == "ok" and row["prosecution.e99"] == "0"
    assert float(row["score"]) > 0
    feedback = (graded["out"].parent / "gradebook-feedback" / "normal.md").read_text("utf-8")
    assert "prosecution.e99 is no longer in the grader's bank" in feedback


def test_a_deep_tree_and_a_locked_folder_are_removed(graded):
    """1,500 nested folders and one without permissions, left by a kernel: gone after grading."""
    assert by_name(graded)["surrogate.ipynb"]["status"] == "ok"
    assert list(graded["temp"].iterdir()) == []


def test_the_gradebook_is_analysed(graded):
    """What grade wrote, analyze reads (the surrogates and odd names included)."""
    found = analysis(graded["out"], graded["root"] / "hw")
    assert found.items and found.totals


def test_remove_tree_handles_what_rmtree_cannot(tmp_path):
    """A tree deeper than any path may be long, with a folder stripped of its permissions."""
    folder = SubmissionFolder.create(disk_bytes=0)  # on the disk: no tmpfs to unmount
    assert not folder.mounted
    here = os.getcwd()
    try:
        os.chdir(folder.root)
        for _ in range(2200):  # "d/" × 2200 is longer than PATH_MAX
            os.mkdir("d")
            os.chdir("d")
        os.mkdir("locked")
        os.chmod("locked", 0)
    finally:
        os.chdir(here)
    folder.remove()
    assert not folder.root.exists()
    remove_tree(tmp_path / "absent")  # nothing there: nothing to do


@pytest.mark.parametrize(
    "claim",
    [
        {"__t": "ndarray", "dtype": "U300000000", "v": ["a", "b"]},
        {"__t": "ndarray", "dtype": "(100000000,)f8", "v": [1.0]},
        {"__t": "npscalar", "dtype": "V900000000", "v": 1},
        {"__t": "ndarray", "dtype": "float64", "v": [[0.0] * 1000] * 10_000},
    ],
)
def test_an_array_claiming_a_huge_dtype_or_size_is_not_built(claim):
    """Checked before numpy allocates anything: an unusable answer, not gigabytes."""
    assert isinstance(decode(claim), Unreadable)


HOSTILE_MEMORY = """
import sys, resource
sys.path.insert(0, {tests!r})
from pathlib import Path
from test_hostile import memory_notebook
from tipcourse.instructor.grading._grade import grade
path = Path({folder!r}) / "memory.ipynb"
path.write_text(memory_notebook(), "utf-8")
[row] = grade([path], None, jobs=1, timeout=120, sandbox="none")
print(row.status, "|", row.detail, "|", repr(row.answers.get("prosecution.q01")), "|",
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def memory_notebook() -> str:
    """A notebook that answers with a fake array claiming a dtype of 1.2 GB per element, then
    raises an error whose message is 100 MB."""
    made = nbformat.v4.new_notebook()
    made.metadata["tipcourse"] = {
        "assignment": {"notebook": "hw.ipynb", "items": ["prosecution.q01"]}
    }
    fake = (
        "class Fake:\n    __module__ = 'numpy'\n    dtype = 'U300000000'\n    ndim = 1\n"
        "    size = 2\n    def tolist(self):\n        return ['a', 'b']\n"
        "prosecution_q01 = Fake()"
    )
    answer = nbformat.v4.new_code_cell(fake)
    answer.metadata["tipcourse"] = {"role": "answer", "question": "prosecution.q01"}
    made.cells = [answer, nbformat.v4.new_code_cell("raise ValueError('x' * 100_000_000)")]
    return nbformat.writes(made)


def test_the_graders_memory_stays_bounded_whatever_the_kernel_sends(tmp_path):
    """A 5 KB notebook whose answer claims a 2.4 GB array (an unusable answer, never built) and
    whose error message is 100 MB (dropped unread: the row says so, the answer before counts):
    the grader's peak stays far below what reading either takes (685 MB for the message)."""
    script = HOSTILE_MEMORY.format(tests=str(Path(__file__).parent), folder=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(Path(tipcourse.__file__).parent.parent)},
    )
    status, detail, answer, peak = (part.strip() for part in done.stdout.split("|"))
    assert status == "error" and "a message over 48 MB" in detail, done.stderr[-2000:]
    assert answer == "<array of U>"
    assert int(peak) < 400, peak  # MB


def small(cells: list[str], learner_code: str) -> str:
    """A notebook of one graded question whose learner cell runs ``learner_code``."""
    made = nbformat.v4.new_notebook()
    made.metadata["tipcourse"] = {
        "assignment": {"notebook": "hw.ipynb", "items": ["prosecution.q01"]}
    }
    learner = nbformat.v4.new_code_cell(learner_code)
    learner.metadata["tipcourse"] = {"role": "learner"}
    made.cells = [learner, *(nbformat.v4.new_code_cell(source) for source in cells)]
    return nbformat.writes(made)


FILL = """
try:
    with open("filler", "wb") as handle:
        for _ in range(64):
            handle.write(b"x" * (1024 * 1024))
            handle.flush()
    learner = "wrote 64 MB"
except OSError as error:
    learner = "stopped: " + type(error).__name__
"""


def test_what_a_submission_writes_is_limited(tmp_path, monkeypatch):
    """Where the grader runs as root its folder is a tmpfs of DISK_BYTES (16 MB here): writing
    64 MB stops with "no space left", and grading goes on."""
    if os.geteuid() != 0:
        pytest.skip("the folder is a tmpfs only when the grader runs as root")
    monkeypatch.setattr(_folder, "DISK_BYTES", 16 * 1024 * 1024)
    path = tmp_path / "fill.ipynb"
    path.write_text(small(["prosecution_q01 = 18"], FILL), "utf-8")
    [row] = grade([path], None, jobs=1, timeout=60)
    assert (row.learner, row.status, row.score) == ("stopped: OSError", "ok", 1.0)


MOUNTINFO = """\
24 30 0:22 / /sys rw,nosuid shared:7 - sysfs sysfs rw
35 24 0:30 / /sys/fs/cgroup/unified rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate
36 24 0:31 / /sys/fs/cgroup/memory rw,nosuid shared:10 - cgroup cgroup rw,memory
"""


@pytest.mark.parametrize(
    "cgroup, mountinfo, expected",
    [
        (
            "0::/user.slice/grader.scope\n",
            MOUNTINFO,
            "/sys/fs/cgroup/unified/user.slice/grader.scope",
        ),
        ("0::/\n", MOUNTINFO.replace("/sys/fs/cgroup/unified", "/sys/fs/cgroup"), "/sys/fs/cgroup"),
        ("4:memory:/docker/abc\n", MOUNTINFO, None),  # cgroup v1 only
        ("0::/a\n", MOUNTINFO.replace("cgroup2 cgroup2", "tmpfs tmpfs"), None),  # v2 not mounted
    ],
)
def test_the_graders_own_cgroup_is_found_from_proc(cgroup, mountinfo, expected):
    from tipcourse.instructor.grading._cgroup import own_cgroup

    found = own_cgroup(cgroup, mountinfo)
    assert (str(found) if found else None) == expected


V1_CGROUP = "9:name=systemd:/\n8:pids:/\n4:memory:/grading/abc\n0::/\n"
V1_MOUNTS = """35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""


def test_the_graders_own_v1_cgroups_are_found_per_controller():
    """On a cgroup v1 host, the memory and pids hierarchies each give the grader's own folder."""
    from tipcourse.instructor.grading._cgroup import own_cgroups_v1

    assert own_cgroups_v1(V1_CGROUP, V1_MOUNTS) == {
        "memory": Path("/sys/fs/cgroup/memory/grading/abc"),
        "pids": Path("/sys/fs/cgroup/pids"),
    }
    assert own_cgroups_v1("0::/a\n", V1_MOUNTS) == {}  # v2 only: none in v1


def _joined_run(cgroup, code: str) -> subprocess.CompletedProcess:
    """Python ``code`` run as a process that first joins ``cgroup`` (None: joins nothing)."""
    from tipcourse.instructor.grading._bwrap import joining

    prefix = joining(cgroup.procs, None) if cgroup is not None else []
    return subprocess.run(
        [*prefix, sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )


#: Three children that each hold 200 MB (every page touched) for two seconds; the parent says
#: how each ended: "held" (it kept its memory to the end) or "killed" (by a signal: the OOM
#: killer). A child can print before it is killed, so the parent's word is the one counted.
THREE_CHILDREN = """
import os, time
children = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        block = bytearray(200 * 1024 * 1024)
        block[::4096] = b"x" * len(block[::4096])
        time.sleep(2)
        os._exit(0)
    children.append(pid)
for pid in children:
    _, status = os.waitpid(pid, 0)
    print("killed" if os.WIFSIGNALED(status) else "held", flush=True)
"""


def test_a_kernels_children_share_one_memory_limit_where_the_host_allows():
    """Issue 19: a cgroup binds a kernel and its children together. Three children of 200 MB
    each fit alone, and without the cgroup all three keep their memory; in a cgroup of 300 MB
    they cannot all hold it at once, so the OOM killer ends at least one of them. Skipped, with
    the reason, where the host allows no cgroups below the grader's (as an ordinary user without
    delegation)."""
    from tipcourse.instructor.grading._cgroup import KernelCgroup, cgroups

    if cgroups()[0] is None:
        pytest.skip(f"no cgroups here: {cgroups()[1]}")
    assert _joined_run(None, THREE_CHILDREN).stdout.count("held") == 3
    cgroup = KernelCgroup.create(f"test-memory-{os.getpid()}", 300 * 1024 * 1024, 64)
    assert cgroup is not None
    try:
        ended = _joined_run(cgroup, THREE_CHILDREN).stdout.split()
    finally:
        cgroup.remove()
    assert len(ended) == 3 and "killed" in ended, ended
    assert not any(path.exists() for path in cgroup.paths)  # removed after


def test_a_kernels_processes_share_one_process_limit_where_the_host_allows():
    """pids.max counts the kernel and every process it starts: 20 more forks than the limit
    allows fail inside the cgroup and succeed outside it."""
    from tipcourse.instructor.grading._cgroup import KernelCgroup, cgroups

    if cgroups()[0] is None:
        pytest.skip(f"no cgroups here: {cgroups()[1]}")
    forks = (
        "import os, time\nmade = 0\nfor _ in range(20):\n    try:\n        pid = os.fork()\n"
        "    except OSError:\n        break\n    if pid == 0:\n        time.sleep(1)\n"
        "        os._exit(0)\n    made += 1\nprint(made)\n"
    )
    assert _joined_run(None, forks).stdout.strip() == "20"
    cgroup = KernelCgroup.create(f"test-pids-{os.getpid()}", 0, 8)
    assert cgroup is not None
    try:
        made = int(_joined_run(cgroup, forks).stdout.strip())
    finally:
        cgroup.remove()
    assert made < 8


def test_a_host_without_cgroup_v2_limits_says_why_and_grading_goes_on():
    """Here or anywhere: either a cgroup to make kernels' cgroups below, or a reason."""
    from tipcourse.instructor.grading._cgroup import cgroups

    place, why = cgroups()
    assert (place is None) == bool(why)


def test_a_kernels_first_process_joins_its_cgroup_before_it_runs(tmp_path):
    """The shell before the kernel writes its own pid to cgroup.procs, then becomes the kernel
    (same pid), so every child the kernel starts is in the cgroup from its start."""
    from tipcourse.instructor.grading._bwrap import joining

    procs = [tmp_path / "memory.procs", tmp_path / "pids.procs"]  # v1: one per hierarchy
    for path in procs:
        path.write_text("")
    done = subprocess.run(
        [*joining(procs, None), sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
    )
    assert [path.read_text().strip() for path in procs] == [done.stdout.strip()] * 2
    assert joining(None, None) == []


def test_a_kernel_that_fails_after_it_started_is_stopped(monkeypatch):
    """Issue 18, bug 6: a step after the kernel started fails (here, making its client); the
    kernel is stopped at once, not left running until its folder is deleted."""
    import time

    from jupyter_client import KernelManager

    from tipcourse.instructor.grading._kernel import Kernel

    def broken(self, **kwargs):
        raise RuntimeError("no client (test)")

    monkeypatch.setattr(KernelManager, "client", broken)
    folder = SubmissionFolder.create(disk_bytes=0)
    try:
        with pytest.raises(RuntimeError, match="no client"):
            Kernel(folder, time.monotonic() + 60, 1024, "none")
        left = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and os.readlink(entry / "cwd") == str(folder.root):
                    left.append(int(entry.name))
            except OSError:
                continue
        assert left == []
    finally:
        folder.remove()


def test_a_message_of_many_frames_is_bounded_by_their_sum():
    """MAXMSGSIZE bounds each frame; a kernel could still send thousands of buffers in one
    message. The grader adds the frames up as they come and drops a message past the cap whole
    (never holding more than the cap), then reads the next message as usual."""
    from queue import Empty

    import zmq
    from jupyter_client.session import Session

    from tipcourse.instructor.grading._kernel import Oversize, receive_bounded

    context = zmq.Context()
    kernel, grader = context.socket(zmq.PAIR), context.socket(zmq.PAIR)
    try:
        port = kernel.bind_to_random_port("tcp://127.0.0.1")
        grader.connect(f"tcp://127.0.0.1:{port}")
        session = Session(key=b"secret")
        megabyte = b"x" * (1 << 20)
        session.send(kernel, "execute_reply", {"status": "ok"}, buffers=[megabyte] * 6)
        with pytest.raises(Oversize):
            receive_bounded(grader, session, 5, cap=4 << 20)
        session.send(kernel, "execute_reply", {"status": "ok", "n": 1}, buffers=[megabyte])
        reply = receive_bounded(grader, session, 5, cap=4 << 20)
        assert reply["content"] == {"status": "ok", "n": 1}
        with pytest.raises(Empty):
            receive_bounded(grader, session, 0.05, cap=4 << 20)
    finally:
        kernel.close(linger=0)
        grader.close(linger=0)
        context.term()


def test_a_submission_named_like_an_option_is_graded_as_a_file(tmp_path, monkeypatch, capsys):
    """`tipcourse grade -x.ipynb` grades the file "-x.ipynb" (as unzip may name one): a file
    name is never read as an option."""
    manifest, key = handout(tmp_path / "hw")
    monkeypatch.chdir(tmp_path)
    Path("-x.ipynb").write_text(variant(key, "s0001"), "utf-8")
    code = cli.main(
        ["grade", "-x.ipynb", "--out", "gradebook.csv", "--assignment", "hw", "--sandbox", "none"]
    )
    assert code == 0, capsys.readouterr().err
    rows = list(csv.DictReader(open("gradebook.csv", encoding="utf-8")))
    # The gradebook writes a cell that starts with "-" behind a quote, so no spreadsheet runs it.
    assert [(row["submission"], row["status"]) for row in rows] == [("'-x.ipynb", "ok")]
