"""Checks on values that callers send, collected as FieldErrors so every problem is told at once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pycountry

from hub.domain.text import refused_character
from hub.errors import FieldError, UserInputError

MAX_NAME = 200
MAX_TEXT = 4000


class Checks:
    """Collects field errors; `raise_if_any` refuses the whole input when one was found."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, field: str, message: str, code: str = "INVALID") -> None:
        self.errors.append(FieldError(field, message, code))

    def name(self, field: str, value: str | None, *, required: bool = True) -> None:
        if value is None:
            if required:
                self.fail(field, "is required", "REQUIRED")
            return
        if not value.strip():
            self.fail(field, "must not be blank", "REQUIRED")
        elif len(value) > MAX_NAME:
            self.fail(field, f"must be at most {MAX_NAME} characters (got {len(value)})", "TOO_LONG")
        else:
            self.characters(field, value, multiline=False)

    def names(self, field: str, values: Iterable[str] | None) -> None:
        """Each of a list of single-line values, e.g. licences, as `field.0`, `field.1`, ..."""
        for index, value in enumerate(values or ()):
            self.name(f"{field}.{index}", value)

    def text(self, field: str, value: str | None) -> None:
        """Free text that may run over several lines (descriptions, terms)."""
        if value is not None and len(value) > MAX_TEXT:
            self.fail(field, f"must be at most {MAX_TEXT} characters (got {len(value)})", "TOO_LONG")
        elif value is not None:
            self.characters(field, value, multiline=True)

    def characters(self, field: str, value: str | None, *, multiline: bool) -> None:
        """Control characters, unpaired surrogates and bidirectional overrides (hub/domain/text.py)."""
        problem = None if value is None else refused_character(value, multiline=multiline)
        if problem is not None:
            self.fail(field, problem, "INVALID_CHARACTER")

    def country(self, field: str, value: str | None) -> None:
        if value is None:
            return
        if len(value) != 2 or pycountry.countries.get(alpha_2=value.upper()) is None:
            self.fail(field, f"{value!r} is not an ISO 3166-1 alpha-2 country code", "INVALID_COUNTRY")
        elif value != value.upper():
            self.fail(field, f"country codes are upper case: use {value.upper()!r}", "INVALID_COUNTRY")

    def not_future(self, field: str, value: date | None, today: date) -> None:
        if value is not None and value > today:
            self.fail(field, f"{value.isoformat()} is in the future", "INVALID_DATE")

    def distinct(self, field: str, values: Iterable[str], suffix: str = "") -> None:
        """Each value once: a repeat is told once, at its first repetition (`field.3`, or
        `field.3.capabilityId` with `suffix` for a list of inputs)."""
        self.distinct_across([(field, values, suffix)])

    def distinct_across(self, lists: Iterable[tuple[str, Iterable[str], str]]) -> None:
        """Each value once over several lists (applicants and providers of one project): a
        repeat is told once, at its first repetition, naming the list and index it is at and
        where the value was first given."""
        first: dict[str, str] = {}
        told: set[str] = set()
        for field, values, suffix in lists:
            for index, value in enumerate(values):
                at = f"{field}.{index}{suffix}"
                if value not in first:
                    first[value] = at
                elif value not in told:
                    told.add(value)
                    self.fail(at, f"{value!r} is already listed at {first[value]}", "DUPLICATE")

    def count_between(self, field: str, values: list[str], low: int, high: int) -> None:
        if not low <= len(values) <= high:
            self.fail(field, f"needs between {low} and {high} entries (got {len(values)})", "COUNT")

    def raise_if_any(self) -> None:
        if self.errors:
            raise UserInputError(self.errors)
