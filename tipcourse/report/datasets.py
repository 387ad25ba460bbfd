"""Find and load the course data: the report's text, tier tables and glossary.

The data folder is found the same way from a clone, an editable install and a wheel:
a wheel carries it inside the package as ``tipcourse/data``; a clone or an editable
install reads the repository's top-level ``data/`` beside the package.
pandas is imported inside the functions that return tables, so ``import tipcourse`` stays light.
"""

from __future__ import annotations

import copy
import csv
import functools
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._packaged import packaged_folder
from ._parse import TIERS, Report, parse_report
from .messages import get_language

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "TIER_LABELS",
    "data_dir",
    "glossary",
    "load_report",
    "read_csv_rows",
    "report_metadata",
    "tier_history",
    "tiers",
]

#: Heiss–Kelley's numeric tier code and the label the report uses.
TIER_LABELS = dict(enumerate(TIERS, start=1))
NOT_RANKED = "not ranked"
TIER_ORDER = [*TIERS, NOT_RANKED]


class DataError(RuntimeError):
    """The course data is missing or damaged: reinstall tipcourse or restore ``data/``."""


@functools.cache
def data_dir() -> Path:
    """The folder that holds the course data."""
    folder = packaged_folder("data")
    if folder.is_dir():
        return folder
    raise DataError(
        "tipcourse cannot find its data folder: "
        "reinstall it with 'pip install .' from the course folder"
    )


def read_csv_rows(*parts: str) -> list[dict[str, str]]:
    """The rows of a CSV file under the data folder, as dictionaries of strings."""
    with open(data_dir().joinpath(*parts), newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def _report_metadata() -> dict[str, Any]:
    with open(data_dir() / "report" / "mexico-2012.json", encoding="utf-8") as handle:
        return json.load(handle)


def report_metadata() -> dict[str, Any]:
    """Title, publisher, year, reporting period, source, licence and SHA-256 of the narrative.

    A copy of its own: a caller that changes it changes nothing ``load_report`` reads.
    """
    return copy.deepcopy(_report_metadata())


def _report_text() -> str:
    meta = _report_metadata()
    raw = (data_dir() / "report" / meta["text_file"]).read_bytes()
    if hashlib.sha256(raw).hexdigest() != meta["sha256"]:
        raise DataError(
            f"the report text {meta['text_file']} has been changed: its SHA-256 no longer matches "
            "the metadata. Restore it with 'git checkout data/' or reinstall tipcourse."
        )
    return raw.decode("utf-8")


@functools.cache
def load_report() -> Report:
    """The 2012 Mexico narrative as a :class:`~tipcourse.report._parse.Report`, parsed once and
    cached."""
    return parse_report(_report_text(), year=_report_metadata()["report_year"])


@functools.cache
def _tier_history() -> pd.DataFrame:
    import pandas as pd

    history = pd.DataFrame(read_csv_rows("tiers", "mexico_tier_history_2001_2025.csv"))
    history["report_year"] = history["report_year"].astype(int)
    history["tier"] = pd.Categorical(history["tier"], categories=list(TIERS), ordered=True)
    columns = ["report_year", "reporting_period", "tier", "citation", "checked_against"]
    return history[[*columns, "confidence", "note"]]


def tier_history() -> pd.DataFrame:
    """Mexico's tier in every report year 2001–2025: its source, what was read, and how sure.

    ``citation`` is the primary publication, the year's TIP Report narrative; ``checked_against``
    is what the placement was actually checked against: an archive copy of that narrative, a
    reproduction, a later year's narrative or a research data set (the Heiss–Kelley panel, the
    Kelley–Simmons data set). Where that is not the year's own narrative, the citation names a
    text that was not read, so show both. ``confidence`` is below "high" where the year's
    narrative itself was not read or was checked against a secondary copy; ``note`` says why in
    plain words ("" where there is nothing to add). Show that doubt to learners, do not hide it.
    The country narratives do not give a reporting period (the 2012 one says only "During the
    reporting period"): ``reporting_period`` is the period each report as a whole covers.
    """
    return _tier_history().copy()


@functools.cache
def _tiers() -> pd.DataFrame:
    import pandas as pd

    panel = pd.read_csv(data_dir() / "tiers" / "tip_tiers_1999_2015_heiss_kelley.csv")
    panel = panel.rename(columns={"countryname": "country", "tier": "tier_code"})
    panel["tier_code"] = panel["tier_code"].astype("Int64")
    panel["tier"] = pd.Categorical(
        panel["tier_code"].map(TIER_LABELS).fillna(NOT_RANKED), categories=TIER_ORDER, ordered=True
    )
    return panel[["country", "iso", "year", "ccode", "tier_code", "tier"]]


def tiers() -> pd.DataFrame:
    """Tier placements of 193 countries, 1999–2015 (Heiss and Kelley, MIT licence).

    ``tier_code`` is the dataset's own code (1 = Tier 1, 2 = Tier 2, 3 = Tier 2 Watch List,
    4 = Tier 3, missing = no tier); ``tier`` is its label, "not ranked" where the code is missing.
    The panel's years start before the reports: the first TIP Report with tiers is the 2001
    report, so every row of 1999 and 2000 is empty because there was no report, not because a
    report left a country out. From 2001 on, a missing code is a country the year's report did
    not rank, or a special case. Some countries did not match the dataset's country list, so its
    yearly counts differ slightly from the report's own totals.
    """
    return _tiers().copy()


@functools.cache
def _glossary() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(read_csv_rows("glossary.csv"))


#: The glossary's columns a translation gives (``expansion_es``, ...); the term stays the
#: report's (it is what code looks rows up by, and what the learner finds in the report).
GLOSSARY_TRANSLATED = ("expansion", "role")
GLOSSARY_COLUMNS = ("term", *GLOSSARY_TRANSLATED, "source", "reference")


def glossary(language: str | None = None) -> pd.DataFrame:
    """Agencies and terms of the report: ``term``, ``expansion``, ``role``, ``source``,
    ``reference``, in ``language`` (default: the language in use, see ``set_language``).

    Where ``source`` is "report", the English expansion is the report's own words; "background"
    rows rest on the cited law or document in ``reference``. In Spanish the term stays the
    report's and the expansion is the body's official Spanish name where it has one, else the
    course's translation (the role says which).
    """
    table = _glossary()
    language = language or get_language()
    shown = table[list(GLOSSARY_COLUMNS)].copy()
    for column in GLOSSARY_TRANSLATED:
        translated = f"{column}_{language}"
        if translated in table:
            shown[column] = table[translated].where(table[translated] != "", table[column])
    return shown
