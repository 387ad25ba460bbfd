"""The files of an item analysis: ``items.csv``, ``options.csv`` and ``report.html``.

The report is one self-contained HTML page: it needs no Jupyter, no network and no other file;
its two charts are PNG data URLs with alt text that describes them, and its tables carry every
number the charts show. An analysis of practice data (``analyze --receipts``) says so in the
report's title and opening, and in a ``source`` column of both CSV files, on every row.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from matplotlib.ticker import MaxNLocator

from ..report.messages import get_language, message
from ..views.charts import PALETTE, Chart
from ._analyze import (
    EASY,
    HARD,
    ITEM_COLUMNS,
    LOW_DISCRIMINATION,
    OPTION_COLUMNS,
    SOURCE_COLUMN,
    Analysis,
)
from .grading._gradebook import cell_text

__all__ = [
    "item_map",
    "items_csv",
    "options_csv",
    "report_html",
    "total_distribution",
    "write_analysis",
]

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1a1a1a; line-height: 1.45; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #444; }
"""


def _number(value: float | None, digits: int = 2) -> str:
    """A number rounded for reading (2 digits) or for the CSV files (4); empty when undefined."""
    return "" if value is None else f"{round(value, digits):g}"


def _style(figure: Chart, axes: Any, title: str, xlabel: str, ylabel: str, alt: str) -> Chart:
    """The look of tipcourse's charts: a bold title on the left, labelled axes, no box."""
    figure.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.spines[["top", "right"]].set_visible(False)
    figure.alt_text = alt
    return figure


def item_map(found: Analysis) -> Chart:
    """Facility against discrimination, one labelled point per item, with the flag thresholds."""
    figure = Chart(figsize=(7.0, 4.6), layout="constrained", alt_text="")
    axes = figure.add_subplot()
    shown = [
        (row.item, row.facility, row.discrimination)
        for row in found.items
        if row.facility is not None and row.discrimination is not None
    ]
    for limit in (HARD, EASY):
        axes.axvline(limit, color="#888888", linestyle="--", linewidth=1)
    axes.axhline(LOW_DISCRIMINATION, color="#888888", linestyle="--", linewidth=1)
    axes.axhline(0, color="#444444", linewidth=0.8)
    axes.scatter(
        [facility for _, facility, _ in shown],
        [value for _, _, value in shown],
        color=PALETTE[4],
        edgecolor="black",
        linewidth=0.5,
        zorder=3,
    )
    for item, facility, value in shown:
        axes.annotate(
            item, (facility, value), xytext=(4, 4), textcoords="offset points", fontsize=8
        )
    axes.set_xlim(-0.02, 1.02)
    axes.set_ylim(-1.05, 1.05)
    listed = "; ".join(
        message(
            "analyze.chart.map_point",
            item=item,
            facility=_number(facility),
            discrimination=_number(value),
        )
        for item, facility, value in shown
    )
    left_out = [row.item for row in found.items if row.discrimination is None]
    alt = message(
        "analyze.chart.map_alt",
        count=len(shown),
        points=listed or "—",
        easy=EASY,
        hard=HARD,
        low=LOW_DISCRIMINATION,
    )
    if left_out:
        alt += " " + message("analyze.chart.map_left_out", items=", ".join(left_out))
    return _style(
        figure,
        axes,
        message("analyze.chart.map_title"),
        message("analyze.chart.facility"),
        message("analyze.chart.discrimination"),
        alt,
    )


def total_distribution(found: Analysis) -> Chart:
    """A histogram of the learners' totals, from 0 to the assignment's maximum."""
    figure = Chart(figsize=(7.0, 3.8), layout="constrained", alt_text="")
    axes = figure.add_subplot()
    top = max(found.max_total, max(found.totals, default=0.0), 1.0)
    bins = int(top) if float(top).is_integer() and top <= 20 else 10
    edges = [top * step / bins for step in range(bins + 1)]
    counts, _, _ = axes.hist(
        found.totals, bins=edges, color=PALETTE[1], edgecolor="black", linewidth=0.6, hatch="//"
    )
    axes.set_xlim(0, top)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # learners come whole
    bars = zip(edges[:-1], edges[1:], counts, strict=True)
    listed = "; ".join(
        message("analyze.chart.bin", low=_number(low), high=_number(high), count=int(count))
        for low, high, count in bars
        if count
    )
    alt = message(
        "analyze.chart.totals_alt", count=len(found.totals), max=_number(top), bins=listed or "—"
    )
    return _style(
        figure,
        axes,
        message("analyze.chart.totals_title"),
        message("analyze.chart.total"),
        message("analyze.chart.learners"),
        alt,
    )


