"""The peer's type definitions (bench/peer/typeDefs.graphql, for @neo4j/graphql) against the model.

The peer serves only the node types the benchmark reads; of those it must have every property
field of the model with the same type, so both sides of the comparison answer the same fields.
An enum is a String there (the peer has no enums of its own).
"""

from __future__ import annotations

from pathlib import Path

from graphql import ListTypeNode, NamedTypeNode, NonNullTypeNode, ObjectTypeDefinitionNode, TypeNode, parse

from hub.model.types import Kind, Model

TYPE_DEFS = Path(__file__).resolve().parents[2] / "bench" / "peer" / "typeDefs.graphql"

# Model fields the peer leaves out on purpose, and why.
LEFT_OUT = {
    ("Partnership", "terms"): "visible to parties only, a rule the peer does not have; no operation reads it",
    ("Zone", "district"): "no benchmark operation reads it",
    ("Zone", "description"): "no benchmark operation reads it",
}

_PEER_TYPES = {
    Kind.ID: "ID",
    Kind.STRING: "String",
    Kind.INT: "Int",
    Kind.FLOAT: "Float",
    Kind.DATE: "Date",
    Kind.ENUM: "String",
    Kind.STRINGS: "[String]",
}


def _spelled(node: TypeNode) -> str:
    """A field's type without its non-null marks: `String`, `[String]`."""
    if isinstance(node, NonNullTypeNode):
        return _spelled(node.type)
    if isinstance(node, ListTypeNode):
        return f"[{_spelled(node.type)}]"
    assert isinstance(node, NamedTypeNode)
    return node.name.value


def peer_fields(text: str) -> dict[str, dict[str, str]]:
    """Each object type of the type definitions with its fields' types."""
    return {
        d.name.value: {f.name.value: _spelled(f.type) for f in d.fields or ()}
        for d in parse(text).definitions
        if isinstance(d, ObjectTypeDefinitionNode)
    }


def differences(model: Model, text: str) -> list[str]:
    """What the peer lacks or types otherwise, one line per field, naming it."""
    peer = peer_fields(text)
    found = []
    for node_type in model.nodes:
        fields = peer.get(node_type.name)
        if fields is None:
            continue
        for prop in node_type.props:
            if (node_type.name, prop.name) in LEFT_OUT:
                continue
            if prop.name not in fields:
                found.append(f"{node_type.name}.{prop.name} is in the model but not in {TYPE_DEFS.name}")
            elif fields[prop.name] != _PEER_TYPES[prop.kind]:
                found.append(
                    f"{node_type.name}.{prop.name} is {fields[prop.name]} in {TYPE_DEFS.name}, "
                    f"the model says {_PEER_TYPES[prop.kind]}"
                )
    return found
