"""Who is calling: an authenticated principal, whatever the credential."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from hub.domain.enums import Role


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str  # "key:<id>" for an API key, "jwt:<sub>" for a token
    role: Role
    organisation_id: str | None  # the organisation a PARTNER acts for


@dataclass(frozen=True, slots=True)
class Visibility:
    """What partnerships a caller may see: PROPOSED and DECLINED ones only as a party, unless
    `sees_all` (regulators and admins)."""

    organisation_id: str | None
    sees_all: bool

    def params(self) -> dict[str, object]:
        return {"viewerOrg": self.organisation_id, "seesAll": self.sees_all}


EVERYTHING = Visibility(None, True)


class PrivateRows(StrEnum):
    """How an aggregate counts the partnerships its caller may not see (PROPOSED and DECLINED
    ones it is no party to)."""

    COUNTED = "COUNTED"  # regulators and admins: every row, exactly
    EXCLUDED = "EXCLUDED"  # partners: nothing beyond what the caller's lists show
    IN_CROWDS = "IN_CROWDS"  # analysts: counted only in crowds, by time, kind and status


@dataclass(frozen=True, slots=True)
class AggregateDisclosure:
    """What an aggregate may count for one caller.

    Rows the caller may see (`visibility`) count exactly. Private rows count according to
    `private_rows`; IN_CROWDS means: only in a crowd - the private partnerships of one status,
    kind and calendar month - with at least `min_crowd` distinct proposers and `min_crowd` distinct
    recipients, and only for months that lie wholly between `months_from` and `months_to`
    (either open when the window is).
    """

    visibility: Visibility
    private_rows: PrivateRows
    min_crowd: int = 0
    months_from: date | None = None
    months_to: date | None = None

    def __post_init__(self) -> None:
        # A caller's own private partnerships are counted as seen; crowds would count them twice.
        if self.private_rows is PrivateRows.IN_CROWDS and self.visibility.organisation_id is not None:
            raise ValueError("crowds are counted only for callers without an organisation")
