"""Charts of the report's numbers: each function takes data and returns a matplotlib figure.

Every chart has a title, axes labeled with their units, a source caption, colors from the
Okabe–Ito palette (safe for color-blind readers, and never the only way a difference is shown),
and ``alt_text``: a description a screen reader can read. In a notebook a chart shows as an
image carrying that description as its ``alt`` attribute; where only text can be shown, the
description is shown instead.

A chart is a :class:`matplotlib.figure.Figure`, so learners can restyle it::

    figure = charts.budget_cut(tipcourse.budget())
    figure.suptitle("My own title")
    figure                     # shows it again

The functions draw without pyplot, so a chart appears once, where it is the cell's result.

Every word a chart draws or says comes from the message catalogue (keys ``chart.*``), in the
language in use: the titles, labels, captions and descriptions, and the data values that are
English words (tier names, levels, outcomes, places), drawn under ``chart.value.<value>``. The
data themselves are not changed. In Spanish, dollar amounts read "313,000 dólares", never "$",
which in Mexico reads as pesos.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping
from typing import Any

from matplotlib.figure import Figure

from ..report._parse import TIERS
from ..report.messages import message, name_of, template

__all__ = [
    "PALETTE",
    "Chart",
    "bar",
    "budget_cut",
    "convictions",
    "inm_victim_outcomes",
    "sentence_ranges",
    "tier_distribution",
    "tier_history",
    "victims_by_agency",
]

#: The Okabe–Ito palette: orange, sky blue, bluish green, yellow, blue, vermillion, purple, black.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
# Hatches tell bars apart without color.
HATCHES = ("", "//", "..", "xx", "\\\\", "++")


class Chart(Figure):
    """A matplotlib figure with a text description; shown with that description as alt text."""

    def __init__(self, *args: Any, alt_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.alt_text = alt_text

    def png(self) -> bytes:
        """The chart as PNG bytes (no timestamp or software version inside, so runs agree)."""
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=96, metadata={"Software": None})
        return buffer.getvalue()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        """HTML with alt text for JupyterLab and the web; PNG for PDF, LaTeX and static sites."""
        encoded = base64.b64encode(self.png()).decode("ascii")
        alt = html.escape(self.alt_text, quote=True)
        data = {
            "text/html": f'<img src="data:image/png;base64,{encoded}" alt="{alt}">',
            "image/png": encoded,
            "text/plain": self.alt_text,
        }
        return data, {"image/png": {"alt": self.alt_text}}

    def __repr__(self) -> str:
        return self.alt_text


def _new(width: float = 7.0, height: float = 4.0) -> tuple[Chart, Any]:
    figure = Chart(figsize=(width, height), layout="constrained")
    return figure, figure.add_subplot()


def _finish(
    figure: Chart, axes: Any, title: str, xlabel: str, ylabel: str, source: str, alt_text: str
) -> Chart:
    figure.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.spines[["top", "right"]].set_visible(False)
    figure.supxlabel(source, x=0.01, ha="left", fontsize=8, color="#444444")
    figure.alt_text = f"{alt_text} {source}"
    return figure


def _value(value: Any) -> str:
    """A data value as a chart draws it: translated if it is an English word the catalogue has
    (``chart.value.<value>``: tiers, levels, outcomes, places), else as it is."""
    return name_of("chart.value", str(value))


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _pairs(data: Any, label: str, value: str) -> list[tuple[str, float]]:
    """(label, value) pairs from a DataFrame's two columns, a Series or a mapping."""
    if hasattr(data, "columns"):
        return [(str(row[label]), float(row[value])) for _, row in data.iterrows()]
    items = data.items() if isinstance(data, Mapping) or hasattr(data, "items") else data
    return [(str(key), float(number)) for key, number in items]


