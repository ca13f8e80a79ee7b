"""The hub's graph, declared once: node types, their fields and relationships, the root
connections with their filters, starts and orderings, and the visibility rules in Cypher form.

The compiler (hub/compiler/) reads only this to turn a GraphQL read into one Cypher statement;
tests/model/ checks it against the GraphQL schema and the executor's answers.
"""

from __future__ import annotations

from typing import LiteralString

from hub.domain.enums import PartnershipStatus
from hub.model.types import (
    Check,
    Dense,
    Filter,
    Interface,
    Kind,
    LabelFilter,
    Model,
    NodeType,
    Ordering,
    Prop,
    Relation,
    Root,
    Search,
    Start,
    ValueLabels,
    Wrapper,
    Write,
)

# The policy module's rule (hub/security/policy.py `visibility`) in Cypher: PROPOSED and DECLINED
# partnerships, and every partnership's terms, only for their parties, regulators and admins.
IS_PARTY: LiteralString = "EXISTS { (:Organisation {id: $viewerOrg})-[:PARTY_TO]->({n}) }"
PARTNERSHIP_RESTRICTED_TO: LiteralString = "({n}.status IN ['ACTIVE', 'ENDED'] OR " + IS_PARTY + ")"
VISIBLE_PARTNERSHIP: LiteralString = "($seesAll OR " + PARTNERSHIP_RESTRICTED_TO + ")"
TERMS_VISIBLE: LiteralString = "($seesAll OR " + IS_PARTY + ")"


def _eq(prop: LiteralString, *path: str) -> Filter:
    return Filter((path,), "{n}." + prop + " = {value}", equals=prop)


def _from(prop: LiteralString, *path: str) -> Filter:
    return Filter((path,), "{n}." + prop + " >= {value}")


def _to(prop: LiteralString, *path: str) -> Filter:
    return Filter((path,), "{n}." + prop + " <= {value}")


def _related(pattern: LiteralString, id_of: tuple[str, ...], *path: str) -> Filter:
    return Filter((path,), "EXISTS { " + pattern + " }", id_of=id_of)


def _status(var: LiteralString = "dst") -> Filter:
    return Filter((("status",),), "{" + var + "}.status = {value}")


ORGANISATION_PROPS = (
    Prop("id", "id", Kind.ID, required=True),
    Prop("name", "name", Kind.STRING, required=True, write=Write(Check.NAME)),
    Prop("nameZh", "nameZh", Kind.STRING, write=Write(Check.NAME)),
    Prop(
        "homeCountry",
        "homeCountry",
        Kind.STRING,
        required=True,
        description="ISO 3166-1 alpha-2 code of the home country.",
        write=Write(Check.COUNTRY),
    ),
    Prop("founded", "founded", Kind.DATE, write=Write(Check.PAST_DATE)),
    Prop("description", "description", Kind.STRING, exported=False, write=Write(Check.TEXT)),
)

ORGANISATION_RELATIONS = (
    Relation("zone", "({src})-[:LOCATED_IN]->({dst}:Zone)", "Zone"),
    Relation(
        "partnerships",
        "({src})-[:PARTY_TO]->({dst}:Partnership)",
        "Partnership",
        many=True,
        connection=True,
        order="{dst}.proposedOn DESC",
        filters={"status": _status(), "kind": Filter((("kind",),), "{dst}.kind = {value}")},
    ),
    Relation(
        "partners",
        "({src})-[:PARTY_TO]->({mid}:Partnership)<-[:PARTY_TO]-({dst}:Organisation)",
        "Organisation",
        many=True,
        connection=True,
        order="{dst}.name",
        where="{dst} <> {src} AND " + VISIBLE_PARTNERSHIP.replace("{n}", "{mid}"),
        filters={"status": _status("mid")},
        distinct=True,
    ),
    Relation(
        "sandboxProjects",
        "({src})-[:PARTICIPATES_IN]->({dst}:SandboxProject)",
        "SandboxProject",
        many=True,
        connection=True,
        order="{dst}.appliedOn DESC",
        filters={"status": _status()},
    ),
)

