"""Cell and header formatters: what the user reads for times and money."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bwconsole.tui.formatting import duration_ms, epoch, money


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("538.37250000", "538.37"),  # the API's eight decimals, shown as cents
        ("996.6775", "996.68"),
        ("996.77000", "996.77"),
        ("12345.5", "12,345.50"),
        (0, "0.00"),
        ("", ""),
        (None, ""),
        ("unknown", "unknown"),
    ],
)
def test_balance_is_shown_as_money(given: object, shown: str) -> None:
    assert money(given) == shown


def test_epoch_reads_api_times_and_rejects_garbage() -> None:
    moment = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert epoch("2026-11-27T10:00:00Z") == moment.timestamp()
    assert epoch(moment) == moment.timestamp()
    assert epoch("yesterday") is None
    assert epoch(None) is None


def test_durations_switch_to_seconds_past_one_second() -> None:
    assert duration_ms(85) == "85 ms"
    assert duration_ms(1234) == "1.2 s"
