"""Wire spellings shared by the event models and the parser: names and timestamps."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["format_time", "parse_time", "wire_name"]


def wire_name(attribute: str) -> str:
    """The camelCase wire name of a snake_case attribute (`from_` is `from`)."""
    head, *rest = attribute.rstrip("_").split("_")
    return head + "".join(part.capitalize() for part in rest)


def format_time(value: datetime) -> str:
    """ISO 8601 as the examples write it: UTC with `Z` and milliseconds, else with its offset."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    spec = "milliseconds" if value.microsecond else "seconds"
    text = value.isoformat(timespec=spec)
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def parse_time(value: object) -> datetime:
    """A documented timestamp: ISO 8601 with `Z`, `-02:00` or `-03` offsets, or epoch ms.

    Raises:
        ValueError: not a timestamp.
        TypeError: neither a string nor a number.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(f"expected a timestamp, got {type(value).__name__}")
    if isinstance(value, str) and not value.strip().isdigit():
        parsed = datetime.fromisoformat(value.strip())
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.fromtimestamp(int(value) / 1000, UTC)
