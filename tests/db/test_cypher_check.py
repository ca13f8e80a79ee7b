"""CI's Cypher check (basedpyright on hub/db, configured in pyproject.toml) refuses formatted
Cypher where the hub's Database takes a LiteralString (.ci/run checks the code as it is)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASEDPYRIGHT = Path(sys.executable).parent / "basedpyright"

FORMATTED = """
from hub.db.database import Database


async def by_label(db: Database, label: str) -> None:
    await db.read(f"MATCH (n:{label}) RETURN n")
"""


def test_the_check_refuses_an_f_string_in_hub_db(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / "hub", project / "hub", ignore=shutil.ignore_patterns("__pycache__", "node_modules", "static")
    )
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    (project / ".venv").symlink_to(ROOT / ".venv")
    (project / "hub" / "db" / "repositories" / "formatted.py").write_text(FORMATTED)
    done = subprocess.run([str(BASEDPYRIGHT)], cwd=project, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "formatted.py:6" in done.stdout and "LiteralString" in done.stdout, done.stdout
