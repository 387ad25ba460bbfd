"""Write notebooks/00-start-here.ipynb from the cells below, then execute it in place.

Run: python tools/build_start_notebook.py
"""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "00-start-here.ipynb"

CELLS = [
    ("markdown", """# 00 — Start here

**What you will learn:** how to use these notebooks, what the U.S. State Department's
*Trafficking in Persons Report* is, how it places governments in tiers, and how the course reads
its narrative on Mexico.

**What you need:** nothing but this notebook. No Python experience is assumed.

**Time it takes:** about 20 minutes."""),
    ("markdown", """> **Content note.** This course is about human trafficking: people exploited in sex
> trafficking and forced labour, among them children. We keep to the report's own sober words,
> speak of "victims" and "survivors" as the report does, and show no images of people.
> Take a break whenever you need one."""),
    ("markdown", """## How a notebook works

A notebook is a list of *cells*. Text cells like this one explain; code cells hold Python.
Click a code cell and press **Shift + Enter** to run it: its result appears below it, and the
next cell is selected. Run the cells from top to bottom. If something seems stuck, use
**Kernel → Restart Kernel and Run All Cells**.

The next cell is the setup cell. It loads the course's own package, `tipcourse`, which holds the
report as text and as numbers."""),
    ("code", """import tipcourse

report = tipcourse.load_report()
about = tipcourse.report_metadata()"""),
    ("markdown", """## What the TIP Report is

Every year the U.S. Department of State publishes the *Trafficking in Persons Report*. For each
country it writes a narrative: what trafficking looks like there, and what the government did to
prosecute traffickers, protect victims and prevent trafficking. The report then places the
government in a *tier*. This course reads one narrative closely: the one on Mexico."""),
    ("code", """print(about["title"])
print("Published by", about["publisher"], "on", about["published"])
print("Reporting period:", about["reporting_period"]["start"], "to", about["reporting_period"]["end"])"""),
    ("markdown", """Notice the difference between the **report year** (when the report appeared) and the
**reporting period** it covers. Most counts in the narrative are for the calendar year before the
report appeared; the course always says which one a number belongs to."""),
    ("markdown", """## The tier system

The tiers come from a U.S. law, the *Trafficking Victims Protection Act* (TVPA), which sets
minimum standards for the elimination of trafficking. The course's glossary holds each tier's
meaning with its legal source:"""),
    ("code", """glossary = tipcourse.glossary()
tier_terms = ["Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3"]
glossary[glossary["term"].isin(tier_terms)][["term", "role", "reference"]]"""),
    ("code", """print(report.country, "was placed on", report.tier, "in the", report.year, "report.")"""),
    ("markdown", """## How a narrative is organised: the 3P frame

Each narrative follows the same plan: a country profile, the report's verdict on the government,
recommendations, and then the "3P" paradigm — **prosecution** of traffickers, **protection** of
victims and **prevention** of trafficking. (The State Department adds **partnership** as a fourth
P.) The course follows the same order. Here are the sections of the Mexico narrative and their
length:"""),
    ("code", """for name, section in report.sections.items():
    print(f"{section.title:<16} {len(section.paragraphs)} paragraph(s), {len(section.sentences)} sentence(s)")"""),
    ("markdown", """## A first reading

The verdict opens with one sentence that explains the tier. Read it, and notice the word
*however*: the report credits real efforts and still finds them short of the minimum standards."""),
    ("code", """print(report.sections["assessment"].sentences[0])"""),
    ("markdown", """Every number the course shows comes with the sentence of the report that states it. For
example, the convictions the report counts:"""),
    ("code", """facts = tipcourse.facts()
facts[facts["measure"] == "convictions_total"][["id", "value", "qualifier", "quote"]]"""),
    ("markdown", """## Key points

- The *Trafficking in Persons Report* is written each year by the U.S. Department of State; each
  country narrative ends in a tier placement defined by the TVPA.
- A narrative has a profile, a verdict, recommendations, and the 3P sections: prosecution,
  protection and prevention.
- `tipcourse` gives you the narrative as text (`load_report()`) and its numbers with their source
  sentences (`facts()`), so you can check every claim yourself."""),
]


def build() -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    for kind, source in CELLS:
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        notebook.cells.append(make(source))
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"start-{number:02d}"  # stable ids keep diffs and nbval quiet
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.get("metadata", {}).pop("execution", None)
    nbformat.write(notebook, NOTEBOOK)


if __name__ == "__main__":
    build()
