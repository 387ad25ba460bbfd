"""The one message catalogue: every string the interface shows, in English and Spanish.

Choose the language with ``tipcourse.set_language("es")`` or the ``TIPCOURSE_LANG``
environment variable; English is the default and the fallback for a missing key.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
from collections.abc import Iterator

from ._packaged import packaged_folder

__all__ = ["LANGUAGES", "get_language", "in_language", "message", "set_language"]

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


def get_language() -> str:
    """The language in use: set_language's choice, else TIPCOURSE_LANG, else English."""
    chosen = _chosen or language_code(os.environ.get("TIPCOURSE_LANG", "en"))
    return chosen if chosen in LANGUAGES else "en"


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


def message(key: str, **values: object) -> str:
    """The text of message ``key`` in the current language, with ``{names}`` filled in."""
    template = catalogue(get_language()).get(key) or catalogue("en")[key]
    return template.format(**values)
