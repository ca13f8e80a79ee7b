"""The web explorer in a real browser: Debian's Chromium, headless, driven by Playwright.

The page loads, an analyst connects with a key, a search finds an organisation, clicking a node
expands it to show its partners, the charts render. A screenshot is kept in tests/artifacts/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from hub.db.database import Database
from hub.domain.enums import Role
from hub.graphql.relay import to_global_id
from hub.security.api_keys import ApiKeys
from hub.settings import Settings
from tests.conftest import ROOT, live

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
# Without the background-networking flags Chromium keeps dialling Google, which this network refuses.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
YUNHE = to_global_id("TechEnterprise", "yunhe-cloud")


@pytest.fixture(scope="module")
def chromium() -> str:
    assert CHROMIUM.exists(), "Debian's chromium is needed: `bash .ci/setup.sh` installs it"
    return str(CHROMIUM)


@pytest.fixture(scope="module")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, headless=True, args=FLAGS)
        yield browser
        await browser.close()


async def _connect(page: Page, url: str, key: str) -> None:
    await page.goto(f"{url}/explorer/")
    await page.fill("#api-key", key)
    await page.click("#credentials button")
    await page.wait_for_function("document.querySelector('#who').textContent.startsWith('connected as')")


async def _node_count(page: Page) -> int:
    count: int = await page.evaluate("hubExplorer.cy.nodes().length")
    return count


async def _click_node(page: Page, global_id: str) -> None:
    """A real mouse click where the graph draws the node."""
    box = await page.locator("#graph").bounding_box()
    assert box is not None
    spot = await page.evaluate(f"hubExplorer.cy.getElementById({global_id!r}).renderedPosition()")
    await page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])


async def test_analyst_searches_expands_and_sees_charts(
    seeded: Database, test_settings: Settings, browser: Browser
) -> None:
    key = (await ApiKeys(seeded).create(Role.ANALYST, None, "browser test")).key
    errors: list[str] = []
    page = await browser.new_page(viewport={"width": 1440, "height": 900})
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    async with live(test_settings, seeded) as url:
        await _connect(page, url, key)
        assert "analyst" in await page.text_content("#who") or ""

        # Search in Chinese finds the provider; clicking the hit draws it and its neighbourhood.
        await page.fill("#search", "云禾")
        await page.click("#search-form button")
        hit = page.locator("#results li", has_text="Yunhe Cloud Systems")
        await hit.wait_for()
        await hit.click()
        await page.wait_for_function("hubExplorer.expanded.size === 1 && hubExplorer.cy.nodes().length > 20")
        assert "Yunhe Cloud Systems" in (await page.text_content("#details") or "")
        names = await page.evaluate("hubExplorer.cy.nodes().map(n => n.data('name'))")
        assert "Thamesgate Bank (China)" in names  # a client, two steps away through a partnership

        # Clicking a client expands it: its own partners appear, and the details follow the click.
        thamesgate = to_global_id("Institution", "thamesgate-bank")
        before = await _node_count(page)
        await _click_node(page, thamesgate)
        await page.wait_for_function("hubExplorer.expanded.size === 2")
        assert "Thamesgate Bank (China)" in (await page.text_content("#details h2") or "")
        assert "PageRank" in (await page.text_content("#details") or "")
        assert await _node_count(page) > before
        edges = await page.evaluate(f"hubExplorer.cy.getElementById({thamesgate!r}).connectedEdges().length")
        assert edges >= 2

        # The charts drew their data from the aggregates and risk views.
        await page.wait_for_function("Object.keys(hubExplorer.charts).length === 3")
        providers = await page.evaluate("hubExplorer.charts['chart-providers'].data.labels")
        assert providers[0] == "Yunhe Cloud Systems"
        years = await page.evaluate("hubExplorer.charts['chart-partnerships'].data.labels")
        assert years == sorted(years) and len(years) >= 5
        painted = await page.evaluate(
            """() => { const c = document.getElementById('chart-concentration');
                 const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 let n = 0; for (let i = 3; i < px.length; i += 4) if (px[i]) n++; return n; }"""
        )
        assert painted > 1000  # pixels drawn on the chart's canvas

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "explorer.png"))
    await page.close()
    assert errors == []


async def test_a_wrong_key_is_refused_on_the_page(
    seeded: Database, test_settings: Settings, browser: Browser
) -> None:
    page = await browser.new_page()
    async with live(test_settings, seeded) as url:
        await page.goto(f"{url}/explorer/")
        await page.fill("#api-key", "hub_nope_nope")
        await page.click("#credentials button")
        alert = page.locator("#error")
        await alert.wait_for(state="visible")
        assert "API key" in (await alert.text_content() or "")
        assert await page.is_disabled("#search")
    await page.close()