INSTITUTION = NodeType(
    "Institution",
    "Institution",
    (
        *ORGANISATION_PROPS,
        Prop("kind", "kind", Kind.ENUM, required=True, enum="InstitutionKind", write=Write(updated=False)),
        Prop(
            "ownership",
            "ownership",
            Kind.ENUM,
            required=True,
            enum="OwnershipForm",
            exported=False,
            write=Write(updated=False),
        ),
        Prop(
            "licences",
            "licences",
            Kind.STRINGS,
            default="[]",
            required=True,
            exported=False,
            write=Write(Check.NAMES),
        ),
    ),
    (
        *ORGANISATION_RELATIONS,
        Relation(
            "soughtCapabilities",
            "({src})-[:SEEKS]->({dst}:Capability)",
            "Capability",
            many=True,
            order="{dst}.name",
        ),
    ),
)

TECH_ENTERPRISE = NodeType(
    "TechEnterprise",
    "TechEnterprise",
    (
        *ORGANISATION_PROPS,
        Prop("employees", "employees", Kind.INT, exported=False, write=Write(Check.POSITIVE)),
    ),
    (
        *ORGANISATION_RELATIONS,
        Relation(
            "offeredCapabilities",
            "({src})-[{rel}:OFFERS]->({dst}:Capability)",
            "Capability",
            many=True,
            order="{dst}.name",
            wrapper=Wrapper(
                "CapabilityOffer",
                "capability",
                (Prop("maturity", "maturity", Kind.ENUM, required=True, enum="Maturity"),),
            ),
        ),
    ),
)

CAPABILITY = NodeType(
    "Capability",
    "Capability",
    (
        Prop("id", "id", Kind.ID, required=True),
        Prop("name", "name", Kind.STRING, required=True),
        Prop("nameZh", "nameZh", Kind.STRING),
        Prop("category", "category", Kind.STRING, required=True),
        Prop("description", "description", Kind.STRING),
    ),
    (
        Relation(
            "providers",
            "({dst}:TechEnterprise)-[{rel}:OFFERS]->({src})",
            "TechEnterprise",
            many=True,
            connection=True,
            order="{dst}.name",
            filters={"maturity": Filter((("maturity",),), "{rel}.maturity = {value}")},
        ),
        Relation(
            "seekers",
            "({dst}:Institution)-[:SEEKS]->({src})",
            "Institution",
            many=True,
            connection=True,
            order="{dst}.name",
            filters={"kind": Filter((("kind",),), "{dst}.kind = {value}")},
        ),
        Relation(
            "sandboxProjects",
            "({dst}:SandboxProject)-[:USES]->({src})",
            "SandboxProject",
            many=True,
            connection=True,
            order="{dst}.appliedOn DESC",
            filters={"status": _status()},
        ),
    ),
)

PARTNERSHIP = NodeType(
    "Partnership",
    "Partnership",
    (
        Prop("id", "id", Kind.ID, required=True),
        Prop("kind", "kind", Kind.ENUM, required=True, enum="PartnershipKind"),
        Prop(
            "status",
            "status",
            Kind.ENUM,
            required=True,
            enum="PartnershipStatus",
            # ActivePartnership, ...: how many partnerships hold a status is a count-store read.
            labels=ValueLabels.of_values(PartnershipStatus, "Partnership"),
        ),
        Prop("title", "title", Kind.STRING, required=True),
        Prop("terms", "terms", Kind.STRING, visible_when=TERMS_VISIBLE),
        Prop("proposedOn", "proposedOn", Kind.DATE, required=True),
        Prop("decidedOn", "decidedOn", Kind.DATE),
        Prop("startedOn", "startedOn", Kind.DATE),
        Prop("endedOn", "endedOn", Kind.DATE),
    ),
    (
        Relation(
            "parties",
            "({dst}:Organisation)-[{rel}:PARTY_TO]->({src})",
            "Organisation",
            many=True,
            order="{rel}.role DESC",
            wrapper=Wrapper(
                "PartnershipParty",
                "organisation",
                (Prop("role", "role", Kind.ENUM, required=True, enum="PartyRole"),),
            ),
        ),
    ),
    restricted_to=PARTNERSHIP_RESTRICTED_TO,
)

