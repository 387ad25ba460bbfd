"""The report module: the 2012 Mexico narrative as text (sections, sentences, recommendations,
locate and search), and parse_report on any 2012-format narrative and on what does not fit."""

import pytest

import tipcourse
from tipcourse import ReportFormatError, parse_report
from tipcourse.report._parse import SECTION_NAMES, split_sentences


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
        "overview": 1,
        "assessment": 1,
        "recommendations": 1,
        "prosecution": 5,
        "protection": 4,
        "prevention": 1,
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
    raw = (tipcourse.report.datasets.data_dir() / "report" / "mexico-2012.txt").read_text("utf-8")
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
    assert any(
        s.startswith("In 2011, SIEDO achieved its first convictions") and "16.5 years'" in s
        for s in sentences
    )


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
            if (
                section.sentences.index(sentence) == index
            ):  # repeated sentences resolve to the first
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
        ("overview", "Child sex tourism"),
        ("overview", "Tijuana"),
        ("prevention", "child sex tourism"),
    ]
    assert report.search("") == []
    assert report.search("no such word anywhere") == []


def test_search_hits_point_at_their_sentence(report):
    """Each hit's sentence index gives a sentence that contains the match."""
    for hit in report.search("shelter"):
        assert "shelter" in report.sections[hit.section].sentences[hit.sentence].lower()


# -- parse_report on any 2012-format narrative ---------------------------------------------------


def narrative(
    country="Freedonia",
    tier="Tier 2 Watch List",
    profile=2,
    prosecution=3,
    protection=2,
    prevention=1,
    recommendations=3,
    disclaimer=False,
):
    """A made-up narrative in the 2012 format, with the paragraph counts asked for."""
    lines = [f"{country.upper()} ({tier})", ""]
    for number in range(profile):
        lines += [
            f"{country} is a source country, profile paragraph {number + 1}. It has two sentences.",
            "",
        ]
    lines += [
        f"The Government of {country} does not fully comply with the minimum standards. It tries.",
        "",
    ]
    items = "; ".join(f"recommendation number {n + 1}" for n in range(recommendations - 1))
    lines += [
        f"Recommendations for {country}: Begin with the first step; {items}; and finish with the last.",
        "",
    ]
    for heading, count in (
        ("Prosecution", prosecution),
        ("Protection", protection),
        ("Prevention", prevention),
    ):
        lines += [heading, ""]
        for number in range(count):
            lines += [
                f"{heading} paragraph {number + 1} of {country}. Officials reported 3 cases in 2011.",
                "",
            ]
    if disclaimer:
        lines += ["Disclaimer:", "", "This is not a UNHCR publication."]
    return "\n".join(lines)


@pytest.mark.parametrize(
    "country, tier, counts",
    [
        ("Freedonia", "Tier 1", dict(profile=1, prosecution=1, protection=1, prevention=1)),
        ("Ruritania", "Tier 2", dict(profile=3, prosecution=4, protection=5, prevention=2)),
        (
            "Genovia",
            "Tier 2 Watch List",
            dict(profile=2, prosecution=2, protection=3, prevention=3),
        ),
        ("Costa Verde", "Tier 3", dict(profile=1, prosecution=6, protection=1, prevention=4)),
    ],
)
def test_parses_other_countries_and_tiers(country, tier, counts):
    """Country, tier and the paragraph count of every section come out as written."""
    report = parse_report(narrative(country, tier, **counts))
    assert report.country == country
    assert report.tier == tier
    assert report.year == 2012
    assert len(report.sections["overview"].paragraphs) == counts["profile"]
    for name in ("prosecution", "protection", "prevention"):
        assert len(report.sections[name].paragraphs) == counts[name]
    assert len(report.sections["assessment"].paragraphs) == 1
    assert report.sections["prosecution"].sentences[0].startswith("Prosecution paragraph 1")


def test_recommendations_are_split_without_leading_and():
    """Each semicolon-separated recommendation is a clause; the last loses its 'and' and full stop."""
    report = parse_report(narrative(recommendations=4))
    assert report.recommendations == (
        "Begin with the first step",
        "recommendation number 1",
        "recommendation number 2",
        "recommendation number 3",
        "finish with the last",
    )


def test_windows_line_endings_blank_lines_and_stray_spaces():
    """CRLF, extra blank lines, indentation and wrapped lines parse like the clean text."""
    clean = parse_report(narrative())
    messy = (
        narrative()
        .replace("\n\n", "\n\n\n\n")
        .replace("\n", "  \r\n")
        .replace(". It", ".\r\n   It")
    )
    assert parse_report("\ufeff  " + messy + "\r\n\r\n") == clean


def test_disclaimer_is_dropped():
    """An archive disclaimer after the Prevention section is not part of any section."""
    report = parse_report(narrative(disclaimer=True))
    assert all("UNHCR" not in section.text for section in report.sections.values())
    assert report == parse_report(narrative())


@pytest.mark.parametrize(
    "broken, words",
    [
        (narrative().replace("\nProtection\n", "\nProtections\n"), "no 'Protection' heading"),
        (narrative().replace("\nPrevention\n", "\n"), "no 'Prevention' heading"),
        (
            narrative().replace("Recommendations for Freedonia:", "We recommend:"),
            "no recommendations paragraph",
        ),
        (
            narrative().replace("The Government of Freedonia", "The State"),
            "no assessment paragraph",
        ),
        (narrative().replace("FREEDONIA (Tier 2 Watch List)", "FREEDONIA"), "no title heading"),
        (narrative().replace("(Tier 2 Watch List)", "(Tier 4)"), "no title heading"),
        (narrative().replace("FREEDONIA (", "RURITANIA ("), "the heading names 'RURITANIA'"),
        (narrative(profile=0), "no country profile"),
        (narrative(protection=0), "the Protection section has no paragraphs"),
    ],
)
def test_text_that_does_not_fit_names_what_is_missing(broken, words):
    """A narrative with a part missing fails with a message that names the part."""
    with pytest.raises(ReportFormatError, match=words):
        parse_report(broken)


def test_headings_out_of_order_are_rejected():
    """Protection before Prosecution is not the 2012 format."""
    swapped = (
        narrative()
        .replace("\nProsecution\n", "\nTEMP\n")
        .replace("\nProtection\n", "\nProsecution\n")
    )
    with pytest.raises(ReportFormatError, match="out of order"):
        parse_report(swapped.replace("\nTEMP\n", "\nProtection\n"))


@pytest.mark.parametrize(
    "garbage, words",
    [
        ("", "empty"),
        ("   \n\r\n\t ", "empty"),
        (b"MEXICO (Tier 2)", "decode it first"),
        (bytes(range(256)).decode("latin-1"), "control or undecodable"),
        ("\x00\x01\x02 binary", "control or undecodable"),
        ("x" * 5_000_000, "5,000,000 characters"),
        (narrative() * 2000, "1,776,000 characters"),
        (narrative() + "\n" + narrative("Genovia"), "more than one narrative"),
        (narrative(disclaimer=True) + "\n" + narrative("Genovia"), "more than one narrative"),
        (None, "got NoneType"),
        (12, "got int"),
        ("MEXICO (Tier 2)", "no recommendations paragraph"),
    ],
)
def test_garbage_fails_with_report_format_error(garbage, words):
    """Empty text, binary data, a 5 MB string and non-text fail with ReportFormatError, not a crash."""
    with pytest.raises(ReportFormatError, match=words):
        parse_report(garbage)


def test_report_format_error_is_a_value_error():
    """Code that already catches ValueError also catches a format error."""
    assert issubclass(ReportFormatError, ValueError)
