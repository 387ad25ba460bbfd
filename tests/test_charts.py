"""Charts: titled, labeled, sourced, color-blind safe, described in words, and restylable."""

import base64
import re

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

import tipcourse
from tipcourse.report._parse import TIERS
from tipcourse.views import charts


def _number(value):
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


CHARTS = {
    "budget_cut": lambda: charts.budget_cut(tipcourse.budget()),
    "convictions": lambda: charts.convictions(tipcourse.convictions_by_jurisdiction()),
    "sentence_ranges": lambda: charts.sentence_ranges(tipcourse.sentences_by_jurisdiction()),
    "victims_by_agency": lambda: charts.victims_by_agency(tipcourse.victims_identified()),
    "inm_victim_outcomes": lambda: charts.inm_victim_outcomes(tipcourse.inm_victim_outcomes()),
    "tier_distribution": lambda: charts.tier_distribution(tipcourse.tiers()),
    "tier_history": lambda: charts.tier_history(tipcourse.tier_history()),
    "bar": lambda: charts.bar(
        {"Prosecution": 4, "Protection": 5},
        title="Recommendations per P",
        xlabel="Recommendations (number)",
    ),
}


@pytest.fixture(params=sorted(CHARTS))
def chart(request):
    return CHARTS[request.param]()


def test_a_chart_is_a_matplotlib_figure_with_title_labels_and_source(chart):
    """Title, at least one labeled axis, and a caption naming the source."""
    assert isinstance(chart, Figure)
    assert chart.get_suptitle()
    axes = chart.axes[0]
    assert axes.get_xlabel() or axes.get_ylabel()
    caption = chart.get_supxlabel()
    assert caption.startswith("Source:") and caption in chart.alt_text


def test_colours_come_from_the_colour_blind_safe_palette(chart):
    """Every filled bar and line uses an Okabe–Ito colour (or plain black, white and greys)."""
    allowed = {colour.lower() for colour in charts.PALETTE} | {"#000000", "#ffffff", "#333333"}
    axes = chart.axes[0]
    used = {to_hex(patch.get_facecolor()) for patch in axes.patches}
    used |= {to_hex(line.get_color()) for line in axes.lines}
    assert used <= allowed


def test_the_chart_shows_as_an_image_with_its_description_as_alt_text(chart):
    """In a notebook: an <img> whose alt is the description; as text: the description."""
    bundle, _ = chart._repr_mimebundle_()
    assert bundle["text/plain"] == chart.alt_text
    match = re.fullmatch(
        r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)">', bundle["text/html"]
    )
    assert match and len(match.group(2)) > 40
    assert bundle["image/png"] == match.group(1)


def test_the_chart_is_also_saved_as_png_for_pdf_and_static_sites(chart):
    """nbconvert's PDF/LaTeX export and static sites take image/png; its alt text travels along."""
    bundle, metadata = chart._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert metadata["image/png"]["alt"] == chart.alt_text


def test_the_description_states_every_value_drawn():
    """A screen-reader user gets the same numbers as a sighted one."""
    convictions = tipcourse.convictions_by_jurisdiction()
    text = charts.convictions(convictions).alt_text
    for row in convictions.itertuples():
        assert f"{row.jurisdiction} ({row.level}): {row.convictions}" in text
    assert f"Bar chart of {convictions['convictions'].sum()} trafficking convictions" in text
    budget = tipcourse.budget()
    before, after = budget["usd"]
    text = charts.budget_cut(budget).alt_text
    assert f"${before:,.0f}" in text and f"${after:,.0f}" in text
    history = tipcourse.tier_history()
    text = charts.tier_history(history).alt_text
    unsure = history[history["confidence"] != "high"]["report_year"]
    assert all(str(year) in text.split("Less certain placements:")[1] for year in unsure)


def test_the_budget_chart_does_not_give_away_the_percentage_cut():
    """prevention.e01 asks for the cut as a percentage: no title, caption or alt text states it."""
    budget = tipcourse.budget()
    before, after = budget["usd"]
    chart = charts.budget_cut(budget)
    cut = abs((after - before) / before * 100)
    words = " ".join([chart.get_suptitle(), chart.get_supxlabel(), chart.alt_text])
    for form in {f"{cut:.1f}", f"{cut:.2f}", f"{cut:g}", f"{round(cut)}%"}:
        assert form not in words
    assert "National Program" in chart.get_suptitle()