def bar(
    data: Any,
    *,
    title: str,
    xlabel: str,
    ylabel: str = "",
    source: str | None = None,
    describe: str = "",
) -> Chart:
    """Horizontal bars, one per item of ``data`` (a pandas Series, a mapping, or pairs).

    Values are written at the end of each bar, so the chart can be read without color and
    without estimating lengths. ``describe`` adds a sentence to the alt text. ``source`` is
    the caption, by default the report's (in the language in use). The labels are drawn as
    given: translating them is the caller's choice.
    """
    pairs = _pairs(data, "", "")
    figure, axes = _new(7.0, max(2.2, 0.55 * len(pairs) + 1.4))
    labels = [name for name, _ in pairs][::-1]
    values = [number for _, number in pairs][::-1]
    bars = axes.barh(labels, values, color=PALETTE[4])
    axes.bar_label(bars, labels=[_number(v) for v in values], padding=3)
    axes.set_xlim(0, max(values + [1]) * 1.15)
    listed = "; ".join(f"{name}: {_number(number)}" for name, number in pairs)
    alt = message("chart.bar.alt", title=title, listed=listed) + (
        f" {describe}" if describe else ""
    )
    caption = message("chart.source.report") if source is None else source
    return _finish(figure, axes, title, xlabel, ylabel, caption, alt)


def budget_cut(data: Any) -> Chart:
    """The National Program's budget before and after the cut (``tipcourse.budget()``).

    The title, caption and alt text give the two amounts, not the percentage cut: learners
    compute that themselves (exercise ``prevention.e01``), so the chart must not state it.
    """
    pairs = _pairs(data, "stage", "usd")
    (before_label, before), (after_label, after) = pairs[0], pairs[-1]
    before_label, after_label = _value(before_label), _value(after_label)
    amounts = [message("chart.budget_cut.amount", usd=usd) for usd in (before, after)]
    figure, axes = _new(6.0, 4.0)
    bars = axes.bar([before_label, after_label], [before, after], color=[PALETTE[4], PALETTE[5]])
    bars[1].set_hatch("//")
    axes.bar_label(bars, labels=amounts, padding=3)
    axes.set_ylim(0, before * 1.18)
    # The tick labels are made at each drawing: in the language the chart was made in.
    tick = template("chart.budget_cut.tick")
    axes.yaxis.set_major_formatter(lambda value, _: tick.format(millions=value / 1e6))
    alt = message(
        "chart.budget_cut.alt",
        before=amounts[0],
        before_label=before_label,
        after=amounts[1],
        after_label=after_label,
    )
    return _finish(
        figure,
        axes,
        message("chart.budget_cut.title"),
        "",
        message("chart.budget_cut.ylabel"),
        message("chart.source.report"),
        alt,
    )


def convictions(data: Any) -> Chart:
    """Convictions by jurisdiction, federal and state told apart by color and hatching.

    The axis counts convictions as each office or state reported them: the report says SIEDO
    and Mexico City convicted "offenders" but that the states "reported" convictions, and does
    not say whether a state's count is of people or of cases. The report dates its total
    "during the year" and only SIEDO's convictions "In 2011"; that the others are of 2011 too is
    the course's reading, so the title keeps the report's words.
    """
    rows = list(data.itertuples(index=False))[::-1]
    figure, axes = _new(7.0, 3.6)
    levels = sorted({row.level for row in rows})
    style = {
        level: (PALETTE[(4, 0)[i % 2]], HATCHES[i % len(HATCHES)]) for i, level in enumerate(levels)
    }
    for level in levels:
        chosen = [(position, row) for position, row in enumerate(rows) if row.level == level]
        color, hatch = style[level]
        bars = axes.barh(
            [position for position, _ in chosen],
            [row.convictions for _, row in chosen],
            color=color,
            hatch=hatch,
            edgecolor="#333333",
            label=_value(level),
        )
        axes.bar_label(bars, padding=3)
    axes.set_yticks(range(len(rows)), [_value(row.jurisdiction) for row in rows])
    axes.set_xlim(0, max(row.convictions for row in rows) * 1.25)
    axes.legend(title=message("chart.convictions.legend_title"), frameon=False, loc="lower right")
    total = sum(row.convictions for row in rows)
    listed = "; ".join(
        f"{_value(row.jurisdiction)} ({_value(row.level)}): {row.convictions}" for row in rows[::-1]
    )
    return _finish(
        figure,
        axes,
        message("chart.convictions.title"),
        message("chart.convictions.xlabel"),
        "",
        message("chart.source.report"),
        message("chart.convictions.alt", total=total, listed=listed),
    )


