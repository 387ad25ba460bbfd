"""The report as numbers: every figure with the verbatim sentence that states it, and tidy tables.

``data/facts/facts.csv`` records each figure as the report writes it ("Eighteen", "$4.2 million")
beside its quote; the number itself is parsed from those words here, so it is never typed twice.

``year`` is the calendar year a figure counts or names, not the report year (2012) and not the
reporting period (which the report's introduction, not the Mexico narrative, gives as 1 April 2011
to 31 March 2012). ``year_source`` says where that year comes from: "report" where the figure's
own sentence names it ("In 2011 FEVIMTRA investigated 67 trafficking cases"), "course" where the
sentence gives no year and the year is this course's reading of its context (the total of 14 is
dated only "during the year", and the Mexico City and state convictions not at all; the course
reads them as 2011 because the SIEDO and FEVIMTRA figures beside them are dated "In 2011"), and
"" where ``year`` is empty: figures that belong to no year, such as the law's penalty range, and
figures the text dates without a calendar year, such as the assessment's "at least 14", which
it places "During the reporting period".
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from ._text import number_from_words
from .datasets import read_csv_rows

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "budget",
    "convictions_by_jurisdiction",
    "facts",
    "inm_victim_outcomes",
    "prevention_figures",
    "sentences_by_jurisdiction",
    "victims_identified",
]

FACT_COLUMNS = [
    "id",
    "section",
    "measure",
    "value",
    "unit",
    "year",
    "actor",
    "qualifier",
    "quote",
    "as_written",
    "year_source",
]
#: Where a figure's ``year`` comes from: its own sentence, the course's reading, or nowhere.
YEAR_SOURCES = ("report", "course", "")
QUALIFIERS = ("", "at least", "over", "up to", "under")


@functools.cache
def _facts() -> pd.DataFrame:
    import pandas as pd

    rows: list[dict[str, Any]] = list(read_csv_rows("facts", "facts.csv"))
    for row in rows:
        row["value"] = number_from_words(row["as_written"])
    table = pd.DataFrame(rows, columns=FACT_COLUMNS)
    table["year"] = pd.to_numeric(table["year"]).astype("Int64")
    return table


def facts() -> pd.DataFrame:
    """One row per number the report states, with the exact quote that states it.

    Columns: ``id``, ``section``, ``measure``, ``value``, ``unit``, ``year`` (calendar year the
    figure counts; see the module notes), ``actor``, ``qualifier`` ("at least", "over",
    "up to", "under" or ""), ``quote``, ``as_written`` (the number in the report's words) and
    ``year_source`` ("report" where the figure's sentence names its year, "course" where the
    year is the course's reading, "" where there is no year).
    """
    return _facts().copy()


def _rows(measure: str | list[str], year: int | None = None) -> pd.DataFrame:
    table = _facts()
    measures = [measure] if isinstance(measure, str) else measure
    chosen = table[table["measure"].isin(measures)]
    if year is not None:
        chosen = chosen[chosen["year"] == year]
    return chosen


#: Federal prosecutors; every other jurisdiction named in the convictions is a state's office,
#: or Mexico City's, which the course counts at the state level (see convictions_by_jurisdiction).
FEDERAL_OFFICES = {"SIEDO", "FEVIMTRA"}


def _level(actor: str) -> str:
    return "federal" if actor in FEDERAL_OFFICES else "state"


def convictions_by_jurisdiction(year: int = 2011) -> pd.DataFrame:
    """Trafficking convictions by prosecuting jurisdiction in ``year`` (2011 or 2010).

    For 2011 they add up to the report's total of 14, which it dates "during the year"; FEVIMTRA
    "did not convict or sentence any traffickers" that year and so has no row. Only SIEDO's row
    is dated "In 2011" by the report; the others are undated, and 2010 is the report's "previous
    year": ``year_source`` is "course" on those rows, where the year is the course's reading.
    ``level`` is "federal" for SIEDO and FEVIMTRA and "state" for the rest. The report does not
    say at which level Mexico City's convictions count; the course puts them at the state level
    because the report's total is "at the federal and state levels" and the Mexico City Attorney
    General's Office is not one of the federal offices it names.
    """
    rows = _rows("convictions", year)
    return rows.assign(
        jurisdiction=rows["actor"],
        level=rows["actor"].map(_level),
        convictions=rows["value"].astype(int),
    )[["jurisdiction", "level", "year", "year_source", "convictions", "id"]].reset_index(drop=True)


def sentences_by_jurisdiction() -> pd.DataFrame:
    """The range of prison sentences the report gives by jurisdiction, beside the law's range.

    The report dates SIEDO's sentences "In 2011"; the Mexico City and state ranges are undated,
    and the course reads them as 2011 (``year_source`` "course" in ``facts()``).

    ``min_years`` and ``max_years`` are the ends of the range the report gives; it gives no
    sentence one by one. ``law_min_years`` and ``law_max_years`` are the six to 18 years the
    report gives for Mexico's 2007 *federal* law, repeated on every row as a yardstick only:
    the states have penal codes and laws of their own, whose penalties the report does not
    give, and it does not say under which law each sentence was handed down.
    """
    rows = _rows(["sentence_min", "sentence_max"], 2011)
    ranges = (
        rows.pivot(index="actor", columns="measure", values="value")
        .rename(columns={"sentence_min": "min_years", "sentence_max": "max_years"})
        .reindex(rows["actor"].drop_duplicates())[["min_years", "max_years"]]
    )
    law = _rows(["law_penalty_min", "law_penalty_max"]).set_index("measure")["value"]
    ranges["law_min_years"] = int(law["law_penalty_min"])
    ranges["law_max_years"] = int(law["law_penalty_max"])
    ranges.index.name = "jurisdiction"
    ranges.columns.name = None
    ranges = ranges.reset_index()
    ranges.insert(1, "level", ranges["jurisdiction"].map(_level))
    return ranges


def victims_identified() -> pd.DataFrame:
    """Victims identified, by agency and year. Do not add these counts up.

    The report says "There were no comprehensive statistics" on victims identified and gives
    separate counts by agency for 2011. It does not say whether one person could be in two
    agencies' counts; that they may overlap is this course's reading, so the ``summable`` column
    is False on every row. The 2010 row is the report's "at least 259", for "authorities" it
    does not name.
    """
    rows = _rows("victims_identified")
    table = rows.assign(agency=rows["actor"], victims=rows["value"].astype(int), summable=False)[
        ["agency", "year", "victims", "qualifier", "summable", "id"]
    ]
    table.attrs["note"] = (
        "The report says there were no comprehensive statistics on victims identified. It does "
        "not say whether one person could be in two agencies' counts, so these counts cannot be "
        "summed into a total."
    )
    return table.reset_index(drop=True)


#: The measures of the three outcomes, named as the report states them: it does not call these
#: victims "foreign" (see inm_victim_outcomes).
_OUTCOMES = {
    "victims_received_legal_residency": "received legal residency",
    "victims_repatriated": "repatriated",
    "victim_cases_ongoing": "case ongoing",
}


def inm_victim_outcomes() -> pd.DataFrame:
    """The outcomes INM reported for victims identified in 2011: residency, repatriation, ongoing.

    The report says INM "reported identifying 29" victims in 2011, then that "11 victims that
    they identified in 2011 received legal residency in Mexico, while 13 were repatriated and
    five cases were ongoing". It does not say that these are all of the 29, nor that the 29 were
    foreign. This course reads them so: 11 + 13 + 5 = 29, and legal residency in Mexico and
    repatriation are outcomes for foreign victims, in the report's paragraph on foreign victims.
    The names here keep the report's words; "foreign" is only the course's reading.
    """
    rows = _rows(list(_OUTCOMES), 2011)
    return rows.assign(outcome=rows["measure"].map(_OUTCOMES), victims=rows["value"].astype(int))[
        ["outcome", "victims", "id"]
    ].reset_index(drop=True)


def budget() -> pd.DataFrame:
    """The National Program's budget before and after the cut, in U.S. dollar equivalents.

    The report gives no year for either amount and no exchange rate: only "the equivalent of".
    """
    rows = _rows(["program_budget_before_cut", "program_budget_after_cut"])
    stages = {
        "program_budget_before_cut": "before the cut",
        "program_budget_after_cut": "after the cut",
    }
    table = rows.assign(stage=rows["measure"].map(stages), usd=rows["value"].astype(int))
    table = table.sort_values("stage", key=lambda stage: stage != "before the cut")
    return table[["stage", "usd", "id"]].reset_index(drop=True)


def prevention_figures() -> pd.DataFrame:
    """Every figure of the Prevention section: budget, CNDH partnerships and training.

    All of them are whole numbers, so ``value`` holds integers (``Int64``) here.
    """
    table = _facts()
    table = table[table["section"] == "prevention"].reset_index(drop=True)
    if (table["value"] % 1 == 0).all():
        table["value"] = table["value"].astype("Int64")
    return table
