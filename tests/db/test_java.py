"""HUB_JAVA_HOME names the JDK to use: a wrong one is an error, not silently replaced by another."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.db.java import JVM_ROOT, MIN_JAVA, find_java_home, java_major
from hub.errors import ServerSetupError


def _fake_jdk(root: Path, major: int) -> Path:
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "java").write_text("#!/bin/sh\n")
    (root / "release").write_text(f'JAVA_VERSION="{major}.0.1"\n')
    return root


def test_a_home_that_is_no_jdk_is_refused_even_when_another_exists(tmp_path: Path) -> None:
    assert any(java_major(p) for p in JVM_ROOT.iterdir())  # the machine has a JDK to fall back on
    with pytest.raises(ServerSetupError, match=r"HUB_JAVA_HOME=.* is not a JDK"):
        find_java_home(tmp_path)


def test_a_home_too_old_is_refused(tmp_path: Path) -> None:
    old = _fake_jdk(tmp_path / "jdk-17", 17)
    with pytest.raises(ServerSetupError, match=f"is Java 17; Neo4j needs a JDK {MIN_JAVA} or newer"):
        find_java_home(old)


def test_a_good_home_is_used(tmp_path: Path) -> None:
    good = _fake_jdk(tmp_path / "jdk-25", 25)
    assert find_java_home(good) == good
