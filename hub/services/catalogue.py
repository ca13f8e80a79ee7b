"""Reading the graph: pages, lookups by id, navigation and search."""

from __future__ import annotations

from typing import Any, LiteralString

from hub.db.database import Database
from hub.db.mapping import NODE_MODELS, from_props
from hub.db.repositories import (
    compiled,
    directory,
    lookups,
    network,
    organisations,
    partnerships,
    relations,
    sandbox,
)
from hub.db.repositories import search as search_repo
from hub.domain import models
from hub.domain.paging import Page, PageRequest
from hub.domain.principal import EVERYTHING, Visibility


class Catalogue:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def compiled(self, text: LiteralString, params: dict[str, Any]) -> list[Any]:
        """The answer of a compiled read (hub/graphql/compiled/): one statement, one round trip."""
        return await compiled.run(self.db, text=text, params=params)

    async def by_ids(self, label: str, ids: list[str], visibility: Visibility = EVERYTHING) -> dict[str, Any]:
        if label not in NODE_MODELS:
            return {}
        found = await lookups.props_by_id(self.db, label=label, ids=ids, visibility=visibility)
        cls = NODE_MODELS[label]
        return {i: from_props(cls, props) for i, props in found.items()}

    async def organisations_by_id(self, ids: list[str]) -> dict[str, models.Organisation]:
        return await organisations.organisations_by_id(self.db, ids=ids)

    async def institutions(
        self,
        where: organisations.InstitutionFilter,
        page: PageRequest,
        ordering: organisations.Ordering,
    ) -> Page[models.Institution]:
        return await organisations.institutions_page(self.db, where=where, page=page, ordering=ordering)

    async def tech_enterprises(
        self,
        where: organisations.TechEnterpriseFilter,
        page: PageRequest,
        ordering: organisations.Ordering,
    ) -> Page[models.TechEnterprise]:
        return await organisations.tech_enterprises_page(self.db, where=where, page=page, ordering=ordering)

    async def partnerships(
        self,
        where: partnerships.PartnershipFilter,
        page: PageRequest,
        order_by: str,
        descending: bool,
        visibility: Visibility,
    ) -> Page[models.Partnership]:
        return await partnerships.partnerships_page(
            self.db, where=where, page=page, order_by=order_by, descending=descending, visibility=visibility
        )

    async def sandbox_projects(
        self,
        where: sandbox.SandboxProjectFilter,
        page: PageRequest,
        order_by: str,
        descending: bool,
    ) -> Page[models.SandboxProject]:
        return await sandbox.sandbox_projects_page(
            self.db, where=where, page=page, order_by=order_by, descending=descending
        )

    async def capabilities(self, category: str | None, page: PageRequest) -> Page[models.Capability]:
        return await directory.capabilities_page(self.db, category=category, page=page)

    async def zones(self, district: str | None, page: PageRequest) -> Page[models.Zone]:
        return await directory.zones_page(self.db, district=district, page=page)

    async def awards(self, year: int | None, page: PageRequest) -> Page[models.Award]:
        return await directory.awards_page(self.db, year=year, page=page)

    async def sandbox_batches(self, page: PageRequest) -> Page[models.SandboxBatch]:
        return await directory.sandbox_batches_page(self.db, page=page)

    async def related(
        self, relation: str, ids: list[str], page: PageRequest, filters: dict[str, Any]
    ) -> dict[str, Page[Any]]:
        return await relations.related_pages(self.db, relation=relation, ids=ids, page=page, filters=filters)

    async def search(
        self, text: str, limit: int, labels: tuple[str, ...] = search_repo.SEARCHABLE
    ) -> list[search_repo.Hit]:
        return await search_repo.search(self.db, text=text, limit=limit, labels=labels)


# Bounded lists the model does not cover; the others are the model's (relations.LISTED).
LISTS: dict[str, Any] = {
    "organisation.network": network.positions_of,
    "sandboxProject.invitations": relations.invitations_of,
}


async def listed(catalogue: Catalogue, relation: str, ids: list[str]) -> dict[str, Any]:
    """For each id, what a bounded relationship `relation` holds (one item or a short list)."""
    if relation in relations.LISTED:
        return await relations.listed_items(catalogue.db, relation=relation, ids=ids)
    found: dict[str, Any] = await LISTS[relation](catalogue.db, ids=ids)
    return found
