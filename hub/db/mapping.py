"""Between Neo4j property maps (camelCase, neo4j.time values) and the domain's dataclasses."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from hub.domain import models
from hub.model.graph import MODEL

T = TypeVar("T")
EXTRA = "extra"  # the field of a node's record that carries the model's other properties


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


@functools.cache
def _field_kinds(cls: Any) -> tuple[tuple[str, str, Any, bool], ...]:
    """(field, property key, type, has a default) for each field of a record class."""
    hints = typing.get_type_hints(cls)
    kinds = []
    for field in dataclasses.fields(cls):
        hint = hints[field.name]
        if isinstance(hint, types.UnionType):  # `X | None`
            hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        has_default = (
            field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
        )
        kinds.append((field.name, camel(field.name), hint, has_default))
    return tuple(kinds)


def _native(value: Any, hint: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if typing.get_origin(hint) is tuple:
        return tuple(value)
    return value


@functools.cache
def _extra_keys(cls: Any) -> tuple[str, ...]:
    """The properties the model gives the node type of a record class beyond its fields."""
    names = [name for name, model in NODE_MODELS.items() if model is cls]
    if not names:
        return ()
    fields = {key for _, key, _, _ in _field_kinds(cls)}
    return tuple(p.prop for p in MODEL.node(names[0]).props if p.prop not in fields)


def from_props(cls: type[T], props: dict[str, Any]) -> T:
    """A domain record from a node's property map; an absent property is None or its default.
    The model's other properties of the node go into the record's `extra`."""
    record_class = typing.cast(Any, cls)
    values = {
        name: _native(props.get(key), hint)
        for name, key, hint, has_default in _field_kinds(record_class)
        if key != EXTRA and (key in props or not has_default)
    }
    extra = {
        key: _native(props[key], None) for key in _extra_keys(record_class) if props.get(key) is not None
    }
    if extra:
        values[EXTRA] = extra
    return cls(**values)


def stored(value: Any) -> Any:
    """A value as a node property holds it: enums by name (their value), lists for tuples."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


def to_props(record: Any) -> dict[str, Any]:
    """A node property map from a domain record: camelCase keys, enums as strings, lists, and
    the properties the record carries in `extra`."""
    props: dict[str, Any] = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if field.name == EXTRA:
            props.update(value)
            continue
        props[camel(field.name)] = stored(value)
    return props


ORGANISATION_TYPES: dict[str, type[models.Institution] | type[models.TechEnterprise]] = {
    "Institution": models.Institution,
    "TechEnterprise": models.TechEnterprise,
}


def organisation(props: dict[str, Any]) -> models.Organisation:
    """An Institution or TechEnterprise from a map carrying its label in `__type`."""
    cls = ORGANISATION_TYPES[props["__type"]]
    return from_props(cls, props)


def as_date(value: Any) -> date | None:
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    assert isinstance(native, date)
    return native


NODE_MODELS: dict[str, type[Any]] = {
    **ORGANISATION_TYPES,
    "Capability": models.Capability,
    "Partnership": models.Partnership,
    "SandboxBatch": models.SandboxBatch,
    "SandboxProject": models.SandboxProject,
    "Zone": models.Zone,
    "Award": models.Award,
}


def node_record(props: dict[str, Any]) -> Any:
    """The domain record of any node, from a map carrying its label in `__type`."""
    return from_props(NODE_MODELS[props["__type"]], props)
