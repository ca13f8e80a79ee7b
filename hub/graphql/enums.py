"""The domain's enums registered with GraphQL (same classes, so values pass through unchanged)."""

from enum import StrEnum

import strawberry

from hub.domain import enums

for _enum in (
    enums.InstitutionKind,
    enums.OwnershipForm,
    enums.Maturity,
    enums.PartnershipKind,
    enums.PartnershipStatus,
    enums.PartyRole,
    enums.SandboxStatus,
    enums.SandboxRole,
    enums.SandboxInvitationStatus,
    enums.ServiceType,
    enums.RiskLevel,
    enums.Role,
):
    strawberry.enum(_enum)


@strawberry.enum
class OrganisationType(StrEnum):
    INSTITUTION = "Institution"
    TECH_ENTERPRISE = "TechEnterprise"


@strawberry.enum
class OrderDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"