def sentence_ranges(data: Any) -> Chart:
    """Sentences the report gives beside the 2007 federal law's range, drawn as a yardstick only
    (``sentences_by_jurisdiction()``): the states convict under laws of their own, whose penalties
    the report does not give. Only SIEDO's sentences are dated "In 2011" in the report."""
    rows = list(data.itertuples(index=False))[::-1]
    low, high = float(rows[0].law_min_years), float(rows[0].law_max_years)
    figure, axes = _new(7.0, 3.4)
    axes.axvspan(
        low,
        high,
        color=PALETTE[1],
        alpha=0.25,
        label=message("chart.sentence_ranges.law", low=_number(low), high=_number(high)),
    )
    for position, row in enumerate(rows):
        axes.plot(
            [row.min_years, row.max_years],
            [position, position],
            color=PALETTE[5],
            linewidth=6,
            solid_capstyle="butt",
        )
        axes.plot([row.min_years, row.max_years], [position, position], "o", color="#000000")
        axes.annotate(
            f"{_number(row.min_years)}–{_number(row.max_years)}",
            (row.max_years, position),
            xytext=(8, -4),
            textcoords="offset points",
        )
    given = message("chart.sentence_ranges.given")
    axes.plot([], [], color=PALETTE[5], linewidth=6, label=given)
    axes.set_yticks(range(len(rows)), [_value(row.jurisdiction) for row in rows])
    axes.set_xlim(0, high + 4)
    axes.set_ylim(-0.7, len(rows) - 0.3 + 0.8)
    axes.legend(frameon=False, loc="upper left", fontsize=8)
    listed = "; ".join(
        message(
            "chart.sentence_ranges.item",
            jurisdiction=_value(row.jurisdiction),
            low=_number(row.min_years),
            high=_number(row.max_years),
        )
        for row in rows[::-1]
    )
    inside = all(low <= row.min_years and row.max_years <= high for row in rows)
    alt = message(
        "chart.sentence_ranges.alt",
        listed=listed,
        low=_number(low),
        high=_number(high),
        verdict=message(
            "chart.sentence_ranges.inside" if inside else "chart.sentence_ranges.outside"
        ),
    )
    return _finish(
        figure,
        axes,
        message("chart.sentence_ranges.title"),
        message("chart.sentence_ranges.xlabel"),
        "",
        message("chart.source.report"),
        alt,
    )


def victims_by_agency(data: Any, year: int = 2011) -> Chart:
    """Victims each agency reported identifying in ``year``, as separate bars, not a stack.

    The report gives "no comprehensive statistics", only these separate counts, and does not say
    whether they overlap; so the chart shows them side by side and says they must not be added up.
    """
    chosen = data[data["year"] == year]
    chart = bar(
        list(zip(map(_value, chosen["agency"]), chosen["victims"], strict=True)),
        title=message("chart.victims_by_agency.title", year=year),
        xlabel=message("chart.victims_by_agency.xlabel"),
        describe=message("chart.victims_by_agency.describe"),
    )
    chart.axes[0].text(
        0.99,
        0.02,
        message("chart.victims_by_agency.note"),
        ha="right",
        transform=chart.axes[0].transAxes,
        fontsize=9,
        style="italic",
    )
    return chart


