"""One submission's folder: where its kernel lives, and the one place that knows its layout.

The folder is the kernel's home, working directory and temporary folder, the only place it may
write. Inside it: the matplotlib cache (a copy of the grader's font list, so no kernel rebuilds
it), the IPython and Jupyter settings folders, the kernel's connection file and its IPC sockets
(files, so no TCP port is open to other local users).

What a submission can write there is limited: where the grader may mount (as root), the folder is a
tmpfs of DISK_BYTES, so a kernel that fills it gets "no space left" and nothing else is touched;
elsewhere only the size of each file is limited (``--fsize``, see
:mod:`tipcourse.instructor.grading._bwrap`). The grader removes the folder whatever the kernel left
in it: a tree too deep for a recursive walk, folders without permissions, files it cannot open.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SubmissionFolder", "font_cache", "remove_tree"]

PREFIX = "tipcourse-grade-"
#: The most a submission may write in its folder (bytes), where the folder can be a tmpfs.
DISK_BYTES = 1024 * 1024 * 1024


def font_cache() -> list[Path]:
    """The grader's matplotlib font cache, copied into each folder so no kernel rebuilds it."""
    places = [
        os.environ.get("MPLCONFIGDIR", ""),
        os.path.expanduser("~/.cache/matplotlib"),
        os.path.expanduser("~/.matplotlib"),
    ]
    for place in filter(None, places):
        found = sorted(Path(place).glob("fontlist-*.json"))
        if found:
            return found
    return []


@dataclass(frozen=True)
class SubmissionFolder:
    """The layout of one submission's folder (``root``)."""

    root: Path
    mounted: bool = False  # a tmpfs of its own, DISK_BYTES in size

    @classmethod
    def create(cls, disk_bytes: int | None = None) -> SubmissionFolder:
        """A new, private folder with the font cache copied in; a tmpfs of ``disk_bytes``
        (default DISK_BYTES) where the grader may mount one (0: never)."""
        root = Path(tempfile.mkdtemp(prefix=PREFIX))
        size = DISK_BYTES if disk_bytes is None else disk_bytes
        folder = cls(root, bool(size) and _mount(root, size))
        try:
            for cache in font_cache():
                folder.matplotlib.mkdir(exist_ok=True)
                shutil.copy(cache, folder.matplotlib / cache.name)
        except BaseException:
            folder.remove()
            raise
        return folder

    @property
    def home(self) -> Path:
        return self.root

    @property
    def temp(self) -> Path:
        return self.root

    @property
    def matplotlib(self) -> Path:
        return self.root / ".matplotlib"

    @property
    def connection_file(self) -> Path:
        return self.root / ".kernel.json"

    @property
    def sockets(self) -> Path:
        """The base name of the kernel's IPC sockets (``<sockets>-1``, ``-2``, ...)."""
        return self.root / ".kernel-ipc"

    def environment(self) -> dict[str, str]:
        """The variables that point a kernel's files into this folder."""
        home = str(self.home)
        return {
            "HOME": home,
            "TMPDIR": str(self.temp),
            "TEMP": str(self.temp),
            "TMP": str(self.temp),
            "TIPCOURSE_HOME": os.path.join(home, ".tipcourse"),
            "IPYTHONDIR": os.path.join(home, ".ipython"),
            "MPLCONFIGDIR": str(self.matplotlib),
            "JUPYTER_CONFIG_DIR": os.path.join(home, ".jupyter"),
            "JUPYTER_DATA_DIR": os.path.join(home, ".jupyter-data"),
            "JUPYTER_RUNTIME_DIR": os.path.join(home, ".jupyter-runtime"),
        }

    def give_to(self, uid: int, gid: int) -> None:
        """Make the folder (as it is now) the property of the kernel's user."""
        for path in [self.root, *self.root.rglob("*")]:
            os.chown(path, uid, gid, follow_symlinks=False)

    def remove(self) -> None:
        """Remove the folder and everything in it, whatever the kernel did to it."""
        if self.mounted:  # its content goes with the tmpfs, however deep
            subprocess.run(
                [shutil.which("umount") or "umount", "--lazy", str(self.root)],
                capture_output=True,
                check=False,
            )
        remove_tree(self.root)


def _mount(root: Path, size: int) -> bool:
    """Mount a tmpfs of ``size`` bytes on ``root``, when this process may (root, Linux)."""
    mount = shutil.which("mount")
    if os.geteuid() != 0 or mount is None or not os.path.isdir("/proc/self"):
        return False
    done = subprocess.run(
        [
            mount,
            "-t",
            "tmpfs",
            "-o",
            f"size={size},mode=0700,nosuid,nodev",
            "tipcourse-submission",
            str(root),
        ],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _open_folder(name: str, parent: int | None) -> int:
    """A folder opened by name in ``parent`` (never through a link), made open to us first if
    the kernel took its permissions away."""
    try:
        return os.open(name, _DIRECTORY, dir_fd=parent)
    except PermissionError:
        os.chmod(name, stat.S_IRWXU, dir_fd=parent)
        return os.open(name, _DIRECTORY, dir_fd=parent)


def _first_folder(handle: int, stuck: set[str]) -> str | None:
    """Unlink every file in the open folder ``handle``; the name of a folder left in it."""
    with os.scandir(handle) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in stuck:
                    return entry.name
                continue
            try:
                os.unlink(entry.name, dir_fd=handle)
            except OSError:
                continue  # cannot happen for the grader's own files; never loops
    return None


def remove_tree(root: Path) -> None:
    """Remove ``root`` and everything in it: iteratively, by open folders rather than paths (a
    tree 100,000 folders deep has paths no call accepts), never following a link, and giving
    back any permission a folder was stripped of."""
    if not os.path.lexists(root):
        return
    if os.path.islink(root) or not os.path.isdir(root):
        os.unlink(root)
        return
    names: list[str] = []  # the way down from root, one name per level
    stuck: list[set[str]] = [set()]  # per level: folders that could not be removed
    handle = _open_folder(str(root), None)
    try:
        while True:
            os.fchmod(handle, stat.S_IRWXU)
            below = _first_folder(handle, stuck[-1])
            if below is not None:
                try:
                    inner = _open_folder(below, handle)
                except OSError:
                    stuck[-1].add(below)
                    continue
                os.close(handle)
                handle = inner
                names.append(below)
                stuck.append(set())
                continue
            if not names:
                break
            parent = os.open("..", _DIRECTORY, dir_fd=handle)
            os.close(handle)
            handle = parent
            name = names.pop()
            stuck.pop()
            try:
                os.rmdir(name, dir_fd=handle)
            except OSError:
                stuck[-1].add(name)
    finally:
        os.close(handle)
    try:
        os.rmdir(root)
    except FileNotFoundError:
        pass
