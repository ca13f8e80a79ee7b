"""A family of synthetic ecosystems whose partnerships form by a mix of mechanisms, for `hub eval`.

Each partnership, in time order, has an initiator (an institution or, for half the cooperations,
a tech enterprise; drawn by a hidden activity level) and a mechanism drawn from the mix:
- preferential: a partner in proportion to 1 + its partnerships so far;
- imitation: a partner of an organisation similar to the initiator (institutions: same kind,
  else same home country; tech enterprises: sharing a capability);
- capability: a provider (or seeker) of a capability the initiator seeks (or offers), in
  proportion to the maturity of the offer times a hidden reputation;
- colocation: an organisation in the initiator's zone;
- chance: anyone (also when the drawn mechanism has nothing to go on yet, as imitation at the
  start).
20 % of partnerships are INTRA_SECTOR (institution with institution), the rest COOPERATION.
Nothing here uses any recommender's score; the mix is not stored in the graph.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hub.domain.enums import InstitutionKind
from hub.seeds.files import SeedSet
from hub.seeds.writer import Rows

MECHANISMS = ("preferential", "imitation", "capability", "colocation", "chance")
_KINDS = [k.value for k in InstitutionKind]
_COUNTRIES = ["US", "GB", "JP", "DE", "FR", "SG", "CH", "HK", "NL", "CA", "AU", "KR"]
_MATURITY = {"EMERGING": 0.5, "PROVEN": 1.0, "MATURE": 2.0}
_START, _END = date(2018, 1, 1), date(2026, 10, 31)
INTRA_SECTOR_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Mix:
    name: str
    weights: tuple[float, ...]  # one per mechanism, in MECHANISMS order

    def describe(self) -> str:
        return ", ".join(f"{m} {w:.2f}" for m, w in zip(MECHANISMS, self.weights, strict=True) if w > 0)


def family(random_mixes: int = 3, seed: int = 2026) -> list[Mix]:
    """Each mechanism alone, then `random_mixes` drawn from a flat Dirichlet."""
    mixes = [
        Mix(f"{m} alone", tuple(1.0 if i == j else 0.0 for j in range(len(MECHANISMS))))
        for i, m in enumerate(MECHANISMS)
    ]
    rnd = random.Random(seed)
    for k in range(random_mixes):
        draws = [rnd.expovariate(1.0) for _ in MECHANISMS]
        mixes.append(Mix(f"random mix {k + 1}", tuple(round(d / sum(draws), 3) for d in draws)))
    return mixes


@dataclass
class _Org:
    id: str
    institution: bool
    kind: str | None
    country: str
    zone: str
    capabilities: dict[str, str]  # sought (maturity "") or offered (maturity)
    activity: float
    reputation: float
    degree: int = 0


class _World:
    def __init__(self, rnd: random.Random, institutions: int, techs: int, taxonomy: SeedSet) -> None:
        self.rnd = rnd
        caps = [c.id for c in taxonomy.capabilities]
        zones = [z.id for z in taxonomy.zones]
        self.orgs: list[_Org] = []
        for i in range(institutions):
            kind = rnd.choice(_KINDS)
            base = _KINDS.index(kind) * 2
            sought = {caps[(base + k) % len(caps)] for k in rnd.sample(range(6), rnd.randint(2, 3))}
            self.orgs.append(
                _Org(
                    f"eco-inst-{i:05d}",
                    True,
                    kind,
                    rnd.choices(_COUNTRIES, [1 / (r + 1) for r in range(len(_COUNTRIES))])[0],
                    rnd.choice(zones),
                    dict.fromkeys(sorted(sought), ""),  # sorted: the same graph whatever the hash seed
                    rnd.lognormvariate(0, 1),
                    rnd.lognormvariate(0, 1),
                )
            )
        for t in range(techs):
            focus = rnd.randrange(len(caps))
            offered = {caps[(focus + k) % len(caps)] for k in range(rnd.randint(1, 4))}
            self.orgs.append(
                _Org(
                    f"eco-tech-{t:05d}",
                    False,
                    None,
                    "CN" if rnd.random() < 0.85 else rnd.choice(_COUNTRIES),
                    rnd.choice(zones),
                    {c: rnd.choice(list(_MATURITY)) for c in sorted(offered)},
                    rnd.lognormvariate(0, 1),
                    rnd.lognormvariate(0, 1),
                )
            )
        self.institutions = [o for o in self.orgs if o.institution]
        self.techs = [o for o in self.orgs if not o.institution]
        self.partners: dict[str, list[_Org]] = {o.id: [] for o in self.orgs}
        self.active: dict[tuple[str, str], list[_Org]] = {}  # organisations with a partner, by similarity key
        self.by_capability: dict[bool, dict[str, list[_Org]]] = {True: {}, False: {}}
        for o in self.orgs:
            for c in o.capabilities:
                self.by_capability[o.institution].setdefault(c, []).append(o)

    def keys(self, o: _Org) -> list[tuple[str, str]]:
        """What makes organisations similar: an institution's kind, then its home country; a tech
        enterprise's capabilities."""
        if o.institution:
            return [("kind", str(o.kind)), ("country", o.country)]
        return [("capability", c) for c in o.capabilities]

    def linked(self, a: _Org, b: _Org) -> None:
        for o, other in ((a, b), (b, a)):
            if not self.partners[o.id]:
                for key in self.keys(o):
                    self.active.setdefault(key, []).append(o)
            self.partners[o.id].append(other)
            o.degree += 1

    def pick(self, mechanism: str, initiator: _Org, pool: list[_Org], institutions: bool) -> _Org | None:
        rnd = self.rnd
        if mechanism == "preferential":
            return rnd.choices(pool, [1 + o.degree for o in pool])[0]
        if mechanism == "imitation":
            keys = self.keys(initiator)
            if not initiator.institution:
                rnd.shuffle(keys)
            for key in keys:
                similar = [o for o in self.active.get(key, []) if o is not initiator]
                for _ in range(10 if similar else 0):
                    model = rnd.choice(similar)
                    copied = rnd.choice(self.partners[model.id])
                    if copied.institution == institutions and copied is not initiator:
                        return copied
            return None
        if mechanism == "capability":
            fits = {
                id(o): o for c in initiator.capabilities for o in self.by_capability[institutions].get(c, [])
            }
            fits.pop(id(initiator), None)
            if not fits:
                return None
            found = list(fits.values())
            weights = [
                o.reputation
                * max(
                    _MATURITY.get(o.capabilities[c], 1.0)
                    for c in o.capabilities.keys() & initiator.capabilities
                )
                for o in found
            ]
            return rnd.choices(found, weights)[0]
        if mechanism == "colocation":
            local = [o for o in pool if o.zone == initiator.zone]
            return rnd.choice(local) if local else None
        return rnd.choice(pool)


