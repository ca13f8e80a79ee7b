"""Indefinite articles in messages."""

from __future__ import annotations

from hub.domain.wording import with_article


def test_articles() -> None:
    assert [with_article(w) for w in ("ANALYST", "ADMIN", "PARTNER", "REGULATOR")] == [
        "an ANALYST",
        "an ADMIN",
        "a PARTNER",
        "a REGULATOR",
    ]
    assert with_article("Institution") == "an Institution"
    assert with_article("TechEnterprise") == "a TechEnterprise"
    assert with_article("asset manager") == "an asset manager"
