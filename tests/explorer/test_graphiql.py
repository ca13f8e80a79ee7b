"""GraphiQL at /graphql renders in headless Chromium with every request outside the hub refused:
its assets are the hub's own (pinned by hub/explorer/package-lock.json), not a CDN's."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Route, async_playwright

from hub.db.database import Database
from hub.settings import Settings
from tests.conftest import live
from tests.explorer.test_browser import CHROMIUM, FLAGS


@pytest.fixture
async def hub_url(seeded: Database, test_settings: Settings) -> AsyncIterator[str]:
    async with live(test_settings, seeded) as url:
        yield url


async def test_graphiql_renders_without_the_internet(hub_url: str) -> None:
    elsewhere: list[str] = []
    served: list[str] = []

    async def only_the_hub(route: Route) -> None:
        url = route.request.url
        if url.startswith(hub_url):
            served.append(url)
            await route.continue_()
        else:  # no internet here
            elsewhere.append(url)
            await route.abort()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        try:
            page = await browser.new_page()
            await page.route("**/*", only_the_hub)
            await page.goto(f"{hub_url}/graphql")
            await page.wait_for_selector(".graphiql-container .graphiql-query-editor", timeout=30_000)
            title = await page.title()
        finally:
            await browser.close()
    assert elsewhere == []
    assert "Fintech Integration Hub" in title
    assert any(u.endswith("/explorer/vendor/graphiql.min.js") for u in served), served