SANDBOX_BATCH = NodeType(
    "SandboxBatch",
    "SandboxBatch",
    (
        Prop("id", "id", Kind.ID, required=True),
        Prop("number", "number", Kind.INT, required=True),
        Prop("name", "name", Kind.STRING, required=True),
        Prop("announcedOn", "announcedOn", Kind.DATE, required=True),
    ),
    (
        Relation(
            "projects",
            "({dst}:SandboxProject)-[:IN_BATCH]->({src})",
            "SandboxProject",
            many=True,
            connection=True,
            filters={"status": _status()},
        ),
    ),
)

SANDBOX_PROJECT = NodeType(
    "SandboxProject",
    "SandboxProject",
    (
        Prop("id", "id", Kind.ID, required=True),
        Prop("name", "name", Kind.STRING, required=True),
        Prop("nameZh", "nameZh", Kind.STRING),
        Prop("serviceType", "serviceType", Kind.ENUM, required=True, enum="ServiceType"),
        Prop("status", "status", Kind.ENUM, required=True, enum="SandboxStatus"),
        Prop("riskLevel", "riskLevel", Kind.ENUM, required=True, enum="RiskLevel"),
        Prop("appliedOn", "appliedOn", Kind.DATE, required=True),
        Prop("plannedGoLive", "plannedGoLive", Kind.DATE),
        Prop("registeredOn", "registeredOn", Kind.DATE),
        Prop("testingStartedOn", "testingStartedOn", Kind.DATE),
        Prop("closedOn", "closedOn", Kind.DATE, description="When it exited the sandbox or withdrew."),
        Prop("description", "description", Kind.STRING),
    ),
    (
        Relation(
            "participants",
            "({dst}:Organisation)-[{rel}:PARTICIPATES_IN]->({src})",
            "Organisation",
            many=True,
            order="{rel}.role, {dst}.name",
            wrapper=Wrapper(
                "SandboxParticipant",
                "organisation",
                (Prop("role", "role", Kind.ENUM, required=True, enum="SandboxRole"),),
            ),
        ),
        Relation("batch", "({src})-[:IN_BATCH]->({dst}:SandboxBatch)", "SandboxBatch"),
        Relation(
            "technologies", "({src})-[:USES]->({dst}:Capability)", "Capability", many=True, order="{dst}.name"
        ),
        Relation("awards", "({src})-[:WON]->({dst}:Award)", "Award", many=True, order="{dst}.year"),
    ),
)

ZONE = NodeType(
    "Zone",
    "Zone",
    (
        Prop("id", "id", Kind.ID, required=True),
        Prop("name", "name", Kind.STRING, required=True),
        Prop("nameZh", "nameZh", Kind.STRING),
        Prop("district", "district", Kind.STRING, required=True),
        Prop("description", "description", Kind.STRING),
    ),
    (
        Relation(
            "organisations",
            "({dst}:Organisation)-[:LOCATED_IN]->({src})",
            "Organisation",
            many=True,
            connection=True,
            order="{dst}.name",
            label_filter=LabelFilter(
                "type", {"Institution": "{dst}:Institution", "TechEnterprise": "{dst}:TechEnterprise"}
            ),
        ),
    ),
)

AWARD = NodeType(
    "Award",
    "Award",
    (
        Prop("id", "id", Kind.ID, required=True),
        Prop("name", "name", Kind.STRING, required=True),
        Prop("year", "year", Kind.INT, required=True),
        Prop("prizeYuan", "prizeYuan", Kind.INT, required=True),
    ),
    (Relation("project", "({dst}:SandboxProject)-[:WON]->({src})", "SandboxProject"),),
)

ORGANISATION_TYPES = ("Institution", "TechEnterprise")

