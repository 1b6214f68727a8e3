"""Cell formatters shared by the panes: times, durations, money, flags."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

__all__ = ["clock_time", "date_time", "duration_ms", "epoch", "money", "yes_no"]


def clock_time(value: Any) -> str:
    """Show a moment as local HH:MM:SS (accepts datetime, epoch seconds or ISO 8601 text)."""
    return _local(value, "%H:%M:%S")


def date_time(value: Any) -> str:
    """Show a moment as local `YYYY-MM-DD HH:MM` (a column with room for a date, not an
    ISO stamp that runs off its edge)."""
    return _local(value, "%Y-%m-%d %H:%M")


def _local(value: Any, layout: str) -> str:
    if value is None or value == "":
        return ""
    moment: datetime
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, UTC)
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime(layout)


def duration_ms(value: Any) -> str:
    """Show milliseconds compactly: `85 ms`, `1.2 s`."""
    if value is None or value == "":
        return ""
    millis = float(value)
    return f"{millis:.0f} ms" if millis < 1000 else f"{millis / 1000:.1f} s"


def epoch(value: Any) -> float | None:
    """Turn an API or event time (ISO text or datetime) into epoch seconds, for sorting."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def money(value: Any) -> str:
    """Show an account balance: thousands grouped, always two decimals.

    The API sends the balance as text with eight decimals ("538.37250000"); the header
    shows cents (half up), so the figure keeps its width as charges land. Text that is
    not a number passes through unchanged.
    """
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():
        return str(value)
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def yes_no(value: Any) -> str:
    """Show a flag as yes/no (empty when unknown)."""
    if value is None or value == "":
        return ""
    return "yes" if value else "no"
