"""The Spanish interface addresses every reader, learner or instructor, as "tú" (Mexican Spanish).

The forms below exist only in the "usted" register: the formal imperatives, possessives and
pronouns that the catalogue once used, each replaced by its "tú" form (Elija → Elige, su respuesta
→ tu respuesta, le pidió → te pidió, usted modificó → modificaste). A "su" that means a third
party's ("su solución de referencia", "Sus columnas") stays, so only the phrases that meant the
reader's are listed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import tipcourse

CATALOGUE = Path(tipcourse.__file__).resolve().parent / "locales" / "es.json"

USTED_FORMS = [
    # The pronoun itself ("ustedes" is a plural, not this register, so it is left out).
    "usted",
    # Formal imperatives, with their enclitic forms.
    "asigne",
    "califique",
    "compruebe",
    "copie",
    "corrija",
    "corríjala",
    "dé",
    "deje",
    "elija",
    "escriba",
    "edítelo",
    "ejecútela",
    "exporte",
    "haga",
    "importe",
    "indique",
    "instale",
    "introdúzcalos",
    "muestre",
    "ponga",
    "pulse",
    "rellene",
    "renombre",
    "repare",
    "responda",
    "reúna",
    "sustituya",
    "use",
    "vuelva",
    # The subjunctive after "que" for the reader's choice.
    "que elija",
    # Possessives and pronouns that meant the reader's.
    "su respuesta",
    "sus preguntas",
    "sus propias preguntas",
    "su docente",
    "la suya",
    "nada suyo",
    "procesos suyos",
    "le pidió",
]
# A formal imperative is also the third person's subjunctive: after "para que" its subject is a
# thing ("cambia el intervalo para que deje fuera la respuesta"), not the reader, so it passes.
USTED = re.compile(
    r"(?<!para que )\b(?:" + "|".join(map(re.escape, USTED_FORMS)) + r")\b", re.IGNORECASE
)


def usted_forms(text: str) -> list[str]:
    """The usted-register forms in ``text``, as written."""
    return USTED.findall(text)


def test_the_spanish_interface_says_tu_throughout():
    """No Spanish message addresses its reader as "usted"."""
    spanish = json.loads(CATALOGUE.read_text("utf-8"))
    offending = {key: found for key, text in spanish.items() if (found := usted_forms(text))}
    assert offending == {}, f"usted forms in es.json (use the tú form): {offending}"


def test_the_register_check_tells_usted_from_tu():
    """The measure itself: it catches a formal sentence and passes its tú version."""
    assert usted_forms("Escriba su respuesta") == ["Escriba", "su respuesta"]
    assert usted_forms("Escribe tu respuesta") == []
    assert usted_forms("cambia el intervalo para que deje fuera la respuesta") == []
