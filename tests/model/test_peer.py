"""The benchmark's peer declares the model's property fields (see tests/model/peer.py)."""

from __future__ import annotations

from hub.model.graph import MODEL
from tests.model.peer import TYPE_DEFS, differences


def test_the_peer_has_every_property_field_of_the_model() -> None:
    assert differences(MODEL, TYPE_DEFS.read_text()) == []


def test_a_field_the_peer_lacks_is_named() -> None:
    text = (
        TYPE_DEFS.read_text()
        .replace("  employees: Int\n", "")
        .replace("  title: String!\n", "  title: Int\n")
    )
    assert differences(MODEL, text) == [
        "TechEnterprise.employees is in the model but not in typeDefs.graphql",
        "Partnership.title is Int in typeDefs.graphql, the model says String",
    ]
