"""tipcourse: the Mexico narrative of the 2012 Trafficking in Persons Report as a Jupyter course.

Importing this package is light: pandas, matplotlib and ipywidgets load when first used.
"""

from ._exercises import exercise, exercises
from ._facts import (
    budget,
    convictions_by_jurisdiction,
    facts,
    inm_victim_outcomes,
    prevention_figures,
    sentences_by_jurisdiction,
    victims_identified,
)
from ._forms import check_form
from ._questions import question, questions
from ._store import attempts, set_learner
from .dashboard import progress
from .datasets import glossary, load_report, report_metadata, tier_history, tiers
from .display import quiz, reading, show
from .messages import set_language
from .outcome import Outcome
from .report import Location, Match, Report, ReportFormatError, Section, parse_report

__version__ = "0.1.0"

__all__ = [
    "Location",
    "Match",
    "Outcome",
    "Report",
    "ReportFormatError",
    "Section",
    "__version__",
    "attempts",
    "budget",
    "check_form",
    "convictions_by_jurisdiction",
    "exercise",
    "exercises",
    "facts",
    "glossary",
    "inm_victim_outcomes",
    "load_report",
    "parse_report",
    "prevention_figures",
    "progress",
    "question",
    "questions",
    "quiz",
    "reading",
    "report_metadata",
    "sentences_by_jurisdiction",
    "set_language",
    "set_learner",
    "show",
    "tier_history",
    "tiers",
    "victims_identified",
]
