"""Memory and process limits that hold for a kernel and all its children together: a cgroup v2.

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
first moves itself into a leaf ``grader`` below it. Anywhere else (cgroup v1 or a hybrid host,
no delegation, other processes beside the grader) :func:`cgroups` says why not, and the rlimits
alone apply.
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


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


@functools.lru_cache(maxsize=1)
def cgroups() -> tuple[Path | None, str]:
    """The cgroup below which kernels get theirs, or None and why not (decided once)."""
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


@dataclass
class KernelCgroup:
    """One kernel's cgroup: ``path``, whose ``cgroup.procs`` the kernel's first process joins."""

    path: Path

    @classmethod
    def create(cls, name: str, memory: int, processes: int) -> KernelCgroup | None:
        """A cgroup of its own below the grader's, or None where the host allows none."""
        place = cgroups()[0]
        if place is None:
            return None
        made = cls(place / f"tipcourse-{name}")
        try:
            made.path.mkdir()
            if memory:
                (made.path / "memory.max").write_text(str(memory))
                if (made.path / "memory.swap.max").exists():
                    (made.path / "memory.swap.max").write_text("0")
            (made.path / "pids.max").write_text(str(processes))
        except OSError:
            made.remove()
            return None
        return made

    @property
    def procs(self) -> Path:
        return self.path / "cgroup.procs"

    def remove(self) -> None:
        """Kill every process left in the cgroup, then remove it."""
        if not self.path.exists():
            return
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if (self.path / "cgroup.kill").exists():
                try:
                    (self.path / "cgroup.kill").write_text("1")
                except OSError:
                    pass
            for pid in _read(self.procs).split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (OSError, ValueError):
                    continue
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.02)