def test_the_convictions_chart_counts_convictions_not_people():
    """The report does not say whether a state's "convictions" are people or cases: the axis
    says convictions as reported, and the title no year the report does not give its total."""
    chart = charts.convictions(tipcourse.convictions_by_jurisdiction())
    label = chart.axes[0].get_xlabel()
    assert "Convictions" in label and "trafficker" not in label
    assert "during the year" in chart.alt_text and "2011" not in chart.get_suptitle()


def test_inm_victim_outcomes_chart_names_the_courses_reading():
    """The outcomes chart keeps the report's words and says that reading them as INM's 29 is ours."""
    outcomes = tipcourse.inm_victim_outcomes()
    chart = charts.inm_victim_outcomes(outcomes)
    assert chart.get_suptitle() == "Outcomes INM reported for victims it identified in 2011"
    assert "this course reads them" in chart.alt_text
    for row in outcomes.itertuples():
        assert f"{row.outcome}: {_number(row.victims)}" in chart.alt_text


def test_sentence_ranges_say_whether_they_fit_the_law():
    """The description checks every range against the law's range rather than assuming it."""
    table = tipcourse.sentences_by_jurisdiction()
    assert charts.sentence_ranges(table).alt_text.count("every range lies between those") == 1
    assert "yardstick only" in charts.sentence_ranges(table).alt_text
    longer = table.copy()
    longer.loc[0, "max_years"] = 20
    assert "not every range lies between those" in charts.sentence_ranges(longer).alt_text


def test_victim_counts_are_drawn_apart_with_a_warning_not_to_add_them():
    """Counts that overlap are separate bars, and the chart says not to add them up."""
    victims = tipcourse.victims_identified()
    chart = charts.victims_by_agency(victims)
    in_2011 = victims[victims["year"] == 2011]
    assert len(chart.axes[0].patches) == len(in_2011)
    assert "must not be added up" in chart.alt_text
    for row in in_2011.itertuples():
        assert f"{row.agency}: {_number(row.victims)}" in chart.alt_text


def test_tier_distribution_counts_the_panel_and_names_the_unranked():
    """Bars count the countries per tier in the chosen year; the unranked are mentioned."""
    tiers = tipcourse.tiers()
    year = tiers[tiers["year"] == 2012]
    chart = charts.tier_distribution(tiers)
    for tier in TIERS:
        assert f"{tier}: {(year['tier'] == tier).sum()}" in chart.alt_text
    unranked = (~year["tier"].isin(TIERS)).sum()
    assert f"{unranked} countries of the panel were not ranked" in chart.alt_text


def test_learners_can_restyle_a_chart_and_show_it_again():
    """A chart is an ordinary figure: change its title or colours and it shows the change."""
    chart = charts.budget_cut(tipcourse.budget())
    chart.suptitle("My title")
    chart.axes[0].patches[0].set_facecolor("#009E73")
    assert chart.get_suptitle() == "My title"
    assert chart._repr_mimebundle_()[0]["text/html"].startswith("<img")


def test_a_chart_renders_the_same_bytes_twice():
    """No timestamp or version inside the PNG: the same data gives the same image."""
    assert CHARTS["convictions"]().png() == CHARTS["convictions"]().png()


def test_tier_history_highlights_the_year_whatever_the_tables_index():
    """A filtered or re-indexed history still marks the highlighted year at its own tier."""
    history = tipcourse.tier_history()
    later = history[history["report_year"] >= 2005]  # index starts at 4, not 0
    chart = charts.tier_history(later, highlight=2007)
    [note] = [text for text in chart.axes[0].texts if text.get_text() == "2007 report"]
    watch_list_level = list(reversed(TIERS)).index("Tier 2 Watch List") + 1
    assert note.xy == (2007, watch_list_level)
    shuffled = history.sample(frac=1, random_state=1).sort_values("report_year")
    shuffled.index = range(100, 100 + len(shuffled))
    assert charts.tier_history(shuffled).axes[0].texts
