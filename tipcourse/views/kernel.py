"""Whether code runs in a Jupyter kernel, where a widget can reach a frontend, and how the
course's kernel shows pandas tables."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["accessible_tables", "in_kernel", "table_html"]


def _shell() -> Any:
    ipython = sys.modules.get("IPython")
    try:
        return ipython.get_ipython() if ipython is not None else None
    except Exception:  # an IPython too broken to ask: no frontend to show widgets in
        return None


def in_kernel() -> bool:
    """True inside a Jupyter kernel; False in a terminal, a plain script or a test."""
    return getattr(_shell(), "kernel", None) is not None


def table_html(frame: Any) -> str | None:
    """A pandas table's HTML as pandas writes it, with each empty header cell (the corner above
    the index, the rest of an index name's row) made a data cell: a header with no words says
    nothing, and screen readers and axe-core (``empty-table-header``) count it a failure."""
    html = frame._repr_html_()
    return html.replace("<th></th>", "<td></td>") if html else html


def accessible_tables() -> None:
    """In a kernel, show every pandas DataFrame through :func:`table_html` (pandas itself loads
    only when a table is shown)."""
    if not in_kernel():
        return
    formatter = _shell().display_formatter.formatters["text/html"]
    for module in ("pandas", "pandas.core.frame"):  # pandas 3 names it "pandas.DataFrame"
        formatter.for_type_by_name(module, "DataFrame", table_html)
