"""The model and the GraphQL schema describe the same graph: every field of every node type is
in the model (or named here as the executor's alone), with the same kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
    get_nullable_type,
)

from hub.graphql.schema import schema
from hub.model.graph import MODEL
from hub.model.types import Kind

SCHEMA = schema._schema

# Fields only the standard executor answers, and why.
EXECUTOR_ONLY = {
    ("Institution", "network"): "behind the CanAnalyseNetwork permission",
    ("TechEnterprise", "network"): "behind the CanAnalyseNetwork permission",
    ("SandboxProject", "invitations"): "seen by participants and invitees only, a rule not yet in the model",
}

SCALAR_KINDS = {"ID": Kind.ID, "String": Kind.STRING, "Int": Kind.INT, "Float": Kind.FLOAT, "Date": Kind.DATE}


def _kind(field_type: object) -> Kind:
    inner = get_nullable_type(field_type)  # type: ignore[call-overload]
    if isinstance(inner, GraphQLList):
        assert get_named_type(inner).name == "String"
        return Kind.STRINGS
    if isinstance(inner, GraphQLEnumType):
        return Kind.ENUM
    assert isinstance(inner, GraphQLScalarType), inner
    return SCALAR_KINDS[inner.name]


@pytest.mark.parametrize("node_type", MODEL.nodes, ids=lambda n: n.name)
def test_every_field_of_a_node_type_is_in_the_model(node_type: object) -> None:
    from hub.model.types import NodeType

    assert isinstance(node_type, NodeType)
    gql = SCHEMA.get_type(node_type.name)
    assert isinstance(gql, GraphQLObjectType)
    for name, field in gql.fields.items():
        if (node_type.name, name) in EXECUTOR_ONLY:
            continue
        prop, relation = node_type.prop(name), node_type.relation(name)
        assert prop is not None or relation is not None, f"{node_type.name}.{name} is not in the model"
        if prop is not None:
            assert _kind(field.type) is prop.kind, f"{node_type.name}.{name}"
        if relation is not None:
            target = get_named_type(field.type)
            if relation.connection:
                assert target.name.endswith("Connection"), f"{node_type.name}.{name}"
            elif relation.wrapper is not None:
                assert target.name == relation.wrapper.type_name
            else:
                assert target.name == relation.target, f"{node_type.name}.{name}"
    modelled = {p.name for p in node_type.props} | {r.name for r in node_type.relations}
    assert modelled <= set(gql.fields), f"the model has fields the schema lacks: {modelled - set(gql.fields)}"


def test_interfaces_and_roots_match_the_schema() -> None:
    for interface in MODEL.interfaces:
        gql = SCHEMA.get_type(interface.name)
        assert isinstance(gql, GraphQLInterfaceType)
        assert {t.name for t in SCHEMA.get_possible_types(gql)} == set(interface.members)
    query = SCHEMA.query_type
    assert query is not None
    for root in MODEL.roots:
        field = query.fields[root.name]
        assert get_named_type(field.type).name == f"{root.type_name}Connection"
        if root.ordering.argument is not None:
            order = get_named_type(field.args[root.ordering.argument].type)
            fields = order.fields["field"].type  # type: ignore[union-attr]
            assert set(get_named_type(fields).values) == set(root.ordering.keys)  # type: ignore[union-attr]


def test_the_registries_name_the_models_node_types() -> None:
    from hub.db.mapping import NODE_MODELS
    from hub.db.repositories.exploration import FRONTIER_PARAMS
    from hub.db.repositories.lookups import BY_ID
    from hub.graphql.nodes import NODE_TYPES as GRAPHQL_NODE_TYPES

    names = {n.name for n in MODEL.nodes}
    assert set(NODE_MODELS) == set(BY_ID) == set(GRAPHQL_NODE_TYPES) == names
    labels = {n.label for n in MODEL.nodes if n.name not in {"Institution", "TechEnterprise"}}
    assert set(FRONTIER_PARAMS) == labels | {"Organisation"}


def test_the_loaders_read_every_relationship_of_the_model() -> None:
    """The executor's loaders' registries are made from the model: each relationship of a node
    type is there, under the type or the labelled interface whose members all have it."""
    from hub.db.repositories.relations import LISTED, PAGED

    def key(type_name: str, field: str) -> str:
        return type_name[0].lower() + type_name[1:] + "." + field

    for node_type in MODEL.nodes:
        for relation in node_type.relations:
            registry: dict[str, object] = dict(PAGED if relation.connection else LISTED)
            owners = [node_type.name] + [i.name for i in MODEL.interfaces if node_type.name in i.members]
            assert any(key(owner, relation.name) in registry for owner in owners), (
                f"{node_type.name}.{relation.name} has no loader"
            )


def _indexes() -> set[tuple[str, str]]:
    """(label, property) of every one-property index or uniqueness constraint of the schema."""
    text = (Path(__file__).parents[2] / "schema" / "constraints.cypher").read_text()
    found = re.findall(r"FOR \(n:(\w+)\) (?:ON \(n\.(\w+)\)|REQUIRE n\.(\w+) IS UNIQUE)", text)
    return {(label, on or unique) for label, on, unique in found}


def test_an_ordering_read_from_an_index_has_one_on_every_root_using_it() -> None:
    # A dense start reads the ordering's index instead of its node (types.Dense): without the
    # index the hint fails every such request; on a key a node may lack, the index leaves it out.
    indexes = _indexes()
    for root in MODEL.roots:
        label = MODEL.node(root.type_name).label
        props = {p.prop: p for p in MODEL.node(root.type_name).props}
        for field_name, prop in root.ordering.indexed.items():
            assert root.ordering.keys[field_name] == "{n}." + prop, (root.name, field_name)
            assert (label, prop) in indexes, (root.name, label, prop)
            assert props[prop].required, (root.name, prop)
