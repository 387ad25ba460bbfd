"""The package's shape: the layers of ARCHITECTURE.md are its folders, imported only downward.

The layer table is read from ARCHITECTURE.md, the one place it is written: each layer is a
folder (or a file) of ``tipcourse/``, listed from the bottom up. A module imports only from its
own layer or the ones below it, at the top of a file or inside a function; there is no import
cycle; only the command line parses arguments; a leading underscore means private, so no public
name is also a module's name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import tipcourse

PACKAGE = Path(tipcourse.__file__).resolve().parent
ROOT = PACKAGE.parent
ROW = re.compile(r"^\| \*\*(?P<layer>[\w ]+)\*\* \| (?P<places>[^|]+) \|")


def layer_table() -> list[tuple[str, list[str]]]:
    """(layer, its places below tipcourse/) from the table in ARCHITECTURE.md, bottom first."""
    rows = []
    for line in (ROOT / "ARCHITECTURE.md").read_text("utf-8").splitlines():
        found = ROW.match(line)
        if found:
            places = re.findall(r"`tipcourse/([^`]*)`", found.group("places"))
            rows.append((found.group("layer"), places))
    return rows


LAYERS = layer_table()
ORDER = [layer for layer, _ in LAYERS]


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = modules()


def layer_of(name: str) -> str:
    """The layer of a dotted module name: the table row whose place holds it."""
    relative = MODULES[name].relative_to(PACKAGE).as_posix()
    for layer, places in LAYERS:
        for place in places:
            if relative == place or (place.endswith("/") and relative.startswith(place)):
                return layer
    raise AssertionError(f"ARCHITECTURE.md's layer table has no place for tipcourse/{relative}")


def imported(name: str) -> tuple[set[str], set[str]]:
    """The package's modules that ``name`` imports (in functions too), and other top names."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    own, others = set(), set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "tipcourse":
                    own.add(alias.name)
                else:
                    others.add(alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
                if base.split(".")[0] != "tipcourse":
                    others.add(base.split(".")[0])
                    continue
            else:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                own.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {target for target in own if target in MODULES} - {name}, others


def test_the_layer_table_places_every_module_once():
    """Each module of the tree belongs to exactly one layer of ARCHITECTURE.md's table."""
    assert ORDER == ["report", "engine", "views", "public API", "instructor", "command line"]
    for name in MODULES:
        layer_of(name)  # raises for a module the table misses
    places = [place for _, found in LAYERS for place in found]
    for place in places:
        assert (PACKAGE / place).exists(), (
            f"ARCHITECTURE.md names tipcourse/{place}, not in the tree"
        )


def test_the_tree_is_what_architecture_md_describes():
    """Every module named in ARCHITECTURE.md exists, and every module is named there."""
    text = (ROOT / "ARCHITECTURE.md").read_text("utf-8")
    named = set(re.findall(r"\*\*`(\w+)`\*\*", text))
    stems = {path.stem for path in MODULES.values() if path.stem != "__init__"}
    assert stems - named == set(), "describe these modules in ARCHITECTURE.md"
    assert named - stems == set(), "ARCHITECTURE.md describes modules that are gone"


def test_no_import_cycle():
    """Following imports (top-level and inside functions) never leads back to where it started."""
    edges = {name: imported(name)[0] for name in MODULES}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        assert name not in path, " → ".join([*path[path.index(name) :], name])
        if name in done:
            return
        for target in sorted(edges[name]):
            visit(target, [*path, name])
        done.add(name)

    for name in edges:
        visit(name, [])


def test_each_module_imports_only_from_its_layer_or_below():
    """Report → engine → views → public API → instructor → command line: never upward."""
    upward = [
        f"{name} ({layer_of(name)}) imports {target} ({layer_of(target)})"
        for name in MODULES
        for target in imported(name)[0]
        if ORDER.index(layer_of(target)) > ORDER.index(layer_of(name))
    ]
    assert upward == []


def test_the_layer_check_sees_an_upward_import_inside_a_function(tmp_path, monkeypatch):
    """An import inside a function counts: the engine importing a view is found."""
    engine = next(
        name
        for name, path in MODULES.items()
        if layer_of(name) == "engine" and path.name != "__init__.py"
    )
    fake = tmp_path / "fake.py"
    fake.write_text("def later():\n    from ..views import widgets\n", "utf-8")
    monkeypatch.setitem(MODULES, engine, fake)
    assert "tipcourse.views.widgets" in imported(engine)[0]


def test_no_public_name_is_also_a_module_name():
    """``tipcourse.progress`` is the function, never a module hiding behind it; the same for the
    instructor's API."""
    import tipcourse.instructor

    assert {f"tipcourse.{name}" for name in tipcourse.__all__} & set(MODULES) == set()
    assert {f"tipcourse.instructor.{name}" for name in tipcourse.instructor.__all__} & set(
        MODULES
    ) == set()


def test_only_the_command_line_parses_arguments():
    """argparse is imported by cli.py alone: every other module is a library."""
    users = {name for name in MODULES if "argparse" in imported(name)[1]}
    assert users == {"tipcourse.cli"}


def test_importing_the_package_is_light():
    """``import tipcourse`` loads no pandas, matplotlib, ipywidgets or instructor tools."""
    import subprocess
    import sys

    code = (
        "import sys, tipcourse; heavy = {'pandas', 'matplotlib', 'ipywidgets', 'nbformat',"
        " 'tipcourse.instructor'}; print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
