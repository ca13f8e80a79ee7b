"""Risk views for the fintech risk control centre, with the arithmetic kept pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from hub.db.database import Database
from hub.db.mapping import from_props, organisation
from hub.db.repositories import risk as repo
from hub.domain import models
from hub.domain.enums import RiskLevel
from hub.services.clock import Today, system_today

MAX_TEST_DAYS = 180  # the FCA sandbox's longest test; Beijing's statements plan similar periods
# A bound on what a caller may ask for: a century, far from the dates Python can reach.
LONGEST_TEST_DAYS = 36_500


def herfindahl(total: int, sum_of_squares: int) -> float:
    """The Herfindahl-Hirschman index of market shares, from 0 (dispersed) to 1 (one provider):
    the sum of squared shares, from the total and the sum of squared counts."""
    return sum_of_squares / total**2 if total else 0.0


@dataclass(frozen=True, slots=True)
class Dependence:
    provider: models.TechEnterprise
    institutions: int
    by_kind: dict[str, float]  # share of its client institutions of each kind


@dataclass(frozen=True, slots=True)
class ProviderShare:
    provider_id: str
    name: str
    partnerships: int
    share: float


@dataclass(frozen=True, slots=True)
class Concentration:
    capability: models.Capability
    hhi: float
    active_partnerships: int
    leaders: list[ProviderShare]


@dataclass(frozen=True, slots=True)
class SoleReliance:
    institution: models.Institution
    provider: models.TechEnterprise


@dataclass(frozen=True, slots=True)
class StuckProject:
    project: models.SandboxProject
    days_in_test: int | None
    overdue: bool
    high_risk: bool


class RiskViews:
    def __init__(self, db: Database, today: Today = system_today) -> None:
        self.db = db
        self.today = today

    async def provider_dependence(self, first: int) -> list[Dependence]:
        rows = await repo.provider_dependence(self.db, limit=first)
        out = []
        for row in rows:
            kinds = Counter(row["kinds"])
            provider = organisation(row["provider"])
            assert isinstance(provider, models.TechEnterprise)
            total = sum(kinds.values())
            out.append(Dependence(provider, total, {k: n / total for k, n in sorted(kinds.items())}))
        return out

    async def concentration(self, first: int) -> list[Concentration]:
        rows = await repo.capability_shares(self.db)
        out = []
        for row in rows:
            total = row["total"]
            leaders = [
                ProviderShare(p["id"], p["name"], p["count"], p["count"] / total) for p in row["leaders"]
            ]
            out.append(
                Concentration(
                    from_props(models.Capability, row["capability"]),
                    herfindahl(total, row["squares"]),
                    total,
                    leaders,
                )
            )
        out.sort(key=lambda c: (-c.hhi, c.capability.id))
        return out[:first]

    async def sole_reliance(self, first: int) -> list[SoleReliance]:
        rows = await repo.sole_reliance(self.db, limit=first)
        out = []
        for row in rows:
            provider = organisation(row["provider"])
            assert isinstance(provider, models.TechEnterprise)
            out.append(SoleReliance(from_props(models.Institution, row["institution"]), provider))
        return out

    async def stuck_projects(self, first: int, max_test_days: int = MAX_TEST_DAYS) -> list[StuckProject]:
        today = self.today()
        rows = await repo.stuck_projects(
            self.db, overdue_before=today - timedelta(days=max_test_days), limit=first
        )
        out = []
        for row in rows:
            project = from_props(models.SandboxProject, row["project"])
            started = project.testing_started_on
            days = (today - started).days if started else None
            out.append(
                StuckProject(
                    project,
                    days,
                    days is not None and days > max_test_days,
                    project.risk_level is RiskLevel.HIGH,
                )
            )
        return out
