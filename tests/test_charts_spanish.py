"""The charts in Spanish: every word drawn or described comes from the catalogue, in Spanish;
the numbers are the English chart's; the English charts are what they were before.

Each chart function of ``tipcourse.views.charts`` is drawn with the course's real data, as
tests/test_charts.py does, once in each language.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import tipcourse
from tipcourse.report import messages
from tipcourse.views import charts

ROOT = Path(__file__).resolve().parent.parent
LOCALES = Path(tipcourse.__file__).resolve().parent / "locales"

#: The data each chart draws, by chart function.
DATA = {
    "budget_cut": tipcourse.budget,
    "convictions": tipcourse.convictions_by_jurisdiction,
    "sentence_ranges": tipcourse.sentences_by_jurisdiction,
    "victims_by_agency": tipcourse.victims_identified,
    "inm_victim_outcomes": tipcourse.inm_victim_outcomes,
    "tier_distribution": tipcourse.tiers,
    "tier_history": tipcourse.tier_history,
}
#: bar() draws what it is given: in each language, a learner's own words.
BAR = {
    "en": (
        {"Prosecution": 4, "Protection": 5},
        "Recommendations per P",
        "Recommendations (number)",
    ),
    "es": ({"Procesamiento judicial": 4, "Protección": 5}, "Recomendaciones por P", "Número"),
}
NAMES = sorted([*DATA, "bar"])

#: Title and alt text of each English chart, recorded from charts.py before it used the catalogue.
ENGLISH = {
    "budget_cut": (
        "National Program budget, before and after the cut",
        "Bar chart. The budget of the National Program to Prevent and Combat Trafficking was the "
        "equivalent of $4,200,000 before the cut and of $313,000 after the cut. Source: U.S. "
        "Department of State, TIP Report 2012 (Mexico narrative).",
    ),
    "convictions": (
        'Trafficking convictions by jurisdiction, "during the year" (2012 report)',
        "Bar chart of 14 trafficking convictions by jurisdiction, those the 2012 report counts "
        '"during the year". SIEDO (federal): 4; Mexico City (state): 4; Puebla (state): 3; '
        "Chiapas (state): 2; Yucatan (state): 1. Source: U.S. Department of State, TIP Report "
        "2012 (Mexico narrative).",
    ),
    "sentence_ranges": (
        "Sentences the report gives, beside the federal law's range",
        'Range chart of the prison sentences the report gives (SIEDO\'s dated "In 2011", the '
        "others undated). SIEDO: 14.5 to 16.5 years; Mexico City: 6 to 12 years; Puebla, "
        "Chiapas and Yucatan: 10 to 14 years. The 2007 federal law prescribes 6 to 18 years, "
        "drawn as a yardstick only (the states have laws of their own); every range lies "
        "between those numbers. Source: U.S. Department of State, TIP Report 2012 (Mexico "
        "narrative).",
    ),
    "victims_by_agency": (
        "Victims identified in 2011, as each body reported",
        "Bar chart. Victims identified in 2011, as each body reported. FEVIMTRA: 89; INM: 29; "
        "Baja California: 13; Mexico City: 29. The report gives no comprehensive statistics "
        "and does not say whether these counts overlap, so they must not be added up. Source: "
        "U.S. Department of State, TIP Report 2012 (Mexico narrative).",
    ),
    "inm_victim_outcomes": (
        "Outcomes INM reported for victims it identified in 2011",
        "Bar chart. Outcomes INM reported for victims it identified in 2011. received legal "
        "residency: 11; repatriated: 13; case ongoing: 5. Together they make 29; this course "
        "reads them as the outcomes of the victims INM reported identifying in 2011. Source: "
        "U.S. Department of State, TIP Report 2012 (Mexico narrative).",
    ),
    "tier_distribution": (
        "Countries in each tier, 2012 report",
        "Bar chart. Countries in each tier, 2012 report. Tier 1: 32; Tier 2: 92; Tier 2 Watch "
        "List: 41; Tier 3: 17. 7 countries of the panel were not ranked, or had a special case, "
        "that year. Source: Heiss and Kelley, Scorecard Diplomacy data (MIT license), from the "
        "TIP Reports.",
    ),
    "tier_history": (
        "Mexico's tier in each TIP Report",
        "Step chart of Mexico's tier by report year, 2001–2025: Tier 2 2001–2003; Tier 2 Watch "
        "List 2004–2007; Tier 2 2008–2025. Less certain placements: 2004, 2008, 2009, 2023, "
        "2024, 2025. Source: U.S. Department of State TIP Report narratives (archive copies, "
        "reproductions, a later\nnarrative) and the Heiss–Kelley and Kelley–Simmons data sets, "
        "compiled by tipcourse;\neach year's checked_against in tipcourse.tier_history() says "
        "which.",
    ),
    "bar": (
        "Recommendations per P",
        "Bar chart. Recommendations per P. Prosecution: 4; Protection: 5. Source: U.S. "
        "Department of State, TIP Report 2012 (Mexico narrative).",
    ),
}

#: Common English function words and the charts' own English words. None is also a Spanish
#: word the charts use ("a", "no", "federal", "legal", "panel", "has" are left out for that).
ENGLISH_WORDS = frozenset(
    """
    the and of by in to for from with on at as or is was were are be been not that this these
    those each every they them their it its which who what than into per between beside during
    before after only own other others less more none together make says do up add gives
    reported reads drawn dated undated lies have had whether must so
    chart bar step range source report reports narrative narratives year years number numbers
    count counts separate victims victim identified identifying convictions conviction sentence
    sentences prison law laws budget program national dollars equivalent cut tier tiers level
    state states city mexico watch list ranked countries country special case outcomes outcome
    received residency repatriated ongoing authorities agency body office placement placements
    certain copy copies archive reproductions later compiled data sets license trafficking
    persons people department yardstick jurisdiction course statistics comprehensive
    """.split()
)
WORD = re.compile(r"[^\W\d]+(?:['’][^\W\d]+)*")  # underscores join: checked_against is code
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def english_words(text: str) -> set[str]:
    """The English words of ``text``: listed words, and any word with a possessive 's."""
    words = {word.lower() for word in WORD.findall(text)}
    return {word for word in words if word in ENGLISH_WORDS or re.search(r"['’]s$", word)}


