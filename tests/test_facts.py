"""Every number the course shows traces to a sentence of the report, and the tables add up."""

import re

import pandas as pd
import pytest

import tipcourse
from tipcourse.report._facts import QUALIFIERS
from tipcourse.report._text import number_from_words as parse_number


@pytest.fixture(scope="module")
def report():
    return tipcourse.load_report()


@pytest.fixture(scope="module")
def facts():
    return tipcourse.facts()


def _fact(facts, fact_id):
    return facts.set_index("id").loc[fact_id, "value"]


def test_facts_columns_and_size(facts):
    """There are 40 or more figures, with the documented columns and unique readable ids."""
    assert len(facts) >= 40
    assert list(facts.columns)[:9] == [
        "id",
        "section",
        "measure",
        "value",
        "unit",
        "year",
        "actor",
        "qualifier",
        "quote",
    ]
    assert facts["id"].is_unique
    for fact_id, section in zip(facts["id"], facts["section"], strict=True):
        assert re.fullmatch(r"[a-z]+\.[a-z0-9_]+", fact_id)
        assert fact_id.split(".")[0] == section


def test_every_quote_is_in_the_report_in_its_section(facts, report):
    """locate() finds every quote verbatim, in the section the fact names."""
    for row in facts.itertuples():
        where = report.locate(row.quote)
        assert where is not None, f"{row.id}: quote not found in the report"
        assert where.section == row.section, row.id


def test_every_quote_states_its_number(facts):
    """The quote holds the number as written, and those words give the value."""
    for row in facts.itertuples():
        assert row.as_written in row.quote, row.id
        assert parse_number(row.as_written) == row.value, row.id
        written = re.sub(r"[$,]", "", row.as_written).split()[0]
        assert re.search(
            rf"(?<![\w.]){re.escape(written)}(?![\w]|\.\d)",
            row.quote.replace(",", ""),
            re.IGNORECASE,
        ), row.id


def test_qualifiers_are_stated_in_the_quote(facts):
    """'at least', 'over', 'up to' and 'under' are only given where the quote says so."""
    spoken = {
        "at least": ["at least"],
        "over": ["over", "more than"],
        "up to": ["up to", "or fewer"],
        "under": ["under"],
    }
    for row in facts.itertuples():
        assert row.qualifier in QUALIFIERS, row.id
        if row.qualifier:
            assert any(words in row.quote for words in spoken[row.qualifier]), row.id


def test_values_are_numbers_and_years_are_calendar_years(facts):
    """Values are numeric; years are calendar years the figures count (2007–2011) or missing."""
    assert pd.api.types.is_numeric_dtype(facts["value"])
    years = facts["year"].dropna()
    assert years.between(2007, 2011).all()
    assert _fact(facts, "prosecution.fevimtra_cases_investigated") == 67


@pytest.mark.parametrize(
    "words, number",
    [
        ("six", 6),
        ("Eighteen", 18),
        ("14.5", 14.5),
        ("$4.2 million", 4_200_000),
        ("$313,000", 313_000),
        ("20,000", 20_000),
        ("twenty-one", 21),
        ("one hundred", 100),
        ("2007", 2007),
    ],
)
def test_parse_number_reads_the_reports_ways_of_writing(words, number):
    """Numbers in words, with commas, dollars and 'million' become numbers."""
    assert parse_number(words) == number


@pytest.mark.parametrize("words", ["", "hundreds", "many", "six apples", "$"])
def test_parse_number_rejects_non_numbers(words):
    """Words that are not a number raise ValueError instead of guessing."""
    with pytest.raises(ValueError):
        parse_number(words)


def test_a_year_is_the_reports_only_where_its_sentence_names_it(facts, report):
    """year_source is "report" only where the figure's sentence gives the year; "course" marks
    the course's reading (the total "during the year", the undated state convictions), and the
    assessment's "at least 14", dated only "During the reporting period", has no year at all."""
    from tipcourse.report._facts import YEAR_SOURCES

    assert set(facts["year_source"]) <= set(YEAR_SOURCES)
    assert (facts["year"].isna() == (facts["year_source"] == "")).all()
    for row in facts[facts["year_source"] != ""].itertuples():
        where = report.locate(row.quote)
        sentence = report.sections[where.section].sentences[where.sentence]
        if row.year_source == "report":
            assert str(row.year) in sentence, row.id
    by_id = facts.set_index("id")
    assert pd.isna(by_id.loc["assessment.convictions_total", "year"])
    assert by_id.loc["prosecution.convictions_total", "year_source"] == "course"
    assert by_id.loc["prosecution.siedo_convictions", "year_source"] == "report"
    assert by_id.loc["prosecution.puebla_convictions", "year_source"] == "course"
    table = tipcourse.convictions_by_jurisdiction().set_index("jurisdiction")["year_source"]
    assert table["SIEDO"] == "report" and (table.drop("SIEDO") == "course").all()


