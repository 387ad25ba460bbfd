"""parse_report reads any 2012-format country narrative and rejects what does not fit."""

import pytest

from tipcourse import ReportFormatError, parse_report


def narrative(country="Freedonia", tier="Tier 2 Watch List", profile=2, prosecution=3,
              protection=2, prevention=1, recommendations=3, disclaimer=False):
    """A made-up narrative in the 2012 format, with the paragraph counts asked for."""
    lines = [f"{country.upper()} ({tier})", ""]
    for number in range(profile):
        lines += [f"{country} is a source country, profile paragraph {number + 1}. It has two sentences.", ""]
    lines += [f"The Government of {country} does not fully comply with the minimum standards. It tries.", ""]
    items = "; ".join(f"recommendation number {n + 1}" for n in range(recommendations - 1))
    lines += [f"Recommendations for {country}: Begin with the first step; {items}; and finish with the last.", ""]
    for heading, count in (("Prosecution", prosecution), ("Protection", protection), ("Prevention", prevention)):
        lines += [heading, ""]
        for number in range(count):
            lines += [f"{heading} paragraph {number + 1} of {country}. Officials reported 3 cases in 2011.", ""]
    if disclaimer:
        lines += ["Disclaimer:", "", "This is not a UNHCR publication."]
    return "\n".join(lines)


@pytest.mark.parametrize(
    "country, tier, counts",
    [
        ("Freedonia", "Tier 1", dict(profile=1, prosecution=1, protection=1, prevention=1)),
        ("Ruritania", "Tier 2", dict(profile=3, prosecution=4, protection=5, prevention=2)),
        ("Genovia", "Tier 2 Watch List", dict(profile=2, prosecution=2, protection=3, prevention=3)),
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
    messy = narrative().replace("\n\n", "\n\n\n\n").replace("\n", "  \r\n").replace(". It", ".\r\n   It")
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
        (narrative().replace("Recommendations for Freedonia:", "We recommend:"), "no recommendations paragraph"),
        (narrative().replace("The Government of Freedonia", "The State"), "no assessment paragraph"),
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
    swapped = narrative().replace("\nProsecution\n", "\nTEMP\n").replace("\nProtection\n", "\nProsecution\n")
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
