"""The package's shape: layers without cycles, small modules, no module named like a public name."""

from __future__ import annotations

import ast
from pathlib import Path

import tipcourse

PACKAGE = Path(tipcourse.__file__).resolve().parent
LAYERS = ("data", "engine", "views", "applications", "command line")
#: Each module's layer; a module may import only from its own layer or the ones before it.
LAYER = {
    "messages": "data",
    "_packaged": "data",
    "_text": "data",
    "report": "data",
    "datasets": "data",
    "_facts": "data",
    "_matching": "data",
    "compare": "engine",
    "banks": "engine",
    "_sqlite": "engine",
    "_store": "engine",
    "outcome": "engine",
    "session": "engine",
    "_shapes": "engine",
    "_question_type": "engine",
    "_lettered": "engine",
    "_single": "engine",
    "_multiple": "engine",
    "_truefalse": "engine",
    "_numeric": "engine",
    "_short_text": "engine",
    "_order": "engine",
    "_question_types": "engine",
    "_questions": "engine",
    "_exercises": "engine",
    "_forms": "engine",
    "_written": "engine",
    "kernel": "views",
    "_wording": "views",
    "display": "views",
    "widgets": "views",
    "charts": "views",
    "dashboard": "views",
    "__init__": "views",  # the public API: the engine's and the views' names, re-exported
    "start": "applications",
    "authoring": "applications",
    "_cells": "applications",
    "private": "applications",
    "assign": "applications",
    "_seccomp": "applications",
    "_cgroup": "applications",
    "_bwrap": "applications",
    "_submissions": "applications",
    "_csvfile": "applications",
    "_outputs": "applications",
    "_readout": "applications",
    "_decode": "applications",
    "_folder": "applications",
    "_sandbox": "applications",
    "grade": "applications",
    "gradebook": "applications",
    "manual": "applications",
    "analyze": "applications",
    "_item_report": "applications",
    "lms_gradebook": "applications",
    "_lms": "applications",
    "_gift": "applications",
    "_moodle": "applications",
    "_qti": "applications",
    "export": "applications",
    "cluster": "applications",
    "cli": "command line",
    "__main__": "command line",
}
MAX_LINES = 500


def modules() -> dict[str, Path]:
    return {path.stem: path for path in sorted(PACKAGE.glob("*.py"))}


def imported(path: Path) -> tuple[set[str], set[str]]:
    """The package's own modules that ``path`` imports (in functions too), and other top names."""
    own, others = set(), set()
    names = set(modules())
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "tipcourse":
                    own.add(parts[1] if len(parts) > 1 else "__init__")
                else:
                    others.add(parts[0])
        elif isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".")
            if node.level == 0 and parts[0] != "tipcourse":
                others.add(parts[0])
                continue
            inside = parts[1:] if node.level == 0 else [part for part in parts if part]
            if inside:
                own.add(inside[0])
            else:  # from . import name: a module, or a name of the package itself
                own |= {alias.name if alias.name in names else "__init__" for alias in node.names}
    return own, others


def graph() -> dict[str, set[str]]:
    return {name: imported(path)[0] - {name} for name, path in modules().items()}


def test_every_module_has_a_layer():
    """The layer map names every module of the package, and only those."""
    assert set(LAYER) == set(modules())


def test_no_import_cycle():
    """Following imports (top-level and inside functions) never leads back to where it started."""
    edges = graph()
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        assert name not in path, " → ".join([*path[path.index(name):], name])
        if name in done:
            return
        for target in sorted(edges[name]):
            visit(target, [*path, name])
        done.add(name)

    for name in edges:
        visit(name, [])


def test_each_module_imports_only_from_its_layer_or_below():
    """Data → engine → views → applications → command line: never an import upward."""
    upward = [
        f"{name} ({LAYER[name]}) imports {target} ({LAYER[target]})"
        for name, targets in graph().items()
        for target in targets
        if LAYERS.index(LAYER[target]) > LAYERS.index(LAYER[name])
    ]
    assert upward == []


def test_no_module_is_over_500_lines():
    """Every module, counting every line, fits in 500 lines."""
    sizes = {name: len(path.read_text("utf-8").splitlines()) for name, path in modules().items()}
    assert {name: lines for name, lines in sizes.items() if lines > MAX_LINES} == {}


def test_no_public_name_is_also_a_module_name():
    """``tipcourse.progress`` is the function, never a module hiding behind it."""
    assert set(tipcourse.__all__) & set(modules()) == set()


def test_only_the_command_line_parses_arguments():
    """argparse is imported by cli.py alone: every other module is a library."""
    users = {name for name, path in modules().items() if "argparse" in imported(path)[1]}
    assert users == {"cli"}
