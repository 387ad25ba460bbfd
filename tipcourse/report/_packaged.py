"""Find a folder the course ships: inside an installed wheel, or beside the package in a clone."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["edition", "packaged_folder"]


def edition(folder: Path, language: str) -> Path:
    """Where ``language``'s edition of a folder lives: the folder itself for English, the
    language's subfolder for another (``course/es``, ``notebooks/es``)."""
    return folder if language == "en" else folder / language


def packaged_folder(name: str, language: str = "en") -> Path:
    """``tipcourse/<name>`` when a wheel carries it, else the repository's top-level ``<name>/``;
    in ``language``, that folder's edition (see :func:`edition`).

    The second path is returned even when it does not exist, so the caller can say what is missing.
    """
    packaged = resources.files("tipcourse") / name
    if packaged.is_dir():
        return edition(Path(str(packaged)), language)
    return edition(Path(__file__).resolve().parents[2] / name, language)
