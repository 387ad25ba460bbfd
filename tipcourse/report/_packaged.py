"""Find a folder the course ships: inside an installed wheel, or beside the package in a clone."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["packaged_folder"]


def packaged_folder(name: str) -> Path:
    """``tipcourse/<name>`` when a wheel carries it, else the repository's top-level ``<name>/``.

    The second path is returned even when it does not exist, so the caller can say what is missing.
    """
    packaged = resources.files("tipcourse") / name
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / name
