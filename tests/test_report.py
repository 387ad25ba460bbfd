"""The 2012 Mexico narrative as text: sections, sentences, recommendations, locate and search."""

import pytest

import tipcourse
from tipcourse.report import SECTION_NAMES, split_sentences


@pytest.fixture(scope="module")
def report():
    return tipcourse.load_report()


def test_report_identity(report):
    """The report says who it is about, which tier and which year."""
    assert (report.country, report.tier, report.year) == ("Mexico", "Tier 2", 2012)


def test_sections_in_reading_order(report):
    """The six sections come in the narrative's order, each with paragraphs and sentences."""
    assert list(report.sections) == list(SECTION_NAMES)
    paragraphs = {name: len(section.paragraphs) for name, section in report.sections.items()}
    assert paragraphs == {
        "overview": 1, "assessment": 1, "recommendations": 1,
        "prosecution": 5, "protection": 4, "prevention": 1,
    }
    for section in report.sections.values():
        assert section.sentences and all(s.strip() == s for s in section.sentences)


def test_sections_are_read_only(report):
    """A learner cannot change the cached report by accident."""
    with pytest.raises(TypeError):
        report.sections["overview"] = None
    with pytest.raises(AttributeError):
        report.country = "Elsewhere"


def test_disclaimer_is_not_part_of_the_report(report):
    """The archive's closing disclaimer appears in no section."""
    for section in report.sections.values():
        assert "UNHCR" not in section.text
        assert "Disclaimer" not in section.text


def test_sections_keep_every_word_of_the_narrative(report):
    """Joining the sections gives back the narrative's words, minus headings and disclaimer."""
    raw = (tipcourse.datasets.data_dir() / "report" / "mexico-2012.txt").read_text("utf-8")
    body = raw.split("Disclaimer:")[0]
    for heading in ("MEXICO (Tier 2)", "\nProsecution\n", "\nProtection\n", "\nPrevention\n"):
        body = body.replace(heading, " ")
    joined = " ".join(section.text for section in report.sections.values())
    assert joined.split() == body.split()


def test_twelve_recommendations(report):
    """The recommendations paragraph splits into twelve complete clauses."""
    items = report.recommendations
    assert len(items) == 12
    assert items[0].startswith("Continue to investigate and prosecute")
    assert items[-1].startswith("increase training on human trafficking")
    for item in items:
        assert not item.lower().startswith("and ")
        assert not item.endswith((".", ";"))
        assert "Recommendations for" not in item
        assert report.locate(item).section == "recommendations"


def test_sentence_splitting_keeps_abbreviations_and_decimals():
    """'U.S.', '14.5', '$4.2 million' and 'Baja, California' do not break a sentence."""
    text = (
        "The Mexican federal government continued to partner with the U.S. government on cases. "
        "Four offenders received sentences ranging from 14.5 to 16.5 years' imprisonment. "
        "The budget fell to $313,000 from $4.2 million. "
        "Authorities in Baja, California identified 13 victims – a decrease."
    )
    assert split_sentences(text) == [
        "The Mexican federal government continued to partner with the U.S. government on cases.",
        "Four offenders received sentences ranging from 14.5 to 16.5 years' imprisonment.",
        "The budget fell to $313,000 from $4.2 million.",
        "Authorities in Baja, California identified 13 victims – a decrease.",
    ]


def test_report_sentences_of_prosecution(report):
    """The prosecution section has the sentences a reader counts, with U.S. kept whole."""
    sentences = report.sections["prosecution"].sentences
    assert len(sentences) == 28
    assert sentences[-1] == (
        "The Mexican federal government continued to partner with the U.S. government "
        "on cross-border trafficking investigations."
    )
    assert any(s.startswith("In 2011, SIEDO achieved its first convictions") and "16.5 years'" in s for s in sentences)


def test_locate_ignores_whitespace_and_line_breaks(report):
    """A quote copied with odd spacing or line breaks is still found, with its sentence."""
    where = report.locate("convicted a total of 14\n   sex traffickers")
    assert where.section == "prosecution"
    assert where.paragraph == 2
    assert "14 sex traffickers" in report.sections["prosecution"].sentences[where.sentence]
    assert report.sections[where.section].paragraphs[where.paragraph].count("a total of 14") == 1


def test_locate_finds_each_sentence_where_it_is(report):
    """Every sentence of the report is located at its own index."""
    for name, section in report.sections.items():
        for index, sentence in enumerate(section.sentences):
            where = report.locate(sentence)
            if section.sentences.index(sentence) == index:  # repeated sentences resolve to the first
                assert (where.section, where.sentence) == (name, index)


def test_locate_returns_none_for_what_the_report_does_not_say(report):
    """A made-up or empty quote, or a non-string, is not located."""
    assert report.locate("convicted a total of 15 sex traffickers") is None
    assert report.locate("") is None
    assert report.locate("   ") is None
    assert report.locate(None) is None
    assert report.locate("This is not a UNHCR publication") is None


def test_search_gives_keyword_in_context(report):
    """search finds every case-insensitive occurrence with its section and context."""
    hits = report.search("provictima")
    assert len(hits) == 4
    assert {hit.section for hit in hits} == {"protection"}
    assert all(hit.match.lower() == "provictima" for hit in hits)
    assert "Provictima" in str(hits[0])
    phrases = report.search(["Tijuana", "child  sex\ntourism"])
    assert [(hit.section, hit.match) for hit in phrases] == [
        ("overview", "Child sex tourism"), ("overview", "Tijuana"), ("prevention", "child sex tourism"),
    ]
    assert report.search("") == []
    assert report.search("no such word anywhere") == []


def test_search_hits_point_at_their_sentence(report):
    """Each hit's sentence index gives a sentence that contains the match."""
    for hit in report.search("shelter"):
        assert "shelter" in report.sections[hit.section].sentences[hit.sentence].lower()
