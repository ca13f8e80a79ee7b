"""The closed vocabularies of the ecosystem."""

from enum import StrEnum


class InstitutionKind(StrEnum):
    BANK = "BANK"
    INSURER = "INSURER"
    SECURITIES = "SECURITIES"
    ASSET_MANAGER = "ASSET_MANAGER"
    PAYMENT = "PAYMENT"
    RATING_AGENCY = "RATING_AGENCY"
    CONSUMER_FINANCE = "CONSUMER_FINANCE"
    FUTURES = "FUTURES"


class OwnershipForm(StrEnum):
    WHOLLY_FOREIGN_OWNED = "WHOLLY_FOREIGN_OWNED"
    JOINT_VENTURE = "JOINT_VENTURE"
    BRANCH = "BRANCH"
    REPRESENTATIVE_OFFICE = "REPRESENTATIVE_OFFICE"


class Maturity(StrEnum):
    """How far a tech enterprise's offering of a capability has come."""

    EMERGING = "EMERGING"
    PROVEN = "PROVEN"
    MATURE = "MATURE"


class PartnershipKind(StrEnum):
    COOPERATION = "COOPERATION"  # an institution and a tech enterprise
    INTRA_SECTOR = "INTRA_SECTOR"  # two institutions


class PartnershipStatus(StrEnum):
    PROPOSED = "PROPOSED"
    ACTIVE = "ACTIVE"
    DECLINED = "DECLINED"
    ENDED = "ENDED"


class PartyRole(StrEnum):
    PROPOSER = "PROPOSER"
    RECIPIENT = "RECIPIENT"


class SandboxStatus(StrEnum):
    PUBLIC_COMMENT = "PUBLIC_COMMENT"
    REGISTERED = "REGISTERED"
    TESTING = "TESTING"
    EXITED = "EXITED"
    WITHDRAWN = "WITHDRAWN"


class SandboxRole(StrEnum):
    APPLICANT = "APPLICANT"
    TECHNOLOGY_PROVIDER = "TECHNOLOGY_PROVIDER"


class ServiceType(StrEnum):
    FINANCIAL_SERVICE = "FINANCIAL_SERVICE"
    TECHNOLOGY_PRODUCT = "TECHNOLOGY_PRODUCT"


class RiskLevel(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class OrganisationType(StrEnum):
    INSTITUTION = "Institution"
    TECH_ENTERPRISE = "TechEnterprise"


class Role(StrEnum):
    PARTNER = "PARTNER"  # acts for one organisation
    ANALYST = "ANALYST"  # reads everything not private to the parties
    REGULATOR = "REGULATOR"  # also manages sandbox lifecycles and awards, reads the audit log
    ADMIN = "ADMIN"


class SandboxInvitationStatus(StrEnum):
    """An organisation named in another's sandbox application: it joins only once it confirms."""

    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    DECLINED = "DECLINED"
    LAPSED = "LAPSED"  # still pending when the project left public comment


class AggregateSubject(StrEnum):
    ORGANISATIONS = "ORGANISATIONS"
    PARTNERSHIPS = "PARTNERSHIPS"
    SANDBOX_PROJECTS = "SANDBOX_PROJECTS"


class Dimension(StrEnum):
    KIND = "KIND"
    STATUS = "STATUS"
    HOME_COUNTRY = "HOME_COUNTRY"
    ZONE = "ZONE"
    CAPABILITY = "CAPABILITY"
    YEAR = "YEAR"
    MONTH = "MONTH"
