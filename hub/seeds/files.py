"""Reads graph_seeds/ into validated records, or refuses with every problem found.

Each file is a YAML list of records (sandbox.yaml holds `batches` and `projects`). Checks run in
two passes: each record's own fields, then references and rules across files (unknown ids,
duplicate ids, partnership kinds against party types, lifecycle dates).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from hub.domain.enums import PartnershipKind, PartnershipStatus, SandboxStatus
from hub.errors import SeedError, SeedProblem
from hub.seeds.records import (
    AwardRecord,
    CapabilityRecord,
    InstitutionRecord,
    PartnershipRecord,
    SandboxBatchRecord,
    SandboxProjectRecord,
    TechEnterpriseRecord,
    ZoneRecord,
)

R = TypeVar("R", bound=BaseModel)

MAX_SANDBOX_PARTICIPANTS = 4


class _PlainLoader(yaml.SafeLoader):
    """YAML without implicit dates: dates stay text so a malformed one is reported, not fatal."""


_PlainLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class SeedSet:
    zones: list[ZoneRecord] = field(default_factory=list)
    capabilities: list[CapabilityRecord] = field(default_factory=list)
    institutions: list[InstitutionRecord] = field(default_factory=list)
    tech_enterprises: list[TechEnterpriseRecord] = field(default_factory=list)
    partnerships: list[PartnershipRecord] = field(default_factory=list)
    batches: list[SandboxBatchRecord] = field(default_factory=list)
    projects: list[SandboxProjectRecord] = field(default_factory=list)
    awards: list[AwardRecord] = field(default_factory=list)


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[SeedProblem] = []
        # Ids of records refused field by field: references to them are not reported again.
        self.refused_ids: set[str] = set()

    def raw(self, name: str) -> Any:
        path = self.root / name
        if not path.exists():
            self.problems.append(SeedProblem(name, "(file)", "file is missing"))
            return None
        try:
            return yaml.load(path.read_text(encoding="utf-8"), Loader=_PlainLoader)
        except yaml.YAMLError as exc:
            self.problems.append(SeedProblem(name, "(file)", f"not valid YAML: {exc}"))
            return None

    def records(self, name: str, model: type[R], data: Any, key: str | None = None) -> list[R]:
        if data is None:
            return []
        where = f"{name} [{key}]" if key else name
        if not isinstance(data, list):
            self.problems.append(SeedProblem(where, "(file)", "expected a list of records"))
            return []
        parsed: list[R] = []
        for index, item in enumerate(data, start=1):
            label = _label(item, index)
            if not isinstance(item, dict):
                self.problems.append(SeedProblem(where, label, "expected a mapping of fields"))
                continue
            try:
                parsed.append(model.model_validate(item))
            except ValidationError as exc:
                if isinstance(item.get("id"), str):
                    self.refused_ids.add(item["id"])
                for error in exc.errors():
                    path = ".".join(str(part) for part in error["loc"]) or "(record)"
                    self.problems.append(SeedProblem(where, label, f"{path}: {error['msg']}"))
        return parsed


def _label(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"record #{index} (id {item['id']!r})"
    return f"record #{index}"


def read_seed_dir(root: Path) -> SeedSet:
    """The validated seed set of `root`; raises SeedError listing every problem."""
    reader = _Reader(root)
    sandbox = reader.raw("sandbox.yaml")
    if sandbox is not None and not isinstance(sandbox, dict):
        reader.problems.append(SeedProblem("sandbox.yaml", "(file)", "expected `batches` and `projects`"))
        sandbox = None
    sandbox = sandbox or {}
    seeds = SeedSet(
        zones=reader.records("zones.yaml", ZoneRecord, reader.raw("zones.yaml")),
        capabilities=reader.records("capabilities.yaml", CapabilityRecord, reader.raw("capabilities.yaml")),
        institutions=reader.records("institutions.yaml", InstitutionRecord, reader.raw("institutions.yaml")),
        tech_enterprises=reader.records(
            "tech_enterprises.yaml", TechEnterpriseRecord, reader.raw("tech_enterprises.yaml")
        ),
        partnerships=reader.records("partnerships.yaml", PartnershipRecord, reader.raw("partnerships.yaml")),
        batches=reader.records("sandbox.yaml", SandboxBatchRecord, sandbox.get("batches"), "batches"),
        projects=reader.records("sandbox.yaml", SandboxProjectRecord, sandbox.get("projects"), "projects"),
        awards=reader.records("awards.yaml", AwardRecord, reader.raw("awards.yaml")),
    )
    reader.problems.extend(check_references(seeds, reader.refused_ids))
    if reader.problems:
        raise SeedError(reader.problems)
    return seeds


def _duplicates(file: str, ids: Iterable[str]) -> list[SeedProblem]:
    counts = Counter(ids)
    return [
        SeedProblem(file, f"id {i!r}", f"id is used {n} times; ids must be unique")
        for i, n in counts.items()
        if n > 1
    ]


def check_references(s: SeedSet, refused: set[str] | None = None) -> list[SeedProblem]:
    """Rules across records: unique ids, known references, kinds and lifecycles that agree.

    `refused` holds ids of records already refused for their own fields; references to them
    are taken as known so one bad record is reported once, not at every mention.
    """
    refused = refused or set()
    problems: list[SeedProblem] = []
    problems += _duplicates("zones.yaml", (r.id for r in s.zones))
    problems += _duplicates("capabilities.yaml", (r.id for r in s.capabilities))
    problems += _duplicates(
        "institutions.yaml + tech_enterprises.yaml",
        [r.id for r in s.institutions] + [r.id for r in s.tech_enterprises],
    )
    problems += _duplicates("partnerships.yaml", (r.id for r in s.partnerships))
    problems += _duplicates("sandbox.yaml [batches]", (r.id for r in s.batches))
    problems += _duplicates("sandbox.yaml [projects]", (r.id for r in s.projects))
    problems += _duplicates("awards.yaml", (r.id for r in s.awards))

    zones = {r.id for r in s.zones} | refused
    capabilities = {r.id for r in s.capabilities} | refused
    institutions = {r.id for r in s.institutions} | refused
    enterprises = {r.id for r in s.tech_enterprises} | refused
    batches = {r.id for r in s.batches} | refused
    projects = {r.id for r in s.projects} | refused

    def unknown(file: str, record: str, field_name: str, value: str, kind: str) -> None:
        problems.append(SeedProblem(file, record, f"{field_name}: unknown {kind} {value!r}"))

    for i in s.institutions:
        rec = f"id {i.id!r}"
        if i.zone is not None and i.zone not in zones:
            unknown("institutions.yaml", rec, "zone", i.zone, "zone")
        for c in i.seeks:
            if c not in capabilities:
                unknown("institutions.yaml", rec, "seeks", c, "capability")
    for t in s.tech_enterprises:
        rec = f"id {t.id!r}"
        if t.zone is not None and t.zone not in zones:
            unknown("tech_enterprises.yaml", rec, "zone", t.zone, "zone")
        for c in t.offers:
            if c not in capabilities:
                unknown("tech_enterprises.yaml", rec, "offers", c, "capability")
    for p in s.partnerships:
        problems += _partnership_problems(p, institutions, enterprises)
    for project in s.projects:
        problems += _project_problems(project, institutions, enterprises, capabilities, batches)
    for a in s.awards:
        if a.project not in projects:
            unknown("awards.yaml", f"id {a.id!r}", "project", a.project, "sandbox project")
    return problems


def _partnership_problems(
    p: PartnershipRecord, institutions: set[str], enterprises: set[str]
) -> list[SeedProblem]:
    file, rec = "partnerships.yaml", f"id {p.id!r}"
    out: list[SeedProblem] = []
    organisations = institutions | enterprises
    for role in ("proposer", "recipient"):
        value = getattr(p, role)
        if value not in organisations:
            out.append(SeedProblem(file, rec, f"{role}: unknown organisation {value!r}"))
    if out:
        return out
    if p.proposer == p.recipient:
        out.append(SeedProblem(file, rec, "recipient: an organisation cannot partner with itself"))
    sides = {p.proposer in institutions, p.recipient in institutions}
    if p.kind is PartnershipKind.INTRA_SECTOR and sides != {True}:
        out.append(SeedProblem(file, rec, "kind: INTRA_SECTOR needs two institutions"))
    if p.kind is PartnershipKind.COOPERATION and sides != {True, False}:
        out.append(SeedProblem(file, rec, "kind: COOPERATION needs an institution and a tech enterprise"))
    needs = {
        PartnershipStatus.ACTIVE: ("started_on",),
        PartnershipStatus.DECLINED: ("decided_on",),
        PartnershipStatus.ENDED: ("started_on", "ended_on"),
    }.get(p.status, ())
    for name in needs:
        if getattr(p, name) is None:
            out.append(SeedProblem(file, rec, f"{_camel(name)}: required when status is {p.status}"))
    out += _date_order(file, rec, [("proposedOn", p.proposed_on), ("decidedOn", p.decided_on)])
    out += _date_order(
        file,
        rec,
        [("proposedOn", p.proposed_on), ("startedOn", p.started_on), ("endedOn", p.ended_on)],
    )
    return out


def _project_problems(
    p: SandboxProjectRecord,
    institutions: set[str],
    enterprises: set[str],
    capabilities: set[str],
    batches: set[str],
) -> list[SeedProblem]:
    file, rec = "sandbox.yaml [projects]", f"id {p.id!r}"
    out: list[SeedProblem] = []
    for a in p.applicants:
        if a not in institutions:
            out.append(SeedProblem(file, rec, f"applicants: {a!r} is not a known institution"))
    for t in p.providers:
        if t not in enterprises:
            out.append(SeedProblem(file, rec, f"providers: {t!r} is not a known tech enterprise"))
    for c in p.technologies:
        if c not in capabilities:
            out.append(SeedProblem(file, rec, f"technologies: unknown capability {c!r}"))
    count = len(p.applicants) + len(p.providers)
    if count > MAX_SANDBOX_PARTICIPANTS:
        out.append(
            SeedProblem(
                file,
                rec,
                f"applicants + providers: at most {MAX_SANDBOX_PARTICIPANTS} (got {count})",
            )
        )
    if p.batch is not None and p.batch not in batches:
        out.append(SeedProblem(file, rec, f"batch: unknown sandbox batch {p.batch!r}"))
    registered = p.status in {SandboxStatus.REGISTERED, SandboxStatus.TESTING, SandboxStatus.EXITED}
    if registered and (p.batch is None or p.registered_on is None):
        out.append(SeedProblem(file, rec, f"batch, registeredOn: required when status is {p.status}"))
    if p.status in {SandboxStatus.TESTING, SandboxStatus.EXITED} and p.testing_started_on is None:
        out.append(SeedProblem(file, rec, f"testingStartedOn: required when status is {p.status}"))
    if p.status in {SandboxStatus.EXITED, SandboxStatus.WITHDRAWN} and p.closed_on is None:
        out.append(SeedProblem(file, rec, f"closedOn: required when status is {p.status}"))
    out += _date_order(
        file,
        rec,
        [
            ("appliedOn", p.applied_on),
            ("registeredOn", p.registered_on),
            ("testingStartedOn", p.testing_started_on),
            ("closedOn", p.closed_on),
        ],
    )
    return out


def _date_order(file: str, rec: str, steps: list[tuple[str, Any]]) -> list[SeedProblem]:
    present = [(name, value) for name, value in steps if value is not None]
    return [
        SeedProblem(file, rec, f"{later}: {b.isoformat()} is before {earlier} {a.isoformat()}")
        for (earlier, a), (later, b) in itertools.pairwise(present)
        if b < a
    ]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)