def numbers(text: str) -> set[str]:
    """The numbers written in ``text``, as digit strings (with their thousands commas)."""
    return set(NUMBER.findall(text))


def draw(name: str, language: str) -> charts.Chart:
    """The chart ``name`` with the course's data (bar: words of ``language``), drawn."""
    if name == "bar":
        data, title, xlabel = BAR[language]
        chart = charts.bar(data, title=title, xlabel=xlabel)
    else:
        chart = getattr(charts, name)(DATA[name]())
    FigureCanvasAgg(chart)
    chart.canvas.draw()
    return chart


def drawn_texts(chart: charts.Chart) -> dict[str, str]:
    """Every text the chart draws or says, by where it is."""
    axes = chart.axes[0]
    found = {
        "title": chart.get_suptitle(),
        "caption": chart.get_supxlabel(),
        "xlabel": axes.get_xlabel(),
        "ylabel": axes.get_ylabel(),
        "alt text": chart.alt_text,
    }
    ticks = [*axes.get_xticklabels(), *axes.get_yticklabels()]
    found |= {f"tick {n}": tick.get_text() for n, tick in enumerate(ticks)}
    found |= {f"text {n}": text.get_text() for n, text in enumerate(axes.texts)}
    legend = axes.get_legend()
    if legend is not None:
        found["legend title"] = legend.get_title().get_text()
        found |= {f"legend {n}": text.get_text() for n, text in enumerate(legend.get_texts())}
    return found


@pytest.fixture
def spanish(monkeypatch):
    """Spanish for one test; monkeypatch gives the language back afterwards."""
    monkeypatch.setattr(messages, "_chosen", "es")
    monkeypatch.setenv("TIPCOURSE_LANG", "es")


@pytest.fixture
def english(monkeypatch):
    """English, whatever the environment says."""
    monkeypatch.setattr(messages, "_chosen", None)
    monkeypatch.delenv("TIPCOURSE_LANG", raising=False)


def in_language(monkeypatch, language: str) -> None:
    monkeypatch.setattr(messages, "_chosen", language)
    monkeypatch.setenv("TIPCOURSE_LANG", language)


# -- the measure --------------------------------------------------------------------------------


def test_the_english_word_measure_catches_english_and_passes_spanish():
    """An English sentence is caught word by word; its Spanish translation has none of them."""
    sentence = "Victims identified in 2011, as each body reported; SIEDO's tier before the cut."
    assert english_words(sentence) == {
        "victims", "identified", "in", "as", "each", "body", "reported", "siedo's", "tier",
        "before", "the", "cut",
    }  # fmt: skip
    assert english_words("Víctimas identificadas en 2011, según informó cada autoridad.") == set()
    assert english_words("tipcourse.tier_history() y checked_against") == set()  # code
    assert numbers("de 4,200,000 dólares a 14.5 años (2012).") == {"4,200,000", "14.5", "2012"}


@pytest.mark.parametrize("name", NAMES)
def test_the_measure_finds_english_in_every_english_chart(name, english):
    """Each English chart's title and alt text trip the measure, so its silence in Spanish
    means something."""
    chart = draw(name, "en")
    assert english_words(chart.get_suptitle()) and english_words(chart.alt_text)


# -- Spanish ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_a_spanish_chart_draws_and_says_no_english_word(name, spanish):
    """Title, caption, axis labels, tick labels, legend, notes and alt text: all Spanish."""
    found = {
        place: sorted(english_words(text))
        for place, text in drawn_texts(draw(name, "es")).items()
        if english_words(text)
    }
    assert found == {}


