"""The report as text: parse a 2012 TIP country narrative into sections, sentences and quotes.

Everything here uses the standard library only, so ``import tipcourse`` stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ._text import one_line
from .messages import catalogue, message

__all__ = [
    "SECTION_NAMES",
    "Location",
    "Match",
    "Report",
    "ReportFormatError",
    "Section",
    "parse_report",
    "section_title",
    "split_sentences",
]

#: The six sections of a 2012 country narrative, in reading order.
SECTION_NAMES = (
    "overview",
    "assessment",
    "recommendations",
    "prosecution",
    "protection",
    "prevention",
)
#: The tiers of the report, best first: the one tier vocabulary of the course.
TIERS = ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3")

#: A country narrative runs to tens of kilobytes; anything far larger is not one.
MAX_CHARACTERS = 1_000_000

_TITLE = re.compile(
    r"^(?P<country>[^()\n]{2,80}?)\s*\((?P<tier>tier\s+(?:1|2|2\s+watch\s+list|3))\)$",
    re.IGNORECASE,
)
_HEADINGS = ("Prosecution", "Protection", "Prevention")
_DISCLAIMER = re.compile(r"^disclaimer\s*:?", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")

# Words before a full stop that do not end a sentence in this report's prose.
_ABBREVIATIONS = {
    "u.s",
    "u.n",
    "u.k",
    "e.g",
    "i.e",
    "etc",
    "mr",
    "mrs",
    "ms",
    "dr",
    "no",
    "st",
    "vs",
    "jan",
    "feb",
    "mar",
    "apr",
    "aug",
    "sept",
    "sep",
    "oct",
    "nov",
    "dec",
    "gen",
    "gov",
    "approx",
}
_SENTENCE_END = re.compile(r"([.!?])([\"'”’)]*)\s+(?=[\"'“‘(]?[A-Z0-9$])")


def section_title(section: str) -> str:
    """The title of ``section`` in the interface's language, or the name itself if unknown."""
    return message(f"section.{section}") if section in SECTION_NAMES else section


def _english_title(section: str) -> str:
    """A section's title as the report data keeps it, whatever the interface's language."""
    return catalogue("en")[f"section.{section}"]


class ReportFormatError(ValueError):
    """The text is not a country narrative in the 2012 TIP Report's format."""


@dataclass(frozen=True)
class Location:
    """Where a quote stands: indexes (from 0) into ``report.sections[section]``.

    It displays as people count, from 1: "paragraph 3, sentence 15"."""

    section: str
    paragraph: int  # index into Section.paragraphs
    sentence: int  # index into Section.sentences, of the sentence where the quote starts

    def __repr__(self) -> str:
        """Where the quote stands as people count (from 1), and the indexes to use in code."""
        return (
            f"<Location: {self.section}, paragraph {self.paragraph + 1}, sentence "
            f"{self.sentence + 1} of the section (counted from 1); in code, .paragraph == "
            f"{self.paragraph} and .sentence == {self.sentence} (counted from 0)>"
        )


@dataclass(frozen=True)
class Match:
    """One keyword-in-context hit of :meth:`Report.search`."""

    section: str
    paragraph: int
    sentence: int
    before: str
    match: str
    after: str

    def __str__(self) -> str:
        where = f"{self.section:>15} ¶{self.paragraph + 1}"
        return f"{where}: …{self.before}[{self.match}]{self.after}…"


@dataclass(frozen=True)
class Section:
    """One section of a narrative: its paragraphs and, derived from them, its sentences."""

    name: str
    title: str
    paragraphs: tuple[str, ...]
    sentences: tuple[str, ...] = field(init=False, repr=False)
    # (paragraph index, sentence start offset in that paragraph) for every sentence
    _sentence_index: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sentences: list[str] = []
        index: list[tuple[int, int]] = []
        for number, paragraph in enumerate(self.paragraphs):
            for start, sentence in _sentence_spans(paragraph):
                sentences.append(sentence)
                index.append((number, start))
        object.__setattr__(self, "sentences", tuple(sentences))
        object.__setattr__(self, "_sentence_index", tuple(index))

    @property
    def text(self) -> str:
        """The section's paragraphs joined by blank lines."""
        return "\n\n".join(self.paragraphs)

    def _sentence_at(self, paragraph: int, offset: int) -> int:
        """The index in ``sentences`` of the sentence covering ``offset`` in ``paragraph``."""
        found = 0
        for position, (number, start) in enumerate(self._sentence_index):
            if number == paragraph and start <= offset:
                found = position
            elif number > paragraph:
                break
        return found


