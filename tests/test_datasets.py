"""The data behind the course: the narrative's provenance, tier tables and the glossary."""

import hashlib

import pandas as pd
import pytest

import tipcourse
from tipcourse.report import datasets


def test_report_text_matches_its_recorded_checksum():
    """The narrative on disk is byte for byte the one the metadata describes."""
    meta = tipcourse.report_metadata()
    raw = (datasets.data_dir() / "report" / meta["text_file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == meta["sha256"]


def test_report_metadata_says_what_and_whence():
    """Title, publisher, year, period, country, tier, source and licence are all recorded."""
    meta = tipcourse.report_metadata()
    assert meta["publisher"] == "U.S. Department of State"
    assert meta["report_year"] == 2012
    assert meta["reporting_period"] == {"start": "2011-04-01", "end": "2012-03-31"}
    assert (meta["country"], meta["tier"]) == ("Mexico", "Tier 2")
    assert "public domain" in meta["licence"]
    assert "Refworld" in meta["source"] and "Disclaimer" in meta["source"]
    report = tipcourse.load_report()
    assert (report.country, report.tier, report.year) == (
        meta["country"],
        meta["tier"],
        meta["report_year"],
    )


def test_changed_report_text_is_refused(tmp_path, monkeypatch):
    """If the narrative file was edited, loading says so instead of teaching altered text."""
    copy = tmp_path / "data"
    (copy / "report").mkdir(parents=True)
    for name in ("mexico-2012.json", "mexico-2012.txt"):
        (copy / "report" / name).write_bytes((datasets.data_dir() / "report" / name).read_bytes())
    text = copy / "report" / "mexico-2012.txt"
    text.write_text(text.read_text("utf-8").replace("at least 14", "at least 41"), "utf-8")
    monkeypatch.setattr(datasets, "data_dir", lambda: copy)
    datasets._report_metadata.cache_clear()
    try:
        with pytest.raises(datasets.DataError, match="has been changed"):
            datasets._report_text()
    finally:
        datasets._report_metadata.cache_clear()


def test_tier_history_covers_2001_to_2025_with_citations():
    """Mexico's tier for every report year 2001–2025, each citing that year's narrative, saying what it was checked against, with a confidence grade."""
    history = tipcourse.tier_history()
    assert list(history["report_year"]) == list(range(2001, 2026))
    for row in history.itertuples():
        assert row.citation.startswith("U.S. Department of State, Trafficking in Persons Report"), (
            row
        )
        assert str(row.report_year) in row.citation, row
    # What each row was checked against is shown too: for some years it is not the narrative cited.
    assert history["checked_against"].str.len().gt(10).all()
    assert "Heiss-Kelley" in history.set_index("report_year").loc[2008, "checked_against"]
    by_year = history.set_index("report_year")
    assert by_year.loc[2012, "tier"] == "Tier 2"
    assert list(by_year.loc[2004:2007, "tier"]) == ["Tier 2 Watch List"] * 4
    assert by_year.loc[2024, "tier"] == "Tier 2"
    assert by_year.loc[2024, "confidence"] == "low-medium"
    assert set(history["confidence"]) >= {"high", "medium"}


def test_every_less_certain_tier_says_why_in_plain_words():
    """Each row below high confidence has a plain-words note; the 2004 note says it is the first Watch List report."""
    history = tipcourse.tier_history()
    less_certain = history[history["confidence"] != "high"]
    assert list(less_certain["report_year"]) == [2004, 2008, 2009, 2023, 2024, 2025]
    assert less_certain["note"].str.len().gt(20).all()
    assert (
        "first report with a Tier 2 Watch List"
        in history.set_index("report_year").loc[2004, "note"]
    )
    assert not history["note"].str.contains("NOT read|docid|\\.com", regex=True).any()


def test_tier_history_agrees_with_the_panel_where_they_overlap():
    """The history and the Heiss–Kelley panel give Mexico the same tier in 2001–2015."""
    panel = tipcourse.tiers()
    mexico = panel[panel["iso"] == "MEX"].set_index("year")["tier"]
    history = tipcourse.tier_history().set_index("report_year")["tier"]
    for year in range(2001, 2016):
        assert str(mexico[year]) == str(history[year]), year


def test_tiers_decode_the_panels_codes():
    """Codes 1–4 become the report's tier labels and missing codes 'not ranked'."""
    panel = tipcourse.tiers()
    assert panel["country"].nunique() == 193
    assert panel["year"].between(1999, 2015).all()
    pairs = panel.drop_duplicates("tier_code")[["tier_code", "tier"]].dropna()
    assert dict(zip(pairs["tier_code"], pairs["tier"].astype(str), strict=True)) == {
        1: "Tier 1",
        2: "Tier 2",
        3: "Tier 2 Watch List",
        4: "Tier 3",
    }
    assert (panel.loc[panel["tier_code"].isna(), "tier"] == "not ranked").all()
    counts = panel[panel["year"] == 2012]["tier"].value_counts()
    assert counts["not ranked"] == 7
    assert counts.sum() == 189
    assert [counts[tier] for tier in ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3")] == [
        32,
        92,
        41,
        17,
    ]


def test_panel_licence_sits_beside_the_data():
    """The MIT licence of the Heiss–Kelley data ships next to the file."""
    licence = datasets.data_dir() / "tiers" / "tip_tiers_1999_2015_heiss_kelley.LICENSE.txt"
    assert "MIT License" in licence.read_text("utf-8")
    assert "Judith Kelley and Andrew Heiss" in licence.read_text("utf-8")


def test_glossary_expansions_are_the_reports_own_words():
    """Where the glossary cites the report, its expansion stands in the report, with the acronym."""
    glossary = tipcourse.glossary()
    report = tipcourse.load_report()
    assert {
        "FEVIMTRA",
        "SIEDO",
        "INM",
        "CNDH",
        "Provictima",
        "NGO",
        "TVPA",
        "Tier 2 Watch List",
    } <= set(glossary["term"])
    assert set(glossary["source"]) == {"report", "background"}
    assert glossary["role"].str.len().gt(20).all()
    for row in glossary[glossary["source"] == "report"].itertuples():
        assert report.search(row.term), row.term
        if row.expansion:
            assert report.locate(row.expansion) is not None, row.term
            if row.term.isupper():
                assert report.locate(f"{row.expansion} ({row.term})") is not None, row.term


def test_report_metadata_is_a_copy_that_load_report_does_not_read():
    """Changing the dict report_metadata() returns changes neither the next call nor the report."""
    meta = tipcourse.report_metadata()
    meta["report_year"] = 1999
    meta["reporting_period"]["start"] = "never"
    assert tipcourse.report_metadata()["report_year"] == 2012
    assert tipcourse.report_metadata()["reporting_period"]["start"] == "2011-04-01"
    datasets.load_report.cache_clear()
    try:
        assert tipcourse.load_report().year == 2012
    finally:
        datasets.load_report.cache_clear()


@pytest.mark.parametrize(
    "name",
    [
        "facts",
        "glossary",
        "tiers",
        "tier_history",
        "convictions_by_jurisdiction",
        "sentences_by_jurisdiction",
        "victims_identified",
        "inm_victim_outcomes",
        "prevention_figures",
        "budget",
    ],
)
def test_cached_tables_are_the_callers_own(name):
    """A table a public function returns can be changed without changing the next call's."""
    first = getattr(tipcourse, name)()
    before = getattr(tipcourse, name)().copy()
    first.iloc[0] = first.iloc[-1]
    del first[first.columns[-1]]
    pd.testing.assert_frame_equal(getattr(tipcourse, name)(), before)
