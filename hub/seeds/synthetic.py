"""A deterministic synthetic ecosystem of N organisations, shaped like the seed one, for scale work.

How partnerships form (documented in docs/synthetic.md): a generative story of the domain, not
the recommender's score.
- Institutions (30 %) get a kind, a home country (Zipf-like weights) and a zone; each seeks 2-4
  capabilities, most from the needs typical of its kind.
- Tech enterprises (70 %) specialise: 2-5 capabilities, each at a maturity.
- Each partnership picks an institution by preferential attachment (large players get more
  partners: weight 1 + degree). 80 % are COOPERATION: one capability the institution seeks is
  chosen, and a provider of it is picked by preferential attachment among that capability's
  providers, with a bonus for mature offers and for sharing the institution's zone. 20 % are
  INTRA_SECTOR: another institution, usually of the same kind, by preferential attachment.
- Dates grow over 2016-2026 (more partnerships each year); statuses follow from age.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from hub.domain.enums import InstitutionKind
from hub.seeds.files import SeedSet
from hub.seeds.writer import Rows

INSTITUTION_SHARE = 0.3
PARTNERSHIPS_PER_ORGANISATION = 3.0
INTRA_SECTOR_SHARE = 0.2
PROJECTS_PER_1000 = 20

_KINDS: list[tuple[InstitutionKind, float]] = [
    (InstitutionKind.BANK, 0.32),
    (InstitutionKind.INSURER, 0.2),
    (InstitutionKind.SECURITIES, 0.14),
    (InstitutionKind.ASSET_MANAGER, 0.14),
    (InstitutionKind.PAYMENT, 0.08),
    (InstitutionKind.RATING_AGENCY, 0.04),
    (InstitutionKind.FUTURES, 0.04),
    (InstitutionKind.CONSUMER_FINANCE, 0.04),
]
_COUNTRIES = ["US", "GB", "JP", "DE", "FR", "SG", "CH", "HK", "NL", "CA", "AU", "KR", "ES", "IT", "LU"]
_START = date(2016, 1, 1)
_END = date(2026, 10, 31)


@dataclass
class _State:
    rnd: random.Random
    capabilities: list[str]
    zones: list[str]
    institutions: list[dict[str, Any]] = field(default_factory=list)
    inst_pool: list[int] = field(default_factory=list)  # index repeated once per partnership
    providers: dict[str, list[int]] = field(default_factory=dict)  # capability -> tech indices
    provider_pool: dict[str, list[int]] = field(default_factory=dict)
    tech: list[dict[str, Any]] = field(default_factory=list)
    tech_zone: list[str] = field(default_factory=list)
    inst_zone: list[str] = field(default_factory=list)
    inst_seeks: list[list[str]] = field(default_factory=list)


def _weighted(rnd: random.Random, choices: Sequence[tuple[Any, float]]) -> Any:
    return rnd.choices([c for c, _ in choices], [w for _, w in choices])[0]


def _date_between(rnd: random.Random, start: date, end: date) -> date:
    # Growth: later years are more likely (square-root skew towards the end).
    span = (end - start).days
    return start + timedelta(days=int(span * rnd.random() ** 0.6))


def generate(n: int, seed: int, taxonomy: SeedSet) -> Rows:
    """Rows for `n` organisations, reproducible from `seed`, over the seed set's zones and capabilities."""
    rnd = random.Random(seed)
    state = _State(rnd, [c.id for c in taxonomy.capabilities], [z.id for z in taxonomy.zones])
    rows = Rows()
    for z in taxonomy.zones:
        rows.add("zones", z.model_dump(by_alias=True, exclude_none=True))
    for c in taxonomy.capabilities:
        rows.add("capabilities", c.model_dump(by_alias=True, exclude_none=True))
    n_inst = max(2, int(n * INSTITUTION_SHARE))
    _institutions(state, rows, n_inst)
    _tech(state, rows, n - n_inst)
    _partnerships(state, rows, int(n * PARTNERSHIPS_PER_ORGANISATION))
    _sandbox(state, rows, max(1, n * PROJECTS_PER_1000 // 1000))
    return rows


def _kind_needs(kind: InstitutionKind, capabilities: list[str]) -> list[str]:
    # Each kind leans on a stable subset of the taxonomy: a deterministic slice per kind.
    start = list(InstitutionKind).index(kind) * 2
    return [capabilities[(start + k) % len(capabilities)] for k in range(6)]


def _institutions(s: _State, rows: Rows, count: int) -> None:
    country_weights = [(c, 1 / (rank + 1)) for rank, c in enumerate(_COUNTRIES)]
    for i in range(count):
        kind = _weighted(s.rnd, _KINDS)
        needs = _kind_needs(kind, s.capabilities)
        seeks = set(s.rnd.sample(needs, s.rnd.randint(2, 3)))
        if s.rnd.random() < 0.3:
            seeks.add(s.rnd.choice(s.capabilities))
        zone = s.rnd.choice(s.zones)
        org_id = f"syn-inst-{i:06d}"
        rows.add(
            "institutions",
            {
                "id": org_id,
                "name": f"Synthetic {kind.value.replace('_', ' ').title()} {i:06d}",
                "nameZh": f"合成机构{i:06d}",
                "kind": kind.value,
                "homeCountry": _weighted(s.rnd, country_weights),
                "ownership": "WHOLLY_FOREIGN_OWNED" if s.rnd.random() < 0.7 else "JOINT_VENTURE",
                "founded": date(s.rnd.randint(1990, 2022), s.rnd.randint(1, 12), s.rnd.randint(1, 28)),
            },
        )
        rows.add("located_in", {"organisation": org_id, "zone": zone})
        for cap in sorted(seeks):
            rows.add("seeks", {"institution": org_id, "capability": cap})
        s.institutions.append({"id": org_id, "kind": kind})
        s.inst_zone.append(zone)
        s.inst_seeks.append(sorted(seeks))


def _tech(s: _State, rows: Rows, count: int) -> None:
    maturities = [("EMERGING", 0.3), ("PROVEN", 0.45), ("MATURE", 0.25)]
    for t in range(count):
        org_id = f"syn-tech-{t:06d}"
        focus = s.rnd.randrange(len(s.capabilities))
        offers = {s.capabilities[(focus + k) % len(s.capabilities)] for k in range(s.rnd.randint(1, 3))}
        while len(offers) < s.rnd.randint(2, 5):
            offers.add(s.rnd.choice(s.capabilities))
        zone = s.rnd.choice(s.zones)
        rows.add(
            "tech_enterprises",
            {
                "id": org_id,
                "name": f"Synthetic Tech {t:06d}",
                "nameZh": f"合成科技{t:06d}",
                "homeCountry": "CN" if s.rnd.random() < 0.85 else s.rnd.choice(_COUNTRIES),
                "founded": date(s.rnd.randint(2005, 2023), s.rnd.randint(1, 12), s.rnd.randint(1, 28)),
                "employees": int(20 * s.rnd.paretovariate(1.2)),
            },
        )
        rows.add("located_in", {"organisation": org_id, "zone": zone})
        for cap in sorted(offers):
            maturity = _weighted(s.rnd, maturities)
            rows.add("offers", {"enterprise": org_id, "capability": cap, "maturity": maturity})
            s.providers.setdefault(cap, []).append(t)
            # A mature offer enters the provider pool twice: clients favour proven suppliers.
            s.provider_pool.setdefault(cap, []).extend([t] * (2 if maturity == "MATURE" else 1))
        s.tech.append({"id": org_id})
        s.tech_zone.append(zone)


def _pick_institution(s: _State) -> int:
    # Preferential attachment: uniform over "one ticket each + one per partnership so far".
    total = len(s.institutions) + len(s.inst_pool)
    r = s.rnd.randrange(total)
    return r if r < len(s.institutions) else s.inst_pool[r - len(s.institutions)]


def _pick_provider(s: _State, capability: str, zone: str) -> int | None:
    base = s.provider_pool.get(capability)
    if not base:
        return None
    for _ in range(3):  # a same-zone provider is preferred: up to three draws to find one
        t = s.rnd.choice(base)
        if s.tech_zone[t] == zone:
            return t
    return s.rnd.choice(base)


def _status(s: _State, proposed: date) -> tuple[str, dict[str, date]]:
    age = (_END - proposed).days
    r = s.rnd.random()
    decided = proposed + timedelta(days=s.rnd.randint(5, 45))
    if age < 90 and r < 0.6:
        return "PROPOSED", {}
    if r < 0.15:
        return "DECLINED", {"decidedOn": min(decided, _END)}
    started = min(decided + timedelta(days=s.rnd.randint(0, 30)), _END)
    if age > 700 and r < 0.45:
        ended = min(started + timedelta(days=s.rnd.randint(180, 1200)), _END)
        return "ENDED", {"decidedOn": min(decided, _END), "startedOn": started, "endedOn": ended}
    return "ACTIVE", {"decidedOn": min(decided, _END), "startedOn": started}


def _partnerships(s: _State, rows: Rows, count: int) -> None:
    by_kind: dict[InstitutionKind, list[int]] = {}
    for i, inst in enumerate(s.institutions):
        by_kind.setdefault(inst["kind"], []).append(i)
    seen: set[tuple[str, str]] = set()
    made = 0
    attempts = 0
    while made < count and attempts < count * 3:
        attempts += 1
        i = _pick_institution(s)
        inst = s.institutions[i]
        if s.rnd.random() < INTRA_SECTOR_SHARE:
            peers = by_kind[inst["kind"]] if s.rnd.random() < 0.8 else range(len(s.institutions))
            j = _pick_institution(s) if s.rnd.random() < 0.5 else s.rnd.choice(list(peers))
            if j == i:
                continue
            other, kind, title = s.institutions[j]["id"], "INTRA_SECTOR", "Intra-sector cooperation"
            s.inst_pool.append(j)
        else:
            capability = s.rnd.choice(s.inst_seeks[i])
            t = _pick_provider(s, capability, s.inst_zone[i])
            if t is None:
                continue
            other, kind, title = s.tech[t]["id"], "COOPERATION", f"{capability} cooperation"
            s.provider_pool[capability].append(t)
        pair = (inst["id"], other) if inst["id"] < other else (other, inst["id"])
        if pair in seen:
            continue
        seen.add(pair)
        s.inst_pool.append(i)
        proposed = _date_between(s.rnd, _START, _END)
        status, dates = _status(s, proposed)
        proposer, recipient = (inst["id"], other) if s.rnd.random() < 0.6 else (other, inst["id"])
        props = {
            "id": f"syn-p-{made:07d}",
            "kind": kind,
            "status": status,
            "title": title,
            "proposedOn": proposed,
            **dates,
        }
        rows.add("partnerships", {"props": props, "proposer": proposer, "recipient": recipient})
        made += 1


def _sandbox(s: _State, rows: Rows, count: int) -> None:
    batches = max(1, count // 12)
    for b in range(batches):
        announced = _START + timedelta(days=int((b + 1) * (_END - _START).days / (batches + 1)))
        rows.add(
            "batches",
            {
                "id": f"syn-batch-{b + 1:03d}",
                "number": b + 1,
                "name": f"Synthetic batch {b + 1}",
                "announcedOn": announced,
            },
        )
    for p in range(count):
        b = p % batches
        project_id = f"syn-sbx-{p:05d}"
        announced = _START + timedelta(days=int((b + 1) * (_END - _START).days / (batches + 1)))
        applicant = s.rnd.randrange(len(s.institutions))
        capability = s.rnd.choice(s.inst_seeks[applicant])
        rows.add(
            "projects",
            {
                "id": project_id,
                "name": f"Synthetic sandbox project {p:05d}",
                "serviceType": s.rnd.choice(["FINANCIAL_SERVICE", "TECHNOLOGY_PRODUCT"]),
                "status": "TESTING",
                "riskLevel": s.rnd.choice(["LOW", "MEDIUM", "HIGH"]),
                "appliedOn": announced - timedelta(days=60),
                "registeredOn": announced,
                "testingStartedOn": announced + timedelta(days=30),
            },
        )
        rows.add("in_batch", {"project": project_id, "batch": f"syn-batch-{b + 1:03d}"})
        rows.add(
            "participants",
            {"organisation": s.institutions[applicant]["id"], "project": project_id, "role": "APPLICANT"},
        )
        provider = _pick_provider(s, capability, s.inst_zone[applicant])
        if provider is not None:
            rows.add(
                "participants",
                {
                    "organisation": s.tech[provider]["id"],
                    "project": project_id,
                    "role": "TECHNOLOGY_PROVIDER",
                },
            )
        rows.add("uses", {"project": project_id, "capability": capability})
