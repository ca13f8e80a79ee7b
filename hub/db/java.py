"""Finding a Java runtime new enough for the pinned Neo4j release."""

from __future__ import annotations

import os
import re
from pathlib import Path

from hub.errors import ServerSetupError

MIN_JAVA = 21
JVM_ROOT = Path("/usr/lib/jvm")


def java_major(java_home: Path) -> int | None:
    """The major version a JDK's `release` file declares, or None if it is not a JDK."""
    release = java_home / "release"
    if not (java_home / "bin" / "java").exists() or not release.exists():
        return None
    match = re.search(r'^JAVA_VERSION="(\d+)', release.read_text(), re.MULTILINE)
    return int(match.group(1)) if match else None


def find_java_home(preferred: Path | None = None) -> Path:
    """`preferred` (HUB_JAVA_HOME: that one or an error, never another JDK in its place), else
    JAVA_HOME, else the newest JDK under /usr/lib/jvm, if it is new enough."""
    if preferred is not None:
        major = java_major(preferred)
        if major is None or major < MIN_JAVA:
            what = "not a JDK" if major is None else f"Java {major}"
            raise ServerSetupError(
                f"HUB_JAVA_HOME={preferred} is {what}; Neo4j needs a JDK {MIN_JAVA} or newer"
            )
        return preferred
    candidates: list[Path] = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    if JVM_ROOT.is_dir():
        found = [(java_major(p) or 0, p) for p in JVM_ROOT.iterdir() if p.is_dir()]
        candidates.extend(p for _, p in sorted(found, reverse=True))
    for home in candidates:
        major = java_major(home)
        if major is not None and major >= MIN_JAVA:
            return home
    raise ServerSetupError(
        f"Neo4j needs Java {MIN_JAVA} or newer and none was found (looked at JAVA_HOME and "
        f"{JVM_ROOT}); install one and set HUB_JAVA_HOME to it"
    )
