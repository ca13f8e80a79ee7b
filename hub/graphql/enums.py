"""The domain's enums registered with GraphQL (same classes, so values pass through unchanged)."""

from enum import StrEnum

import strawberry

from hub.domain import enums

# Every domain enum the API shows, by its GraphQL name (hub/graphql/model_fields.py types the
# model's enum properties with them).
DOMAIN_ENUMS: dict[str, type[StrEnum]] = {
    e.__name__: e
    for e in (
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
    )
}
for _enum in DOMAIN_ENUMS.values():
    strawberry.enum(_enum)


@strawberry.enum
class OrganisationType(StrEnum):
    INSTITUTION = "Institution"
    TECH_ENTERPRISE = "TechEnterprise"


@strawberry.enum
class OrderDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"
