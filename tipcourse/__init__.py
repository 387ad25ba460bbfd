"""tipcourse: the Mexico narrative of the 2012 Trafficking in Persons Report as a Jupyter course.

Importing this package is light: pandas, matplotlib and ipywidgets load when first used.
"""

from .engine._exercises import exercise, exercises
from .engine._forms import check_form
from .engine._questions import question, questions
from .engine._store import attempts, set_learner
from .engine.outcome import Outcome
from .report._facts import (
    budget,
    convictions_by_jurisdiction,
    facts,
    inm_victim_outcomes,
    prevention_figures,
    sentences_by_jurisdiction,
    victims_identified,
)
from .report._parse import Location, Match, Report, ReportFormatError, Section, parse_report
from .report.datasets import glossary, load_report, report_metadata, tier_history, tiers
from .report.messages import set_language
from .views.dashboard import progress
from .views.display import quiz, reading, show
from .views.kernel import accessible_tables

__version__ = "0.1.0"

accessible_tables()  # in a kernel: pandas tables without empty header cells


def __getattr__(name: str) -> object:
    """``from tipcourse import charts``: the charts module, loaded (with matplotlib) when asked."""
    if name == "charts":
        from .views import charts

        return charts
    raise AttributeError(f"module 'tipcourse' has no attribute {name!r}")


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
