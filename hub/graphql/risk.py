"""Risk views for the fintech risk control centre (analysts, regulators, admins)."""

from __future__ import annotations

import strawberry

from hub.graphql.context import Info
from hub.graphql.nodes import Capability, Institution, SandboxProject, TechEnterprise
from hub.graphql.permissions import CanReadRiskViews
from hub.graphql.relay import bad_argument, bounded_first
from hub.services.risk import LONGEST_TEST_DAYS, MAX_TEST_DAYS


@strawberry.type
class KindShare:
    kind: str
    share: float


@strawberry.type(description="A tech enterprise and the institutions that depend on it.")
class ProviderDependence:
    provider: TechEnterprise
    institutions: int = strawberry.field(description="Institutions in ACTIVE cooperation with it.")
    by_kind: list[KindShare] = strawberry.field(description="Share of those institutions of each kind.")


@strawberry.type
class ProviderShare:
    provider_id: str
    name: str
    partnerships: int
    share: float


@strawberry.type(description="How concentrated the providers of a capability are.")
class CapabilityConcentration:
    capability: Capability
    hhi: float = strawberry.field(
        description="Herfindahl-Hirschman index of providers' shares of ACTIVE cooperations, 0 to 1."
    )
    active_partnerships: int
    leaders: list[ProviderShare]


@strawberry.type(description="An institution whose ACTIVE partnerships all rest on one provider.")
class SoleReliance:
    institution: Institution
    provider: TechEnterprise


@strawberry.type(description="A sandbox project past its test period or at high risk.")
class StuckProject:
    project: SandboxProject
    days_in_test: int | None
    overdue: bool
    high_risk: bool


@strawberry.type
class RiskQueries:
    @strawberry.field(
        description="Providers ranked by dependent institutions.", permission_classes=[CanReadRiskViews]
    )
    async def provider_dependence(self, info: Info, first: int = 20) -> list[ProviderDependence]:
        found = await info.context.services.risk.provider_dependence(bounded_first(first))
        return [
            ProviderDependence(
                provider=TechEnterprise.from_record(d.provider),
                institutions=d.institutions,
                by_kind=[KindShare(kind=k, share=v) for k, v in d.by_kind.items()],
            )
            for d in found
        ]

    @strawberry.field(
        description="Capabilities, most concentrated first.", permission_classes=[CanReadRiskViews]
    )
    async def capability_concentration(self, info: Info, first: int = 20) -> list[CapabilityConcentration]:
        found = await info.context.services.risk.concentration(bounded_first(first))
        return [
            CapabilityConcentration(
                capability=Capability.from_record(c.capability),
                hhi=c.hhi,
                active_partnerships=c.active_partnerships,
                leaders=[
                    ProviderShare(
                        provider_id=x.provider_id, name=x.name, partnerships=x.partnerships, share=x.share
                    )
                    for x in c.leaders
                ],
            )
            for c in found
        ]

    @strawberry.field(
        description="Institutions resting on a single provider.", permission_classes=[CanReadRiskViews]
    )
    async def sole_provider_reliance(self, info: Info, first: int = 50) -> list[SoleReliance]:
        found = await info.context.services.risk.sole_reliance(bounded_first(first))
        return [
            SoleReliance(
                institution=Institution.from_record(s.institution),
                provider=TechEnterprise.from_record(s.provider),
            )
            for s in found
        ]

    @strawberry.field(
        description="REGISTERED or TESTING projects past `maxTestDays` (1 to "
        f"{LONGEST_TEST_DAYS:,}) in test, or at HIGH risk.",
        permission_classes=[CanReadRiskViews],
    )
    async def stuck_sandbox_projects(
        self, info: Info, first: int = 50, max_test_days: int = MAX_TEST_DAYS
    ) -> list[StuckProject]:
        if not 1 <= max_test_days <= LONGEST_TEST_DAYS:
            raise bad_argument(
                "maxTestDays", f"must be between 1 and {LONGEST_TEST_DAYS:,} (got {max_test_days:,})"
            )
        found = await info.context.services.risk.stuck_projects(bounded_first(first), max_test_days)
        return [
            StuckProject(
                project=SandboxProject.from_record(s.project),
                days_in_test=s.days_in_test,
                overdue=s.overdue,
                high_risk=s.high_risk,
            )
            for s in found
        ]