@dataclass(frozen=True)
class Report:
    """A parsed country narrative: build one with :func:`parse_report` or ``load_report()``."""

    country: str
    tier: str
    year: int
    sections: Mapping[str, Section]
    recommendations: tuple[str, ...]

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}: {len(s.paragraphs)}" for name, s in self.sections.items())
        return (
            f"<Report {self.country} ({self.tier}), {self.year}; paragraphs by section: {counts}>"
        )

    @property
    def paragraphs(self) -> list[tuple[str, int, str]]:
        """Every paragraph as ``(section, index, text)``, in reading order."""
        return [
            (name, number, text)
            for name, section in self.sections.items()
            for number, text in enumerate(section.paragraphs)
        ]

    def locate(self, quote: str) -> Location | None:
        """Where ``quote`` occurs verbatim (ignoring whitespace and line breaks), or ``None``."""
        if not isinstance(quote, str):
            return None
        wanted = _normalise(quote)
        if not wanted:
            return None
        for name, section in self.sections.items():
            for number, paragraph in enumerate(section.paragraphs):
                flat, offsets = _normalise_with_offsets(paragraph)
                found = flat.find(wanted)
                if found >= 0:
                    return Location(name, number, section._sentence_at(number, offsets[found]))
        return None

    def search(self, words: str | Iterable[str], width: int = 40) -> list[Match]:
        """Keyword in context: every place a word or phrase occurs, case-insensitively.

        ``words`` is one phrase or a list of them; ``width`` is the context shown on each side.
        """
        phrases = [words] if isinstance(words, str) else list(words)
        patterns = [
            re.compile(r"\s+".join(re.escape(part) for part in phrase.split()), re.IGNORECASE)
            for phrase in phrases
            if isinstance(phrase, str) and phrase.strip()
        ]
        hits: list[tuple[int, Match]] = []
        order = 0
        for name, section in self.sections.items():
            for number, paragraph in enumerate(section.paragraphs):
                for pattern in patterns:
                    for found in pattern.finditer(paragraph):
                        start, end = found.span()
                        hits.append(
                            (
                                order + start,
                                Match(
                                    section=name,
                                    paragraph=number,
                                    sentence=section._sentence_at(number, start),
                                    before=paragraph[max(0, start - width) : start],
                                    match=found.group(),
                                    after=paragraph[end : end + width],
                                ),
                            )
                        )
                order += len(paragraph) + 1
        return [match for _, match in sorted(hits, key=lambda hit: hit[0])]


def _normalise(text: str) -> str:
    """Fold whitespace runs to one space and typographic quotes to plain ones."""
    return _normalise_with_offsets(text)[0]


_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


def _normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the offset in ``text``."""
    out: list[str] = []
    offsets: list[int] = []
    in_space = True  # also strips leading whitespace
    for position, char in enumerate(text.translate(_FOLD)):
        if char.isspace():
            if not in_space:
                out.append(" ")
                offsets.append(position)
            in_space = True
        else:
            out.append(char)
            offsets.append(position)
            in_space = False
    if out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return "".join(out), offsets


def _sentence_spans(paragraph: str) -> list[tuple[int, str]]:
    """Split a paragraph into ``(start offset, sentence)`` pairs."""
    spans: list[tuple[int, str]] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(paragraph):
        stop = boundary.end(2)
        word = re.search(r"(\S+)$", paragraph[start : boundary.start(1)])
        token = word.group(1).lower().lstrip("(\"'") if word else ""
        if token in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", token):
            continue  # "U.S.", "e.g." or an initial, not the end of a sentence
        spans.append((start, paragraph[start:stop].strip()))
        start = boundary.end()
    tail = paragraph[start:].strip()
    if tail:
        spans.append((start, tail))
    return spans


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences, keeping "U.S.", "14.5" and "$4.2 million" whole."""
    return [sentence for _, sentence in _sentence_spans(paragraph)]


def _blocks(text: str) -> list[str]:
    """Paragraph blocks: lines joined until a blank line; a heading line is a block of its own."""
    blocks: list[str] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = one_line(raw)
        if not line or line in _HEADINGS:
            if current:
                blocks.append(" ".join(current))
                current = []
            if line:
                blocks.append(line)
        else:
            current.append(line)
    if current:
        blocks.append(" ".join(current))
    return blocks


def _split_recommendations(paragraph: str, country: str) -> tuple[str, ...]:
    body = paragraph[len(f"Recommendations for {country}:") :].strip()
    items = []
    for item in body.split(";"):
        item = item.strip().rstrip(".").strip()
        if item.lower().startswith("and "):
            item = item[4:].strip()
        if item:
            items.append(item)
    return tuple(items)


def _checked_text(text: object) -> str:
    """The narrative's text with line ends and a byte-order mark normalized, or the reason it
    is no narrative, as :class:`ReportFormatError`."""
    if isinstance(text, (bytes, bytearray)):
        raise ReportFormatError(
            "expected text but got bytes: decode it first, e.g. data.decode('utf-8')"
        )
    if not isinstance(text, str):
        raise ReportFormatError(f"expected the narrative as a string but got {type(text).__name__}")
    if len(text) > MAX_CHARACTERS:
        raise ReportFormatError(
            f"the text has {len(text):,} characters; a country narrative has far fewer "
            f"(at most {MAX_CHARACTERS:,}): is this the right file?"
        )
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReportFormatError(
            "the text is empty: expected a country narrative such as 'MEXICO (Tier 2)' "
            "and its paragraphs"
        )
    if _CONTROL.search(text):
        raise ReportFormatError(
            "the text contains control or undecodable characters: "
            "is it a binary file rather than a narrative?"
        )
    return text


