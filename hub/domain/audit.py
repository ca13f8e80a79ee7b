"""The audit trail of changes: who did what, for which organisation, with what input and outcome.

The GraphQL layer opens a draft for each mutation (`begin`); the first write transaction the
mutation's service runs writes the draft as ALLOWED in that same transaction, so the change and
its record land together or not at all. A refused mutation (policy, input, lifecycle) rolled
back whatever it began, so its REFUSED record is written on its own; so is the FAILED record of
a mutation that failed unexpectedly (a bug, a database error), after its transaction rolled back.
"""

from __future__ import annotations

import json
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from hub.domain.principal import Principal

_SECRET = re.compile(r"(?i)password|secret|token|apikey|api_key|credential")


@dataclass
class AuditDraft:
    principal: Principal
    operation: str
    input: str
    written: bool = False
    errors: list[str] = field(default_factory=list)
    idempotency_key: str | None = None  # the Idempotency-Key the mutation was sent with
    replayed: bool = False  # the key's first result was returned; this request changed nothing

    def row(self, outcome: str) -> dict[str, Any]:
        return {
            "subject": self.principal.subject,
            "role": self.principal.role.value,
            "organisationId": self.principal.organisation_id,
            "operation": self.operation,
            "input": self.input,
            "outcome": outcome,
            "errors": self.errors,
            "idempotencyKey": self.idempotency_key,
            "replayed": self.replayed,
        }


CURRENT: ContextVar[AuditDraft | None] = ContextVar("hub_audit_draft", default=None)


def redacted(value: Any) -> Any:
    """The value with every field that looks like a secret replaced."""
    if isinstance(value, dict):
        return {k: "[redacted]" if _SECRET.search(str(k)) else redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redacted(v) for v in value]
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def serialise(arguments: dict[str, Any]) -> str:
    """The arguments as JSON text that Neo4j can store: an unpaired surrogate (which UTF-8 cannot
    encode) is written as its `\\uXXXX` escape, which is valid JSON for the same string."""
    text = json.dumps(redacted(arguments), default=str, sort_keys=True, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
