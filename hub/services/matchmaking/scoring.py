"""What a recommendation's reasons are: a kind of evidence, its words and its contribution."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReasonKind(StrEnum):
    CAPABILITY_FIT = "CAPABILITY_FIT"
    SIMILAR_PARTIES = "SIMILAR_PARTIES"
    TRACK_RECORD = "TRACK_RECORD"
    EXPERIENCE = "EXPERIENCE"
    SHARED_SANDBOX_PROJECT = "SHARED_SANDBOX_PROJECT"
    SAME_ZONE = "SAME_ZONE"
    SAME_SECTOR = "SAME_SECTOR"
    SHARED_PARTNERS = "SHARED_PARTNERS"
    CAPABILITY_OVERLAP = "CAPABILITY_OVERLAP"
    PARTNERS_OF_PARTNERS = "PARTNERS_OF_PARTNERS"
    SAME_HOME_COUNTRY = "SAME_HOME_COUNTRY"


@dataclass(frozen=True, slots=True)
class Reason:
    kind: ReasonKind
    detail: str
    contribution: float
