"""Today's date, injectable so tests can fix it."""

from collections.abc import Callable
from datetime import date

Today = Callable[[], date]


def system_today() -> date:
    return date.today()
