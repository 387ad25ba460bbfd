"""Read YAML the fast way where PyYAML has its C parser (libyaml), and the same way elsewhere."""

from __future__ import annotations

from typing import Any

__all__ = ["parse_yaml"]


def parse_yaml(text: str) -> Any:
    """The data of a YAML document, with only the safe tags (as ``yaml.safe_load``)."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
