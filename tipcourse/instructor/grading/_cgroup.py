"""Memory and process limits that hold for a kernel and all its children together: a cgroup.

An rlimit binds each process on its own: three children of a kernel may each use the whole
memory limit. A cgroup binds them together. Where the host allows it, each kernel gets a cgroup
of its own, created only *below* the grader's own cgroup (the one ``/proc/self/cgroup`` names,
never beside or above it), with ``memory.max``, ``memory.swap.max`` = 0 and ``pids.max``; the
kernel's first process joins it before it starts anything, and the grader kills what is left in
it and removes it when grading of the submission ends.

The host allows it when the cgroup v2 hierarchy is mounted, the grader may write in its own
cgroup, and the ``memory`` and ``pids`` controllers can be enabled for its children. cgroup v2
enables a controller for children only in a cgroup without processes of its own, so when the
grader is the only process of its cgroup (as under ``systemd-run --scope -p Delegate=yes``), it
first moves itself into a leaf ``grader`` below it. On a cgroup v1 (or hybrid) host the same
limits come from the v1 ``memory`` and ``pids`` hierarchies, where the grader may write below
its own cgroup in each (``memory.limit_in_bytes`` and ``memory.memsw.limit_in_bytes``,
``pids.max``), and the kernel's first process joins both. Anywhere else (no permission,
other processes beside the grader in v2) :func:`cgroups` says why not, and the rlimits alone
apply.
"""

from __future__ import annotations

import functools
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["KernelCgroup", "cgroups", "own_cgroup"]

CONTROLLERS = ("memory", "pids")


def own_cgroup(cgroup_text: str, mountinfo_text: str) -> Path | None:
    """The folder of this process's cgroup v2, from /proc/self/cgroup and /proc/self/mountinfo
    (None on a host without the v2 hierarchy)."""
    own = next((line[3:] for line in cgroup_text.splitlines() if line.startswith("0::")), None)
    if own is None:
        return None
    for line in mountinfo_text.splitlines():
        fields, _, rest = line.partition(" - ")
        parts = fields.split()
        if rest.split()[:1] == ["cgroup2"] and len(parts) >= 5:
            root, mount = parts[3], parts[4]
            relative = os.path.relpath(own, root) if own.startswith(root) else None
            if relative is not None and not relative.startswith(".."):
                return Path(os.path.normpath(os.path.join(mount, relative)))
    return None


def own_cgroups_v1(cgroup_text: str, mountinfo_text: str) -> dict[str, Path]:
    """This process's cgroup folder in each cgroup v1 hierarchy of :data:`CONTROLLERS`, from
    /proc/self/cgroup and /proc/self/mountinfo (the controllers that have none are left out)."""
    own = {}
    for line in cgroup_text.splitlines():
        number, _, rest = line.partition(":")
        names, _, path = rest.partition(":")
        for name in names.split(","):
            if number != "0" and name in CONTROLLERS:
                own[name] = path
    found = {}
    for line in mountinfo_text.splitlines():
        fields, _, rest = line.partition(" - ")
        parts, extra = fields.split(), rest.split()
        if extra[:1] != ["cgroup"] or len(parts) < 5 or len(extra) < 3:
            continue
        root, mount, options = parts[3], parts[4], extra[2].split(",")
        for name in CONTROLLERS:
            mine = own.get(name)
            if name in options and mine is not None and mine.startswith(root):
                relative = os.path.relpath(mine, root)
                if not relative.startswith(".."):
                    found[name] = Path(os.path.normpath(os.path.join(mount, relative)))
    return found


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


@functools.lru_cache(maxsize=1)
def cgroups() -> tuple[tuple[Path, ...] | None, str]:
    """The cgroups below which kernels get theirs (one in v2, one per controller in v1), or
    None and why not (decided once)."""
    v2, why = _cgroup_v2()
    if v2 is not None:
        return (v2,), ""
    v1 = own_cgroups_v1(_read(Path("/proc/self/cgroup")), _read(Path("/proc/self/mountinfo")))
    if sorted(v1) != sorted(CONTROLLERS):
        return None, why
    unwritable = [str(place) for place in v1.values() if not os.access(place, os.W_OK)]
    if unwritable:
        return None, f"{why}; no permission to make cgroups in {', '.join(unwritable)}"
    return tuple(v1[name] for name in CONTROLLERS), ""


def _cgroup_v2() -> tuple[Path | None, str]:
    """The grader's cgroup v2, ready for kernels' cgroups below it, or None and why not."""
    place = own_cgroup(_read(Path("/proc/self/cgroup")), _read(Path("/proc/self/mountinfo")))
    if place is None or not (place / "cgroup.controllers").exists():
        return None, "no cgroup v2 hierarchy here (cgroup v1 or hybrid)"
    available = _read(place / "cgroup.controllers").split()
    if not all(name in available for name in CONTROLLERS):
        return None, f"the controllers {', '.join(CONTROLLERS)} are not available in {place}"
    if not os.access(place / "cgroup.subtree_control", os.W_OK):
        return None, f"no permission to manage {place}"
    enabled = _read(place / "cgroup.subtree_control").split()
    if all(name in enabled for name in CONTROLLERS):
        return place, ""
    if _read(place / "cgroup.procs").split() != [str(os.getpid())]:
        return None, f"other processes share {place}: run the grader in a cgroup of its own"
    try:
        leaf = place / "grader"
        leaf.mkdir(exist_ok=True)
        (leaf / "cgroup.procs").write_text(str(os.getpid()))
        (place / "cgroup.subtree_control").write_text(" ".join(f"+{name}" for name in CONTROLLERS))
    except OSError as error:
        return None, f"cannot enable {', '.join(CONTROLLERS)} in {place}: {error.strerror}"
    return place, ""


#: The limits each version writes: (file, what it holds); the first that exists is written.
_LIMITS = {
    "memory.max": "memory",
    "memory.swap.max": "no swap",
    "memory.limit_in_bytes": "memory",
    "memory.memsw.limit_in_bytes": "memory",  # v1: memory and swap together
    "pids.max": "processes",
}


@dataclass
class KernelCgroup:
    """One kernel's cgroup: its folder in each hierarchy (one in v2; memory and pids in v1),
    whose ``cgroup.procs`` the kernel's first process joins."""

    paths: tuple[Path, ...]

    @classmethod
    def create(cls, name: str, memory: int, processes: int) -> KernelCgroup | None:
        """A cgroup of its own below the grader's, or None where the host allows none."""
        places = cgroups()[0]
        if places is None:
            return None
        made = cls(tuple(place / f"tipcourse-{name}" for place in places))
        values = {"memory": str(memory), "no swap": "0", "processes": str(processes)}
        try:
            for path in made.paths:
                path.mkdir()
                for file, what in _LIMITS.items():
                    if (path / file).exists() and (memory or what != "memory"):
                        (path / file).write_text(values[what])
        except OSError:
            made.remove()
            return None
        return made

    @property
    def procs(self) -> list[Path]:
        """The files a process writes its pid to, to join the cgroup in every hierarchy."""
        return [path / "cgroup.procs" for path in self.paths]

    def remove(self) -> None:
        """Kill every process left in the cgroup, then remove it."""
        for path in self.paths:
            _remove(path)


def _remove(path: Path) -> None:
    """Kill every process left in one cgroup folder, then remove the folder."""
    if not path.exists():
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if (path / "cgroup.kill").exists():
            try:
                (path / "cgroup.kill").write_text("1")
            except OSError:
                pass
        for pid in _read(path / "cgroup.procs").split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (OSError, ValueError):
                continue
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)