def test_ranges_give_one_row_per_end(facts):
    """'14.5 to 16.5 years' is two rows with the same quote."""
    low = facts.set_index("id").loc["prosecution.siedo_sentence_min"]
    high = facts.set_index("id").loc["prosecution.siedo_sentence_max"]
    assert (low["value"], high["value"]) == (14.5, 16.5)
    assert low["quote"] == high["quote"]


def test_convictions_by_jurisdiction_add_up_to_the_reported_total(facts):
    """2011 convictions by jurisdiction sum to the 14 the report gives as its total."""
    table = tipcourse.convictions_by_jurisdiction()
    assert table["convictions"].sum() == _fact(facts, "prosecution.convictions_total") == 14
    assert _fact(facts, "assessment.convictions_total") == 14
    assert set(table["jurisdiction"]) == {"SIEDO", "Mexico City", "Puebla", "Chiapas", "Yucatan"}
    assert table.set_index("jurisdiction").loc["SIEDO", "level"] == "federal"
    previous = tipcourse.convictions_by_jurisdiction(2010)
    assert dict(zip(previous["jurisdiction"], previous["convictions"], strict=True)) == {
        "FEVIMTRA": 1,
        "Mexico City": 4,
    }


def test_sentence_ranges_are_the_reports_beside_the_federal_laws_range(facts):
    """Each range is the report's, by level; the law columns are the federal law's 6 to 18 years."""
    table = tipcourse.sentences_by_jurisdiction().set_index("jurisdiction")
    assert list(table.index) == ["SIEDO", "Mexico City", "Puebla, Chiapas and Yucatan"]
    assert list(table["level"]) == ["federal", "state", "state"]
    assert table.loc["SIEDO", ["min_years", "max_years"]].tolist() == [14.5, 16.5]
    assert table.loc["Mexico City", ["min_years", "max_years"]].tolist() == [6, 12]
    assert (table["min_years"] <= table["max_years"]).all()
    assert _fact(facts, "prosecution.law_penalty_min") == 6
    assert _fact(facts, "prosecution.law_penalty_max") == 18
    assert (table["law_min_years"] == 6).all() and (table["law_max_years"] == 18).all()
    assert str(table["law_max_years"].dtype) == "int64"
    # A yardstick, not a limit: the docstring must say the range is the federal law's only.
    assert "federal" in tipcourse.sentences_by_jurisdiction.__doc__
    assert "yardstick" in tipcourse.sentences_by_jurisdiction.__doc__


def test_victims_identified_are_flagged_as_not_summable():
    """Victim counts by agency carry a flag and a note that they cannot be added up."""
    table = tipcourse.victims_identified()
    assert not table["summable"].any()
    assert "cannot be summed" in table.attrs["note"]
    counts = {(row.agency, row.year): row.victims for row in table.itertuples()}
    assert counts[("FEVIMTRA", 2011)] == 89
    # The report says only "authorities" for 2010, without naming them.
    assert counts[("authorities", 2010)] == 259
    assert table.set_index("agency").loc["authorities", "qualifier"] == "at least"


def test_inm_victim_outcomes_add_up_to_inms_count(facts):
    """The course's reading holds: the three outcomes INM reported sum to the 29 it identified.

    The report does not say the outcomes are those of all 29 victims; the course reads them so
    because the sum matches, and its docstring says so in the report's words.
    """
    outcomes = tipcourse.inm_victim_outcomes()
    assert outcomes["victims"].sum() == _fact(facts, "protection.inm_victims_identified") == 29
    assert list(outcomes["outcome"]) == ["received legal residency", "repatriated", "case ongoing"]
    reading = tipcourse.inm_victim_outcomes.__doc__
    assert "reported identifying 29" in reading and "This course reads them so" in reading


def test_budget_before_and_after_the_cut():
    """The program's budget table has the amount before the cut first, then after."""
    table = tipcourse.budget()
    assert list(table["stage"]) == ["before the cut", "after the cut"]
    assert list(table["usd"]) == [4_200_000, 313_000]


def test_prevention_figures_are_the_prevention_rows(facts):
    """prevention_figures() holds every Prevention figure and nothing else."""
    table = tipcourse.prevention_figures()
    assert set(table["id"]) == set(facts.loc[facts["section"] == "prevention", "id"])
    assert (table["section"] == "prevention").all()
    assert str(table["value"].dtype) == "Int64"


def test_facts_are_cached_but_safe_to_change(facts):
    """Changing a returned table does not change what the next call returns."""
    first = tipcourse.facts()
    first.loc[:, "value"] = -1
    assert (tipcourse.facts()["value"] >= 0).all()
    assert tipcourse.load_report() is tipcourse.load_report()
