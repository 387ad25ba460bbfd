"""tipcourse: the Mexico narrative of the 2012 Trafficking in Persons Report as a Jupyter course.

Importing this package is light: pandas, matplotlib and ipywidgets load when first used.
"""

from .datasets import glossary, load_report, report_metadata, tier_history, tiers
from .facts import (
    budget,
    convictions_by_jurisdiction,
    facts,
    foreign_victim_outcomes,
    prevention_figures,
    sentences_by_jurisdiction,
    victims_identified,
)
from .report import Location, Match, Report, ReportFormatError, Section, parse_report

__version__ = "0.1.0"

__all__ = [
    "Location",
    "Match",
    "Report",
    "ReportFormatError",
    "Section",
    "__version__",
    "budget",
    "convictions_by_jurisdiction",
    "facts",
    "foreign_victim_outcomes",
    "glossary",
    "load_report",
    "parse_report",
    "prevention_figures",
    "report_metadata",
    "sentences_by_jurisdiction",
    "tier_history",
    "tiers",
    "victims_identified",
]