_ORGANISATION_ORDER = Ordering(
    {"NAME": "{n}.name", "FOUNDED": "{n}.founded"}, "NAME", indexed={"NAME": "name"}
)


# Related nodes a page may start from that can have very many relationships (Dense). A zone's
# degree counts the organisations of both kinds located in it: an upper bound, which is all the
# choice needs.
_CAPABILITY_SOUGHT = Dense("({s}:Capability {id: {value}})", "({s})<-[:SEEKS]-()")
_CAPABILITY_OFFERED = Dense("({s}:Capability {id: {value}})", "({s})<-[:OFFERS]-()")
_ZONE = Dense("({s}:Zone {id: {value}})", "({s})<-[:LOCATED_IN]-()")


# Orderings that composite indexes serve after an equality (schema/constraints.cypher), on keys
# every node has: an organisation's name, a partnership's proposal date.
def _index(label: LiteralString, lead: LiteralString, key: LiteralString) -> LiteralString:
    return "USING INDEX {n}:" + label + "(" + lead + ", " + key + ")"


ROOTS = (
    Root(
        "institutions",
        "Institution",
        {
            "kind": _eq("kind", "filter", "kind"),
            "homeCountry": _eq("homeCountry", "filter", "homeCountry"),
            "zoneId": _related("({n})-[:LOCATED_IN]->(:Zone {id: {value}})", ("Zone",), "filter", "zoneId"),
            "capabilityId": _related(
                "({n})-[:SEEKS]->(:Capability {id: {value}})", ("Capability",), "filter", "capabilityId"
            ),
            "foundedFrom": _from("founded", "filter", "foundedFrom"),
            "foundedTo": _to("founded", "filter", "foundedTo"),
        },
        _ORGANISATION_ORDER,
        (
            Start(
                "capabilityId",
                "(:Capability {id: {value}})<-[:SEEKS]-({n}:Institution)",
                ("capabilityId",),
                dense=_CAPABILITY_SOUGHT,
            ),
            Start(
                "zoneId", "(:Zone {id: {value}})<-[:LOCATED_IN]-({n}:Institution)", ("zoneId",), dense=_ZONE
            ),
            Start(
                "homeCountry",
                "({n}:Institution {homeCountry: {value}})",
                ("homeCountry",),
                "{n}.homeCountry",
                {"NAME": _index("Institution", "homeCountry", "name")},
            ),
            Start(
                "kind",
                "({n}:Institution {kind: {value}})",
                ("kind",),
                "{n}.kind",
                {"NAME": _index("Institution", "kind", "name")},
            ),
        ),
    ),
    Root(
        "techEnterprises",
        "TechEnterprise",
        {
            "homeCountry": _eq("homeCountry", "filter", "homeCountry"),
            "zoneId": _related("({n})-[:LOCATED_IN]->(:Zone {id: {value}})", ("Zone",), "filter", "zoneId"),
            "capabilityId": Filter(
                (("filter", "capabilityId"),),
                "EXISTS { ({n})-[:OFFERS]->(:Capability {id: {value}}) }",
                unless=("maturity",),
                id_of=("Capability",),
            ),
            "capabilityMaturity": Filter(
                (("filter", "capabilityId"), ("filter", "maturity")),
                "EXISTS { ({n})-[o:OFFERS]->(:Capability {id: {value_capabilityId}}) "
                "WHERE o.maturity = {value_maturity} }",
                when=("capabilityId", "maturity"),
                id_of=("Capability",),
            ),
            "foundedFrom": _from("founded", "filter", "foundedFrom"),
            "foundedTo": _to("founded", "filter", "foundedTo"),
        },
        _ORGANISATION_ORDER,
        (
            Start(
                "capabilityId",
                "(:Capability {id: {value}})<-[:OFFERS]-({n}:TechEnterprise)",
                ("capabilityId",),
                dense=_CAPABILITY_OFFERED,
            ),
            Start(
                "zoneId",
                "(:Zone {id: {value}})<-[:LOCATED_IN]-({n}:TechEnterprise)",
                ("zoneId",),
                dense=_ZONE,
            ),
            Start(
                "homeCountry",
                "({n}:TechEnterprise {homeCountry: {value}})",
                ("homeCountry",),
                "{n}.homeCountry",
                {"NAME": _index("TechEnterprise", "homeCountry", "name")},
            ),
        ),
    ),
    Root(
        "partnerships",
        "Partnership",
        {
            "kind": _eq("kind", "filter", "kind"),
            "status": _eq("status", "filter", "status"),
            "proposedFrom": _from("proposedOn", "filter", "proposedFrom"),
            "proposedTo": _to("proposedOn", "filter", "proposedTo"),
            "organisationId": _related(
                "(:Organisation {id: {value}})-[:PARTY_TO]->({n})",
                ORGANISATION_TYPES,
                "filter",
                "organisationId",
            ),
        },
        Ordering(
            {"PROPOSED_ON": "{n}.proposedOn", "TITLE": "{n}.title"},
            "PROPOSED_ON",
            default_descending=True,
            indexed={"PROPOSED_ON": "proposedOn"},
        ),
        (
            Start(
                "organisationId",
                "(:Organisation {id: {value}})-[:PARTY_TO]->({n}:Partnership)",
                ("organisationId",),
                dense=Dense("({s}:Organisation {id: {value}})", "({s})-[:PARTY_TO]->()"),
            ),
            Start(
                "status",
                "({n}:Partnership {status: {value}})",
                ("status",),
                "{n}.status",
                {"PROPOSED_ON": _index("Partnership", "status", "proposedOn")},
            ),
            Start(
                "kind",
                "({n}:Partnership {kind: {value}})",
                ("kind",),
                "{n}.kind",
                {"PROPOSED_ON": _index("Partnership", "kind", "proposedOn")},
            ),
        ),
    ),
    Root(
        "sandboxProjects",
        "SandboxProject",
        {
            "status": _eq("status", "filter", "status"),
            "serviceType": _eq("serviceType", "filter", "serviceType"),
            "riskLevel": _eq("riskLevel", "filter", "riskLevel"),
            "batchId": _related(
                "({n})-[:IN_BATCH]->(:SandboxBatch {id: {value}})", ("SandboxBatch",), "filter", "batchId"
            ),
            "capabilityId": _related(
                "({n})-[:USES]->(:Capability {id: {value}})", ("Capability",), "filter", "capabilityId"
            ),
            "appliedFrom": _from("appliedOn", "filter", "appliedFrom"),
            "appliedTo": _to("appliedOn", "filter", "appliedTo"),
        },
        Ordering({"APPLIED_ON": "{n}.appliedOn", "NAME": "{n}.name"}, "APPLIED_ON", default_descending=True),
    ),
    Root("sandboxBatches", "SandboxBatch", {}, Ordering({"NUMBER": "{n}.number"}, "NUMBER", argument=None)),
    Root(
        "capabilities",
        "Capability",
        {"category": _eq("category", "category")},
        Ordering({"NAME": "{n}.name"}, "NAME", argument=None),
    ),
    Root(
        "zones",
        "Zone",
        {"district": _eq("district", "district")},
        Ordering({"NAME": "{n}.name"}, "NAME", argument=None),
    ),
    Root(
        "awards",
        "Award",
        {"year": _eq("year", "year")},
        Ordering({"YEAR": "{n}.year"}, "YEAR", argument=None),
    ),
)

NODE_TYPES = (
    INSTITUTION,
    TECH_ENTERPRISE,
    CAPABILITY,
    PARTNERSHIP,
    SANDBOX_BATCH,
    SANDBOX_PROJECT,
    ZONE,
    AWARD,
)

MODEL = Model(
    nodes=NODE_TYPES,
    interfaces=(
        Interface("Organisation", ORGANISATION_TYPES, "Organisation"),
        Interface("Node", tuple(n.name for n in NODE_TYPES), None),
    ),
    roots=ROOTS,
    searches=(
        Search("search", "search_text", "SearchHit", ("Institution", "TechEnterprise", "SandboxProject")),
    ),
)
