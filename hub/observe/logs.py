"""Log configuration for the hub and uvicorn: JSON lines in production, readable lines in
development (HUB_LOG_FORMAT overrides). The standard library's loggers are kept (`logging.getLogger`
everywhere); structlog only formats their records, adding the request id bound for the request."""

from __future__ import annotations

import asyncio
import logging.config
from enum import StrEnum
from typing import Any

import structlog


class LogFormat(StrEnum):
    JSON = "json"
    CONSOLE = "console"


class WithoutCancelledTracebacks(logging.Filter):
    """Drops uvicorn's "Exception in ASGI application" record for a request it cancelled itself
    (past the shutdown's grace period): a traceback of a cancellation says nothing, and the hub's
    access line already says which request was cut off (hub/observe/access.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.name.startswith("uvicorn")
            and record.exc_info is not None
            and isinstance(record.exc_info[1], asyncio.CancelledError)
        )


def log_config(log_format: LogFormat, level: str = "INFO") -> dict[str, Any]:
    """A dictConfig for the hub's, uvicorn's and every other logger; uvicorn applies it in each worker."""
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if log_format is LogFormat.JSON
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    final: list[Any] = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if log_format is LogFormat.JSON:
        final.append(structlog.processors.format_exc_info)  # a traceback stays inside its JSON line
    final.append(renderer)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "hub": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": final,
                "foreign_pre_chain": [
                    structlog.contextvars.merge_contextvars,
                    structlog.stdlib.add_log_level,
                    structlog.stdlib.add_logger_name,
                    # Which worker process wrote the line (several share one log with HUB_WORKERS > 1).
                    structlog.processors.CallsiteParameterAdder(
                        {structlog.processors.CallsiteParameter.PROCESS}
                    ),
                    structlog.stdlib.ExtraAdder(),
                    structlog.processors.TimeStamper(fmt="iso", utc=True),
                ],
            }
        },
        "filters": {"without_cancelled_tracebacks": {"()": WithoutCancelledTracebacks}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "hub",
                "stream": "ext://sys.stderr",
                "filters": ["without_cancelled_tracebacks"],
            }
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            "hub": {"level": level},
            "uvicorn": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.error": {"level": level, "handlers": [], "propagate": True},
            # The hub writes its own access line (hub/observe/access.py), with the request id.
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }


def configure_logging(log_format: LogFormat, level: str = "INFO") -> dict[str, Any]:
    config = log_config(log_format, level)
    logging.config.dictConfig(config)
    return config