@pytest.mark.parametrize("name", NAMES)
def test_the_spanish_alt_text_gives_the_english_numbers(name, monkeypatch):
    """A Spanish screen-reader user hears the same numbers as an English one."""
    in_language(monkeypatch, "en")
    english_alt = draw(name, "en").alt_text
    in_language(monkeypatch, "es")
    spanish_alt = draw(name, "es").alt_text
    assert spanish_alt != english_alt
    assert numbers(spanish_alt) == numbers(english_alt)


@pytest.mark.parametrize("name", NAMES)
def test_spanish_text_fits_in_the_figure(name, spanish):
    """The longer Spanish titles, captions and labels are wrapped, not cut off at the edge."""
    chart = draw(name, "es")
    axes = chart.axes[0]
    legend = axes.get_legend()
    texts = [chart._suptitle, chart._supxlabel, axes.xaxis.label, axes.yaxis.label]
    texts += [*axes.get_yticklabels(), *axes.texts]
    texts += [legend.get_title(), *legend.get_texts()] if legend is not None else []
    renderer = chart.canvas.get_renderer()
    box = chart.bbox
    outside = [
        text.get_text()
        for text in texts
        if text is not None
        and text.get_text()
        and not (
            box.x0 - 1 <= text.get_window_extent(renderer).x0
            and text.get_window_extent(renderer).x1 <= box.x1 + 1
            and box.y0 - 1 <= text.get_window_extent(renderer).y0
            and text.get_window_extent(renderer).y1 <= box.y1 + 1
        )
    ]
    assert outside == []


def test_the_spanish_charts_use_the_course_terms(spanish):
    """Tiers as niveles, levels as ámbito, dollars in words, and the report's Spanish title."""
    budget = drawn_texts(draw("budget_cut", "es"))
    assert not any("$" in text for text in budget.values())
    assert "4,200,000 dólares" in budget["alt text"] and "313,000 dólares" in budget["alt text"]
    assert budget["ylabel"].split() == "Presupuesto (dólares estadounidenses, equivalente)".split()
    assert {budget["tick 0"], budget["tick 1"]} == {"antes del recorte", "después del recorte"}
    convictions = drawn_texts(draw("convictions", "es"))
    assert convictions["legend title"] == "Ámbito"
    assert {convictions["legend 0"], convictions["legend 1"]} == {"federal", "estatal"}
    assert "Ciudad de México (estatal): 4" in convictions["alt text"]
    caption = " ".join(convictions["caption"].split())
    assert caption.startswith(
        "Fuente: Departamento de Estado de los Estados Unidos, Informe sobre la Trata de "
        "Personas 2012"
    )
    history = drawn_texts(draw("tier_history", "es"))
    ticks = [text for place, text in history.items() if place.startswith("tick")]
    assert {"Nivel 1", "Nivel 2", "Lista de Vigilancia del Nivel 2", "Nivel 3"} <= set(ticks)
    assert "Scorecard Diplomacy" in draw("tier_distribution", "es").alt_text  # a name, kept


def test_a_chart_keeps_its_language_when_drawn_after_a_switch(monkeypatch):
    """A Spanish chart shown again after set_language("en") still draws Spanish tick labels."""
    in_language(monkeypatch, "es")
    chart = charts.budget_cut(tipcourse.budget())
    in_language(monkeypatch, "en")
    FigureCanvasAgg(chart)
    chart.canvas.draw()
    ticks = [tick.get_text() for tick in chart.axes[0].get_yticklabels()]
    assert "4.0 millones" in ticks and not any("$" in tick for tick in ticks)


def test_the_spanish_chart_texts_avoid_the_terms_the_glossary_rules_out():
    """No "tráfico de personas", "convicción" or other term terminology.csv says to avoid."""
    with (ROOT / "data" / "terminology.csv").open(encoding="utf-8") as file:
        avoid = {term for row in csv.DictReader(file) for term in row["avoid"].split("|") if term}
    spanish = json.loads((LOCALES / "es.json").read_text("utf-8"))
    found = [
        (key, term)
        for key, text in spanish.items()
        if key.startswith("chart.")
        for term in avoid
        if re.search(rf"\b{re.escape(term)}\b", text, re.IGNORECASE)
    ]
    assert found == []


@pytest.mark.parametrize("name", sorted(DATA))
def test_drawing_in_spanish_leaves_the_data_as_they_were(name, spanish):
    """Only what is drawn is translated: the DataFrame a chart receives is not changed."""
    table = DATA[name]()
    before = table.copy()
    getattr(charts, name)(table)
    assert table.equals(before)
    assert list(table.columns) == list(before.columns)


# -- English, unchanged -------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_english_chart_is_what_it_was(name, english):
    """Moving the words into the catalogue changed no English title or alt text."""
    chart = draw(name, "en")
    assert (chart.get_suptitle(), chart.alt_text) == ENGLISH[name]
    assert chart.get_supxlabel().startswith("Source: ")