def generate(
    mix: Mix, institutions: int, techs: int, partnerships: int, seed: int, taxonomy: SeedSet
) -> Rows:
    rnd = random.Random(seed)
    world = _World(rnd, institutions, techs, taxonomy)
    rows = Rows()
    for z in taxonomy.zones:
        rows.add("zones", z.model_dump(by_alias=True, exclude_none=True))
    for c in taxonomy.capabilities:
        rows.add("capabilities", c.model_dump(by_alias=True, exclude_none=True))
    for o in world.orgs:
        _organisation_rows(rows, o)
    span = (_END - _START).days
    dates = sorted(_START + timedelta(days=int(span * rnd.random() ** 0.7)) for _ in range(partnerships))
    seen: set[tuple[str, str]] = set()
    made = 0
    for on in dates:
        for _ in range(5):  # a few draws to find a new pair
            pair = _draw(world, mix)
            if pair is None:
                continue
            a, b, kind = pair
            key = (a.id, b.id) if a.id < b.id else (b.id, a.id)
            if key in seen:
                continue
            seen.add(key)
            world.linked(a, b)
            rows.add("partnerships", _partnership(rnd, made, a, b, kind, on))
            made += 1
            break
    return rows


def _draw(world: _World, mix: Mix) -> tuple[_Org, _Org, str] | None:
    rnd = world.rnd
    intra = rnd.random() < INTRA_SECTOR_SHARE
    initiators = world.institutions if intra or rnd.random() < 0.5 else world.techs
    initiator = rnd.choices(initiators, [o.activity for o in initiators])[0]
    institutions = intra or not initiator.institution
    pool = [o for o in (world.institutions if institutions else world.techs) if o is not initiator]
    mechanism = rnd.choices(MECHANISMS, mix.weights)[0]
    other = world.pick(mechanism, initiator, pool, institutions)
    if other is None:
        # The mechanism has nothing to go on yet (imitation before anyone has partners): chance.
        other = rnd.choice(pool)
    return initiator, other, "INTRA_SECTOR" if intra else "COOPERATION"


def _partnership(rnd: random.Random, n: int, a: _Org, b: _Org, kind: str, on: date) -> dict[str, Any]:
    age = (_END - on).days
    r = rnd.random()
    decided = min(on + timedelta(days=rnd.randint(5, 45)), _END)
    dates: dict[str, date] = {}
    if age < 90 and r < 0.6:
        status = "PROPOSED"
    elif r < 0.1:
        status, dates = "DECLINED", {"decidedOn": decided}
    elif age > 700 and r < 0.4:
        ended = min(decided + timedelta(days=rnd.randint(180, 900)), _END)
        status, dates = "ENDED", {"decidedOn": decided, "startedOn": decided, "endedOn": ended}
    else:
        status, dates = "ACTIVE", {"decidedOn": decided, "startedOn": decided}
    props = {
        "id": f"eco-p-{n:06d}",
        "kind": kind,
        "status": status,
        "title": f"{kind.replace('_', ' ').lower()} {n}",
        "proposedOn": on,
        **dates,
    }
    return {"props": props, "proposer": a.id, "recipient": b.id}


def _organisation_rows(rows: Rows, o: _Org) -> None:
    number = o.id.rsplit("-", 1)[1]
    if o.institution:
        assert o.kind is not None
        rows.add(
            "institutions",
            {
                "id": o.id,
                "name": f"Eco {o.kind.replace('_', ' ').title()} {number}",
                "nameZh": f"生态机构{number}",
                "kind": o.kind,
                "homeCountry": o.country,
                "ownership": "WHOLLY_FOREIGN_OWNED",
                "founded": date(2000, 1, 1),
            },
        )
        for c in sorted(o.capabilities):
            rows.add("seeks", {"institution": o.id, "capability": c})
    else:
        rows.add(
            "tech_enterprises",
            {
                "id": o.id,
                "name": f"Eco Tech {number}",
                "nameZh": f"生态科技{number}",
                "homeCountry": o.country,
                "founded": date(2010, 1, 1),
                "employees": 50,
            },
        )
        for c, maturity in o.capabilities.items():
            rows.add("offers", {"enterprise": o.id, "capability": c, "maturity": maturity})
    rows.add("located_in", {"organisation": o.id, "zone": o.zone})
