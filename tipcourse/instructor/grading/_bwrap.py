"""The jail each grading kernel runs in: bubblewrap (``tipcourse grade --sandbox``).

With ``bwrap`` a submission's kernel gets its own PID namespace (when grading of the submission
ends, every process it started dies with the namespace's init: ``--die-with-parent``), no
network (``--unshare-net``, part of ``--unshare-all``), a read-only view of the Python
environment and the system's programs and libraries, and one writable folder: its own (also
its ``TMPDIR``), which holds only its submission and is its home and working directory. Nothing
else of the machine is there: not the key, not the other submissions, not the gradebook's folder,
not the instructor's home. Of the Python environment only what the kernel runs is there: the
interpreter, the standard library, site-packages and tipcourse itself, not the rest of the
environment's folder (an assignment kept in a virtual environment is not readable; and
``grade`` refuses to run when the key or a submission lies under a mounted path). The kernel's
connection to the grader is a set of IPC sockets in that
folder, which the grader sees from outside.

``auto`` (the default) uses bubblewrap where it runs, and otherwise grades unsandboxed and says
so once; ``bwrap`` insists; ``none`` runs kernels as the grader's own processes (as before).
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from ...report.datasets import data_dir
from ...report.messages import message
from ._seccomp import userns_filter

__all__ = [
    "NOBODY",
    "PROCESSES",
    "SANDBOXES",
    "SandboxError",
    "choose",
    "exposed",
    "jail",
    "jailed_command",
    "joining",
    "package_folder",
    "sandbox_problem",
]

SANDBOXES = ("auto", "bwrap", "none")
#: The user a sandboxed kernel runs as when the grader runs as root.
NOBODY = 65534
#: How many processes and threads a sandboxed kernel may start (a fork bomb stops there).
PROCESSES = 256
#: The largest file a kernel may write (bytes); what it writes in all is watched by the grader.
FILE_BYTES = 512 * 1024 * 1024
#: The file, in the kernel's folder, that holds its seccomp filter.
SECCOMP = ".seccomp.bpf"
#: What a kernel may read, when there: the system's programs, libraries and their settings.
SYSTEM = (
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/etc/alternatives",
    "/etc/ssl",
    "/etc/fonts",
)


class SandboxError(RuntimeError):
    """bubblewrap was asked for and cannot run here; the message says what to do."""


def _python_files() -> list[str]:
    """What the kernel's Python needs: its program, the standard library, site-packages, the
    shared libpython and a virtual environment's pyvenv.cfg; not the rest of its prefix."""
    paths = sysconfig.get_paths()
    places = [
        sys.executable,
        os.path.realpath(sys.executable),
        paths["stdlib"],
        paths["platstdlib"],
        paths["purelib"],
        paths["platlib"],
        os.path.join(sys.prefix, "pyvenv.cfg"),
    ]
    libdir = sysconfig.get_config_var("LIBDIR")
    if libdir and sysconfig.get_config_var("Py_ENABLE_SHARED"):
        for library in sorted(Path(libdir).glob("libpython*.so*")):
            places += [str(library), os.path.realpath(library)]
    return places


def package_folder() -> Path:
    """The folder of the tipcourse that grades (the kernel imports this one)."""
    import tipcourse

    return Path(tipcourse.__file__).resolve().parent


def _readable() -> list[str]:
    """The paths a kernel reads: the system's, the Python environment's and tipcourse's."""
    places = [*SYSTEM, *_python_files(), str(package_folder()), str(data_dir())]
    found: list[str] = []
    for place in places:
        # Once each: a path inside one already mounted (say /usr) is there with it.
        inside = any(Path(place).is_relative_to(other) for other in found)
        if os.path.lexists(place) and not inside:
            found.append(place)
    return found


def exposed(paths: list[Path]) -> list[Path]:
    """Those of ``paths`` (the key, the submissions) that a sandboxed kernel could read: they
    lie under a path the sandbox mounts."""
    mounted = [Path(os.path.realpath(place)) for place in _readable()]
    found = []
    for path in paths:
        real = Path(os.path.realpath(path))
        if any(real == place or place in real.parents for place in mounted):
            found.append(path)
    return found


