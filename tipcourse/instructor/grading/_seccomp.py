"""A seccomp filter that keeps a sandboxed kernel out of new user namespaces.

Inside a user namespace of its own, a process is root there: it can mount a tmpfs and fill it
(memory that no rlimit counts) or try the kernel's less tested paths. bubblewrap loads this
filter (``--add-seccomp-fd``) just before it starts the kernel, so every process of the
submission is bound by it: ``unshare`` and ``clone`` with ``CLONE_NEWUSER`` and ``setns`` fail
with EPERM, and ``clone3`` (whose flags a filter cannot read) fails with ENOSYS, which makes the
C library fall back to ``clone``. Syscalls of the x32 ABI are refused outright. The filter is
the raw BPF program bubblewrap reads, built here for x86-64 and AArch64; on another
architecture :func:`userns_filter` returns None and the sandbox runs without it.
"""

from __future__ import annotations

import platform
import struct

__all__ = ["CLONE_NEWUSER", "userns_filter"]

CLONE_NEWUSER = 0x10000000
_LOAD, _JEQ, _JGE, _JSET, _RETURN = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_EPERM, _ENOSYS = 1, 38
_X32 = 0x40000000
#: Per machine: the audit architecture and the numbers of unshare, clone, clone3 and setns.
_SYSCALLS = {
    "x86_64": (0xC000003E, 272, 56, 435, 308),
    "aarch64": (0xC00000B7, 97, 220, 435, 268),
}


def _step(code: int, k: int, true: int = 0, false: int = 0) -> bytes:
    return struct.pack("=HBBI", code, true, false, k)


def userns_filter(machine: str | None = None) -> bytes | None:
    """The BPF program for ``machine`` (this one by default), or None when it is not known."""
    known = _SYSCALLS.get((machine or platform.machine()).lower())
    if known is None:
        return None
    arch, unshare, clone, clone3, setns = known
    program = [
        _step(_LOAD, 4),  # seccomp_data.arch
        _step(_JEQ, arch, 1, 0),
        _step(_RETURN, _ERRNO | _EPERM),  # another ABI on this machine: refused
        _step(_LOAD, 0),  # seccomp_data.nr
        _step(_JGE, _X32, 0, 1),
        _step(_RETURN, _ERRNO | _EPERM),
        _step(_JEQ, clone3, 0, 1),
        _step(_RETURN, _ERRNO | _ENOSYS),
        _step(_JEQ, setns, 0, 1),
        _step(_RETURN, _ERRNO | _EPERM),
        _step(_JEQ, unshare, 1, 0),
        _step(_JEQ, clone, 0, 3),
        _step(_LOAD, 16),  # the low half of the first argument: the flags of both
        _step(_JSET, CLONE_NEWUSER, 0, 1),
        _step(_RETURN, _ERRNO | _EPERM),
        _step(_RETURN, _ALLOW),
    ]
    return b"".join(program)