def inm_victim_outcomes(data: Any) -> Chart:
    """The outcomes INM reported for victims it identified in 2011 (``inm_victim_outcomes()``).

    That these are the outcomes of INM's 29 victims, all foreign, is the course's reading (see
    ``tipcourse.inm_victim_outcomes``); the title and description keep the report's words.
    """
    pairs = [(_value(name), number) for name, number in _pairs(data, "outcome", "victims")]
    total = sum(number for _, number in pairs)
    return bar(
        pairs,
        title=message("chart.inm_victim_outcomes.title"),
        xlabel=message("chart.inm_victim_outcomes.xlabel"),
        describe=message("chart.inm_victim_outcomes.describe", total=_number(total)),
    )


def tier_distribution(data: Any, year: int = 2012) -> Chart:
    """How many countries the report placed in each tier in ``year`` (``tipcourse.tiers()``)."""
    placed = data[(data["year"] == year) & data["tier"].isin(TIERS)]
    counts = placed["tier"].value_counts().reindex(TIERS, fill_value=0)
    unranked = int((data["year"] == year).sum() - len(placed))
    chart = bar(
        counts.rename(index=_value),
        title=message("chart.tier_distribution.title", year=year),
        xlabel=message("chart.tier_distribution.xlabel"),
        source=message("chart.source.tiers"),
        describe=message("chart.tier_distribution.describe", unranked=unranked),
    )
    return chart


def tier_history(data: Any, highlight: int | None = 2012) -> Chart:
    """Mexico's tier in each report year; hollow markers show placements known with less confidence.

    ``data`` is ``tipcourse.tier_history()``: report_year, tier and confidence ("high" or lower).
    """
    figure, axes = _new(8.0, 3.6)
    levels = {tier: len(TIERS) - number for number, tier in enumerate(TIERS)}
    years = list(data["report_year"])
    values = [levels[tier] for tier in data["tier"]]  # by position: the index may be anything
    axes.step(years, values, where="mid", color=PALETTE[4], linewidth=1.5)
    sure = [str(level) == "high" for level in data["confidence"]]
    axes.scatter(
        [y for y, s in zip(years, sure, strict=True) if s],
        [v for v, s in zip(values, sure, strict=True) if s],
        color=PALETTE[4],
        zorder=3,
        label=message("chart.tier_history.sure"),
    )
    axes.scatter(
        [y for y, s in zip(years, sure, strict=True) if not s],
        [v for v, s in zip(values, sure, strict=True) if not s],
        facecolor="white",
        edgecolor=PALETTE[5],
        linewidth=1.5,
        zorder=3,
        label=message("chart.tier_history.unsure"),
    )
    if highlight in years:
        axes.annotate(
            message("chart.tier_history.highlight", year=highlight),
            (highlight, values[years.index(highlight)]),
            xytext=(0, 12),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
    axes.set_yticks(list(levels.values()), [_value(tier) for tier in levels])
    axes.set_ylim(0.5, len(TIERS) + 0.7)
    axes.legend(frameon=False, loc="lower left", fontsize=8)
    spans: list[list[Any]] = []  # [tier, first year, last year]
    for tier, year in zip(data["tier"], years, strict=True):
        if spans and spans[-1][0] == tier:
            spans[-1][2] = year
        else:
            spans.append([tier, year, year])
    listed = "; ".join(
        message("chart.tier_history.span", tier=_value(tier), start=start, end=end)
        if start != end
        else message("chart.tier_history.span_one", tier=_value(tier), start=start)
        for tier, start, end in spans
    )
    uncertain = [str(year) for year, s in zip(years, sure, strict=True) if not s]
    alt = message(
        "chart.tier_history.alt",
        first=years[0],
        last=years[-1],
        listed=listed,
        uncertain=", ".join(uncertain) or message("chart.tier_history.none"),
    )
    return _finish(
        figure,
        axes,
        message("chart.tier_history.title"),
        message("chart.tier_history.xlabel"),
        message("chart.tier_history.ylabel"),
        message("chart.source.history"),
        alt,
    )