def jail(folder: Path, seccomp: bool = False) -> list[str]:
    """The bwrap command line that runs a program in the sandbox of ``folder``.

    Run by root, bubblewrap needs no user namespace: the program inside starts as root with no
    capability but the two that let ``setpriv`` make it ``nobody`` for good (a real user, whom the
    limit on processes binds; root is exempt from it). ``seccomp``: bubblewrap loads the filter of
    :mod:`tipcourse.instructor.grading._seccomp` from its descriptor 3 (no nested user namespaces).
    """
    command = [shutil.which("bwrap") or "bwrap"]
    if os.geteuid() == 0:
        command += [
            "--unshare-pid",
            "--unshare-net",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--cap-add",
            "CAP_SETUID",
            "--cap-add",
            "CAP_SETGID",
        ]
    else:
        command += ["--unshare-all"]
    # JPY_PARENT_PID names the grader's process, which the kernel cannot see from its own PID
    # namespace (it would take its parent for gone); --die-with-parent does that job here.
    command += [
        "--die-with-parent",
        "--new-session",
        "--unsetenv",
        "JPY_PARENT_PID",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
    ]
    made: set[str] = {"/"}
    for place in [*_readable(), str(folder)]:
        # The folders on the way are the sandbox's own, open to the kernel's user to pass.
        for parent in reversed(Path(place).parents):
            if str(parent) not in made:
                command += ["--perms", "0755", "--dir", str(parent)]
                made.add(str(parent))
        if place == str(folder):
            command += ["--bind", place, place]
        elif os.path.islink(place):  # e.g. /lib → usr/lib on merged-/usr systems
            command += ["--symlink", os.readlink(place), place]
        else:
            command += ["--ro-bind", place, place]
        made.add(place)
    # Everything but the kernel's own folder (and /dev, /proc) read-only, /tmp included: its
    # TMPDIR is its folder.
    command += ["--remount-ro", "/", "--chdir", str(folder)]
    if seccomp:
        command += ["--add-seccomp-fd", "3"]
    if os.geteuid() == 0:
        command += [
            shutil.which("setpriv") or "setpriv",
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            "--",
        ]
    return command


def _tasks(uid: int) -> int:
    """How many processes and threads ``uid`` runs now (what RLIMIT_NPROC counts)."""
    count = 0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                count += len(os.listdir(entry / "task"))
        except OSError:
            continue
    return count


def joining(cgroup_procs: list[Path] | None, seccomp: Path | None) -> list[str]:
    """A shell that moves itself into a cgroup (its ``cgroup.procs``, one per hierarchy) and
    opens the seccomp filter as descriptor 3, then becomes the command after it; [] when there
    is neither."""
    steps = [f"echo $$ > {shlex.quote(str(procs))}" for procs in cgroup_procs or []]
    if seccomp is not None:
        steps.append(f"exec 3< {shlex.quote(str(seccomp))}")
    if not steps:
        return []
    return [shutil.which("sh") or "/bin/sh", "-c", " && ".join([*steps, 'exec "$@"']), "sh"]


def jailed_command(folder: Path, memory: int, cgroup_procs: list[Path] | None = None) -> list[str]:
    """The command prefix of a sandboxed kernel: its limits (``memory`` bytes of address space,
    no core files, files of at most FILE_BYTES, at most PROCESSES more processes and threads),
    its cgroup (``cgroup_procs``, when it has one), then the jail.

    The limits go on before bubblewrap starts, so that every process inside inherits them. Run
    as root, the kernel runs as ``nobody`` (see :func:`jail`).
    """
    uid = NOBODY if os.geteuid() == 0 else os.getuid()
    limits = [
        shutil.which("prlimit") or "prlimit",
        f"--as={memory or 'unlimited'}",
        "--core=0",
        f"--fsize={FILE_BYTES}",
        f"--nproc={_tasks(uid) + PROCESSES}",
        "--",
    ]
    program = userns_filter()
    if program is not None:  # bubblewrap reads it from descriptor 3
        (folder / SECCOMP).write_bytes(program)
    seccomp = folder / SECCOMP if program is not None else None
    return [*limits, *joining(cgroup_procs, seccomp), *jail(folder, seccomp=bool(seccomp))]


@functools.lru_cache(maxsize=1)
def _problem() -> str:
    """Why bubblewrap cannot sandbox a kernel here, or "" when it can (tried once)."""
    if not sys.platform.startswith("linux"):
        return message("sandbox.not_linux")
    if shutil.which("bwrap") is None:
        return message("sandbox.no_bwrap")
    with tempfile.TemporaryDirectory(prefix="tipcourse-bwrap-") as folder:
        try:
            if os.geteuid() == 0:
                os.chown(folder, NOBODY, NOBODY)
            done = subprocess.run(
                [*jailed_command(Path(folder), 0), sys.executable, "-c", "pass"],
                capture_output=True,
                text=True,
                timeout=60,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return str(error)
    if done.returncode != 0:
        return message("sandbox.bwrap_fails", error=(done.stderr.strip() or "?")[-200:])
    return ""


def sandbox_problem() -> str:
    """Why bubblewrap cannot sandbox a kernel on this machine, or "" when it can."""
    return _problem()


def choose(sandbox: str) -> tuple[str, str]:
    """The sandbox to grade in ("bwrap" or "none") for the one asked, and a one-line warning
    when ``auto`` has to grade unsandboxed; raises SandboxError when ``bwrap`` cannot run."""
    if sandbox not in SANDBOXES:
        raise SandboxError(
            message("sandbox.unknown", sandbox=sandbox, choices=", ".join(SANDBOXES))
        )
    if sandbox == "none":
        return "none", ""
    problem = _problem()
    if not problem:
        return "bwrap", ""
    if sandbox == "bwrap":
        raise SandboxError(message("sandbox.missing", problem=problem))
    return "none", message("sandbox.unsandboxed", problem=problem)
