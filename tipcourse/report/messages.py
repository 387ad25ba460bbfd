"""The one message catalogue: every string the interface shows, in English and Spanish.

Choose the language with ``tipcourse.set_language("es")``, the ``TIPCOURSE_LANG`` environment
variable or a Spanish locale (``LANG=es_MX.UTF-8``); English is the default and the fallback for a
missing key.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
from collections.abc import Iterator

from ._packaged import packaged_folder

__all__ = [
    "LANGUAGES",
    "get_language",
    "in_language",
    "long_date",
    "message",
    "name_of",
    "set_language",
    "template",
]

LANGUAGES = ("en", "es")
_chosen: str | None = None


@functools.cache
def catalogue(language: str) -> dict[str, str]:
    """The messages of one language, keyed by message id."""
    text = (packaged_folder("locales") / f"{language}.json").read_text("utf-8")
    return json.loads(text)


def language_code(tag: str) -> str:
    """The language of a locale name or a BCP-47 tag, lower case: "es_MX.UTF-8", "es-MX",
    "ES-mx", "es_MX@euro" and "es" all read as "es"."""
    return re.split(r"[-_.@]", str(tag).strip(), maxsplit=1)[0].lower()


#: Where the language is read from when no one has chosen it: tipcourse's own variable, then the
#: locale's (as POSIX ranks them for messages); "es_MX.UTF-8" and "es-MX" both read as Spanish.
LANGUAGE_VARIABLES = ("TIPCOURSE_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


def get_language() -> str:
    """The language in use: set_language's choice, else TIPCOURSE_LANG, else the locale's
    (LC_ALL, LC_MESSAGES, LANG) where it is one of the course's languages, else English."""
    if _chosen:
        return _chosen
    for variable in LANGUAGE_VARIABLES:
        value = os.environ.get(variable, "")
        if value:
            code = language_code(value)
            return code if code in LANGUAGES else "en"
    return "en"


def set_language(language: str) -> None:
    """Show the interface in ``language``: "en" (English) or "es" (español); "es-MX" works too."""
    global _chosen
    code = language_code(language)
    if code not in LANGUAGES:
        raise ValueError(
            message("language.unknown", language=language, choices=", ".join(LANGUAGES))
        )
    _chosen = code


@contextlib.contextmanager
def in_language(language: str) -> Iterator[None]:
    """Use ``language`` inside a ``with`` block, and the language in use before after it."""
    global _chosen
    before = _chosen
    set_language(language)
    try:
        yield
    finally:
        _chosen = before


def long_date(iso: str) -> str:
    """A date written out in the language in use: "2012-06-19" → "19 June 2012" or "19 de junio
    de 2012"; anything that is not an ISO date is returned as it is."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(iso).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return str(iso)
    year, month, day = (int(part) for part in match.groups())
    name = message("date.months").split()[month - 1]
    return message("date.long", day=day, month=name, year=year)


def template(key: str) -> str:
    """Message ``key`` as the catalogue writes it, ``{names}`` unfilled, in the current language
    (English where that language has none); KeyError for a key neither has."""
    return catalogue(get_language()).get(key) or catalogue("en")[key]


def message(key: str, **values: object) -> str:
    """The text of message ``key`` in the current language, with ``{names}`` filled in."""
    return template(key).format(**values)


def name_of(prefix: str, value: str) -> str:
    """``value`` (a word of the data: a tier, a unit, a country) as the current language names
    it: message ``<prefix>.<value>`` where the catalogue has one, else ``value`` as it is."""
    try:
        return template(f"{prefix}.{value}")
    except KeyError:
        return value
