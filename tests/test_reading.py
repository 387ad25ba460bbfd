"""Readings: the report's own paragraphs, quoted with where they come from."""

import pytest

import tipcourse


def test_a_reading_quotes_one_paragraph_with_its_source():
    """reading(section, n) quotes paragraph n (from 1) and cites report, country, section and n."""
    report = tipcourse.load_report()
    reading = tipcourse.reading("prosecution", 2)
    paragraph = report.sections["prosecution"].paragraphs[1]
    assert reading.text() == (
        f"{paragraph}\n  — TIP Report 2012, Mexico, {report.sections['prosecution'].title}, paragraph 2"
    )
    markdown = reading._repr_markdown_()
    assert markdown.startswith("> ") and markdown.endswith(
        f"> — *TIP Report 2012, Mexico, {report.sections['prosecution'].title}, paragraph 2*"
    )


def test_a_whole_section_or_a_list_of_paragraphs():
    """Without a number the whole section is quoted; a list quotes those paragraphs in order."""
    report = tipcourse.load_report()
    whole = tipcourse.reading("protection")
    assert [text for _, text in whole.paragraphs] == list(report.sections["protection"].paragraphs)
    assert [number for number, _ in tipcourse.reading("protection", [3, 1]).paragraphs] == [2, 0]


def test_markdown_characters_in_the_report_are_not_formatting():
    """Asterisks or underscores in the text would turn into emphasis; they are escaped."""
    reading = tipcourse.reading("overview")
    reading.paragraphs = [(0, "a *starred* word_with_underscores")]
    assert "\\*starred\\* word\\_with\\_underscores" in reading.markdown()


@pytest.mark.parametrize(
    "section, paragraph, words",
    [("prosecution", 9, "paragraphs 1 to 5"), ("prosecution", 0, "no paragraph 0"),
     ("crime", None, "use one of overview")],
)
def test_a_wrong_section_or_paragraph_says_what_exists(section, paragraph, words):
    """A mistyped section or an out-of-range paragraph names the valid choices."""
    with pytest.raises(ValueError, match=words):
        tipcourse.reading(section, paragraph)


def test_readings_follow_the_interface_language():
    """The citation line is interface text, so it follows set_language (the quote does not)."""
    tipcourse.set_language("es")
    try:
        assert "Informe TIP 2012, Mexico" in tipcourse.reading("prevention").text()
    finally:
        tipcourse.set_language("en")
