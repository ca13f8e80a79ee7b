"""The node types' property fields, made from the declarative model (hub/model/graph.py).

`@model_fields(props)` goes under `@strawberry.type` (or `@strawberry.interface`): before
Strawberry reads the class it adds one field for each property the class does not declare itself,
in the model's order, with the model's GraphQL type, nullability and description. So a property
declared in the model is a field of the standard executor's type, spelled exactly as the compiled
path spells it. A class keeps hand-written only the fields with the project's own logic
(`Partnership.terms` behind its visibility rule, relationship fields through the data loaders).

`from_props` then builds such an object from a node's property map, reading each property the
way the compiled statement does (the model's default when absent, enums by name, dates).

`@model_inputs(props)` does the same for an input (`@strawberry.input`): one field per property
callers write (the model's `write`), and `values` reads the given ones back by field name, for
the command.
"""

from __future__ import annotations

import copy
import inspect
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any, TypeVar

import strawberry

from hub.graphql.enums import DOMAIN_ENUMS
from hub.graphql.relay import to_global_id
from hub.model.types import Kind, NodeType, Prop

T = TypeVar("T")

_SCALARS: dict[Kind, Any] = {
    Kind.ID: strawberry.ID,
    Kind.STRING: str,
    Kind.INT: int,
    Kind.FLOAT: float,
    Kind.DATE: date,
    Kind.STRINGS: list[str],
}

# The props each decorated class added, so `from_props` fills exactly those.
_ADDED: dict[type[Any], tuple[Prop, ...]] = {}
# The props each decorated input class added, so `values` reads exactly those.
_INPUTS: dict[type[Any], tuple[Prop, ...]] = {}


def python_name(prop: Prop) -> str:
    """The attribute of a GraphQL field: `homeCountry` -> `home_country`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", prop.name).lower()


def annotation(prop: Prop) -> Any:
    """The Python type Strawberry turns into the field's GraphQL type."""
    if prop.kind is Kind.ENUM:
        if prop.enum not in DOMAIN_ENUMS:
            raise ValueError(f"{prop.name}: enum {prop.enum!r} is not one of the API's enums")
        base: Any = DOMAIN_ENUMS[prop.enum]
    else:
        base = _SCALARS[prop.kind]
    return base if prop.required else base | None


def _declared(cls: type[Any]) -> set[str]:
    """Attributes the class or its bases declare: fields, resolvers, private values."""
    names: set[str] = set()
    for klass in cls.__mro__:
        names |= set(inspect.get_annotations(klass)) | set(vars(klass))
    return names


def model_fields(props: Iterable[Prop]) -> Callable[[type[T]], type[T]]:
    """Adds a Strawberry field to the class for each of `props` it lacks (see the module)."""

    def add(cls: type[T]) -> type[T]:
        declared = _declared(cls)
        added = tuple(p for p in props if python_name(p) not in declared)
        own = inspect.get_annotations(cls)
        # The model's fields first, in its order; Strawberry lists resolvers after them.
        cls.__annotations__ = {**{python_name(p): annotation(p) for p in added}, **own}
        for prop in added:
            setattr(cls, python_name(prop), strawberry.field(name=prop.name, description=prop.description))
        _ADDED[cls] = added
        return cls

    return add


def model_inputs(props: Iterable[Prop], *, changes: bool = False) -> Callable[[type[T]], type[T]]:
    """Adds a Strawberry input field to the class for each of `props` it lacks, after its own:
    the model's type, required when the model requires the property and gives no default
    (`changes`: every field optional, as an update leaves out what stays). `values` reads them
    back, by field name."""

    def add(cls: type[T]) -> type[T]:
        declared = _declared(cls)
        added = tuple(p for p in props if python_name(p) not in declared)
        own = inspect.get_annotations(cls)
        types: dict[str, Any] = {}
        for prop in added:
            base = annotation(replace(prop, required=True))
            name = python_name(prop)
            if changes or not prop.required:
                types[name] = base | None
                setattr(
                    cls, name, strawberry.field(name=prop.name, default=None, description=prop.description)
                )
            elif prop.default is not None:
                types[name] = base
                default = json.loads(prop.default)
                field = strawberry.field(
                    name=prop.name,
                    default_factory=lambda d=default: copy.deepcopy(d),
                    description=prop.description,
                )
                setattr(cls, name, field)
            else:
                types[name] = base
                setattr(cls, name, strawberry.field(name=prop.name, description=prop.description))
        cls.__annotations__ = {**own, **types}
        _INPUTS[cls] = added
        return cls

    return add


def values(input: Any) -> dict[str, Any]:
    """The model's fields of a `@model_inputs` object that were given, by GraphQL field name."""
    return {
        prop.name: value
        for prop in _INPUTS[type(input)]
        if (value := getattr(input, python_name(prop))) is not None
    }


def _value(prop: Prop, value: Any) -> Any:
    if value is None:
        # The model's default is a Cypher literal; those it uses ([], numbers) read as JSON.
        return None if prop.default is None else json.loads(prop.default)
    if hasattr(value, "to_native"):
        value = value.to_native()
    if prop.kind is Kind.DATE and isinstance(value, str):  # a record replayed from JSON
        return date.fromisoformat(value)
    if prop.kind is Kind.ENUM and prop.enum is not None:
        return DOMAIN_ENUMS[prop.enum](value)
    if prop.kind is Kind.STRINGS:
        return list(value)
    return value


def from_props(cls: type[T], node_type: NodeType, props: Mapping[str, Any], **own: Any) -> T:
    """An object of the decorated `cls` for a node of `node_type` from its property map;
    `own` gives the class's own (hand-written) attributes."""
    key = props["id"]
    values: dict[str, Any] = {"id": strawberry.ID(to_global_id(node_type.name, key)), "key": key}
    for klass in cls.__mro__:
        for prop in _ADDED.get(klass, ()):
            values.setdefault(python_name(prop), _value(prop, props.get(prop.prop)))
    return cls(**values, **own)
