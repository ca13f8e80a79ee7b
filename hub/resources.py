"""Files the hub ships beside its code: the graph schema and the seed ecosystem.

They live at the top of the repository (schema/, graph_seeds/) where people edit them, and
hub/data/ links to them, so the wheel carries them as package data. Both an installed wheel and
a checkout read them through importlib.resources: one code path.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def packaged_dir(name: str) -> Path:
    """The folder `name` of the hub's data (a real directory: the hub is never run from a zip)."""
    folder = files("hub") / "data" / name
    if not isinstance(folder, Path) or not folder.is_dir():
        raise RuntimeError(f"the hub's data folder {name!r} is missing from its installation ({folder})")
    return folder


def schema_dir() -> Path:
    return packaged_dir("schema")


def seed_dir() -> Path:
    return packaged_dir("graph_seeds")