def _narrative_blocks(text: str) -> list[str]:
    """The paragraphs and headings of one narrative, without an archive's closing disclaimer."""
    blocks = _blocks(text)
    for heading in _HEADINGS:
        if blocks.count(heading) > 1:
            raise ReportFormatError(
                f"the '{heading}' heading appears {blocks.count(heading)} times: the text seems to "
                "hold more than one narrative; parse one country at a time"
            )

    for position, block in enumerate(blocks):
        if _DISCLAIMER.match(block):
            blocks = blocks[:position]
            break
    return blocks


def parse_report(text: str, year: int = 2012) -> Report:
    """Parse a country narrative in the 2012 TIP Report's format into a :class:`Report`.

    The format: a heading ``COUNTRY (Tier N)``; one or more profile paragraphs; a paragraph that
    begins "The Government of COUNTRY"; a paragraph that begins "Recommendations for COUNTRY:";
    then the headings Prosecution, Protection and Prevention, each followed by its paragraphs.
    An archive's closing "Disclaimer" is dropped. Raises :class:`ReportFormatError` naming what
    is missing when the text does not fit.
    """
    blocks = _narrative_blocks(_checked_text(text))
    title = _TITLE.match(blocks[0])
    if not title:
        raise ReportFormatError(
            "no title heading: the first line should look like 'MEXICO (Tier 2)', "
            f"but it is {blocks[0][:60]!r}"
        )
    heading_country = title.group("country").strip()
    tier = next(t for t in TIERS if one_line(title.group("tier")).lower() == t.lower())

    def find(predicate, what: str, start: int = 1) -> int:
        for position in range(start, len(blocks)):
            if predicate(blocks[position]):
                return position
        raise ReportFormatError(what)

    recommendations_at = find(
        lambda b: re.match(r"Recommendations for [^:]{2,80}:", b) is not None,
        "no recommendations paragraph: "
        "expected a paragraph that begins 'Recommendations for COUNTRY:'",
    )
    named = re.match(r"Recommendations for ([^:]{2,80}):", blocks[recommendations_at])
    assert named is not None  # find() chose this paragraph because it matches
    country = named.group(1).strip()
    if country.lower() != heading_country.lower():
        raise ReportFormatError(
            f"the heading names {heading_country!r} but the recommendations name {country!r}: "
            "they must be the same country"
        )
    assessment_at = find(
        lambda b: b.startswith(f"The Government of {country}"),
        f"no assessment paragraph: expected a paragraph that begins 'The Government of {country}'",
    )
    if assessment_at == 1:
        raise ReportFormatError(
            "no country profile: expected at least one paragraph between the title and "
            "'The Government of ...'"
        )
    if assessment_at > recommendations_at:
        raise ReportFormatError(
            "the 'Recommendations for ...' paragraph comes before "
            "the 'The Government of ...' paragraph"
        )

    heading_at = {}
    previous = recommendations_at
    for heading in _HEADINGS:
        position = find(
            lambda b, h=heading: b == h,
            f"no '{heading}' heading: a 2012 country narrative has the headings "
            "Prosecution, Protection and Prevention, in that order, each on a line of its own",
        )
        if position < previous:
            raise ReportFormatError(
                f"the '{heading}' heading is out of order: "
                "expected Prosecution, Protection, Prevention"
            )
        heading_at[heading] = previous = position

    ends = [heading_at["Protection"], heading_at["Prevention"], len(blocks)]
    parts = {
        "overview": blocks[1:assessment_at],
        "assessment": blocks[assessment_at:recommendations_at],
        "recommendations": blocks[recommendations_at : heading_at["Prosecution"]],
    }
    for heading, end in zip(_HEADINGS, ends, strict=True):
        parts[heading.lower()] = blocks[heading_at[heading] + 1 : end]
    for name, paragraphs in parts.items():
        if not paragraphs:
            raise ReportFormatError(f"the {_english_title(name)} section has no paragraphs")

    sections = {
        name: Section(name, _english_title(name), tuple(parts[name])) for name in SECTION_NAMES
    }
    recommendations = _split_recommendations(parts["recommendations"][0], country)
    if not recommendations:
        raise ReportFormatError(
            f"'Recommendations for {country}:' is followed by no recommendations"
        )
    return Report(
        country=country,
        tier=tier,
        year=year,
        sections=MappingProxyType(sections),
        recommendations=recommendations,
    )
