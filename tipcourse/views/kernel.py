"""Whether code runs in a Jupyter kernel, where a widget can reach a frontend."""

from __future__ import annotations

import sys


def in_kernel() -> bool:
    """True inside a Jupyter kernel; False in a terminal, a plain script or a test."""
    ipython = sys.modules.get("IPython")
    try:
        shell = ipython.get_ipython() if ipython is not None else None
    except Exception:  # an IPython too broken to ask: no frontend to show widgets in
        return False
    return getattr(shell, "kernel", None) is not None