def _figure(chart: Chart, caption: str) -> str:
    encoded = base64.b64encode(chart.png()).decode("ascii")
    alt = html.escape(chart.alt_text, quote=True)
    return (
        f'<figure><img src="data:image/png;base64,{encoded}" alt="{alt}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _table(header: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    head = "".join(f'<th scope="col">{html.escape(name)}</th>' for name in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="number">{html.escape(cell)}</td>'
            if column in numeric
            else f"<td>{html.escape(cell)}</td>"
            for column, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _title(found: Analysis) -> str:
    """The report's title, which says when its numbers are self-reported practice."""
    if found.practice is None:
        return message("analyze.report.title")
    return message("analyze.report.title_practice")


def _opening(found: Analysis) -> list[str]:
    """The title, what the numbers are and how they are computed, as HTML paragraphs."""
    mean = sum(found.totals) / len(found.totals) if found.totals else 0.0
    counts = {
        "learners": len(found.totals),
        "items": len(found.items),
        "mean": _number(mean),
        "max": _number(found.max_total),
    }
    practice = found.practice
    if practice is None:
        lines = [message("analyze.report.summary", gradebook=found.source.name, **counts)]
    else:
        lines = [
            message("analyze.report.practice"),
            message(
                "analyze.report.summary_practice",
                folder=found.source.resolve().name,  # "." has no name of its own
                files=practice.files,
                **counts,
            ),
        ]
        if practice.skipped:
            names = ", ".join(path.name for path, _ in practice.skipped)
            lines.append(message("analyze.report.skipped", files=names))
        if practice.unknown:
            lines.append(message("analyze.receipts.unknown", count=practice.unknown))
    lines.append(message("analyze.report.how", easy=EASY, hard=HARD, low=LOW_DISCRIMINATION))
    heading = f"<h1>{html.escape(_title(found))}</h1>"
    return [heading] + [f"<p>{html.escape(line)}</p>" for line in lines]


def _no_options(found: Analysis) -> str:
    """Why the report has no option counts, or "" when it has some."""
    if found.options is None:
        return message("analyze.report.no_responses")
    if found.options:
        return ""
    if found.practice is not None:
        return message("analyze.report.no_choice_practice")
    return message("analyze.report.no_choice")


def report_html(found: Analysis) -> str:
    """The whole page."""
    title = _title(found)
    item_rows = [
        [
            row.item,
            row.kind,
            str(row.responses),
            _number(row.mean_points),
            _number(row.max_points),
            _number(row.facility),
            _number(row.discrimination),
            "; ".join(row.flags),
        ]
        for row in found.items
    ]
    parts = [
        *_opening(found),
        f"<h2>{html.escape(message('analyze.report.map'))}</h2>",
        _figure(item_map(found), message("analyze.report.map_caption")),
        f"<h2>{html.escape(message('analyze.report.totals'))}</h2>",
        _figure(total_distribution(found), message("analyze.report.totals_caption")),
        f"<h2>{html.escape(message('analyze.report.items'))}</h2>",
        _table(ITEM_COLUMNS, item_rows, {2, 3, 4, 5, 6}),
        f"<h2>{html.escape(message('analyze.report.options'))}</h2>",
    ]
    missing = _no_options(found)
    if missing:
        parts.append(f"<p>{html.escape(missing)}</p>")
    else:
        option_rows = [
            [
                row.item,
                row.option,
                row.text,
                str(row.count),
                f"{row.share:.0%}",
                right_word(row.right),
            ]
            for row in found.options or []
        ]
        parts.append(_table(OPTION_COLUMNS, option_rows, {3, 4}))
    body = "\n".join(parts)
    return (
        f'<!DOCTYPE html>\n<html lang="{get_language()}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


# -- writing ------------------------------------------------------------------------------------


def _csv_text(found: Analysis, header: list[str], rows: list[list[Any]]) -> str:
    """A CSV file's text; practice data adds a ``source`` column that says so on every row."""
    if found.practice is not None:
        source = message("analyze.source.practice")
        header, rows = [*header, SOURCE_COLUMN], [[*row, source] for row in rows]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def items_csv(found: Analysis) -> str:
    """The text of ``items.csv``."""
    return _csv_text(
        found,
        ITEM_COLUMNS,
        [
            [
                row.item,
                row.kind,
                row.responses,
                _number(row.mean_points, 4),
                _number(row.max_points, 4),
                _number(row.facility, 4),
                _number(row.discrimination, 4),
                "; ".join(row.flags),
            ]
            for row in found.items
        ],
    )


def right_word(right: bool | None) -> str:
    """How ``options.csv`` and the report say whether an option is right."""
    return "" if right is None else message("analyze.right." + ("yes" if right else "no"))


def options_csv(found: Analysis) -> str:
    """The text of ``options.csv``."""
    return _csv_text(
        found,
        OPTION_COLUMNS,
        [
            [
                row.item,
                row.option,
                cell_text(row.text),
                row.count,
                _number(row.share, 4),
                right_word(row.right),
            ]
            for row in found.options or []
        ],
    )


def write_analysis(found: Analysis, out: Path) -> list[Path]:
    """Write ``items.csv``, ``options.csv`` (with responses) and ``report.html`` into ``out``.

    The files are made in a temporary folder beside ``out`` and moved in at the end, so a
    failure leaves no half-written report.
    """
    files = {"items.csv": items_csv(found), "report.html": report_html(found)}
    if found.options is not None:
        files["options.csv"] = options_csv(found)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tipcourse-analyze-", dir=out.parent))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, "utf-8", newline="")
        out.mkdir(exist_ok=True)
        if found.options is None:
            (out / "options.csv").unlink(missing_ok=True)  # an older run's counts no longer apply
        written = []
        for name in files:
            os.replace(staging / name, out / name)
            written.append(out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written
