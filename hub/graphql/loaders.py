"""Per-request data loaders: every parent of one level of a response is fetched in one batch."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from strawberry.dataloader import DataLoader

from hub.domain.paging import Page, PageRequest
from hub.domain.principal import EVERYTHING, Visibility
from hub.services.catalogue import Catalogue, listed


class Loaders:
    """Made anew for each request, so nothing is cached across callers."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue
        self._cache: dict[Hashable, DataLoader[str, Any]] = {}
        # Narrowed to the caller's once it is authenticated (hub/graphql/view.py).
        self.visibility: Visibility = EVERYTHING

    def nodes(self, label: str) -> DataLoader[str, Any]:
        async def load(keys: list[str]) -> list[Any]:
            found = await self._catalogue.by_ids(label, keys, self.visibility)
            return [found.get(k) for k in keys]

        return self._get(("nodes", label), load)

    def related(self, relation: str, page: PageRequest, **filters: Any) -> DataLoader[str, Page[Any]]:
        scoped = {**filters, **self.visibility.params()}

        async def load(keys: list[str]) -> list[Page[Any]]:
            pages = await self._catalogue.related(relation, keys, page, scoped)
            return [pages[k] for k in keys]

        key = ("related", relation, page, tuple(sorted(scoped.items())))
        return self._get(key, load)

    def listed(self, relation: str) -> DataLoader[str, Any]:
        async def load(keys: list[str]) -> list[Any]:
            found = await listed(self._catalogue, relation, keys)
            return [found.get(k) for k in keys]

        return self._get(("listed", relation), load)

    def _get(self, key: Hashable, load: Any) -> DataLoader[str, Any]:
        loader = self._cache.get(key)
        if loader is None:
            loader = DataLoader(load_fn=load)
            self._cache[key] = loader
        return loader
