"""Sandbox time: API time runs `time_scale` times faster than the wall clock.

Tests start the sandbox with `--time-scale 50` so a 30 s call takes 0.6 s,
while every timestamp and duration the API reports stays in API time.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self, time_scale: float = 1.0) -> None:
        if time_scale <= 0:
            raise ValueError("time scale must be positive")
        self.time_scale = time_scale
        self._origin_wall = datetime.now(UTC)
        self._origin_mono = time.monotonic()

    def now(self) -> datetime:
        """Current API time (UTC)."""
        elapsed = (time.monotonic() - self._origin_mono) * self.time_scale
        return self._origin_wall + timedelta(seconds=elapsed)

    def iso(self, moment: datetime | None = None) -> str:
        """An API timestamp such as `2013-02-08T13:15:47.587Z`."""
        moment = moment or self.now()
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    def epoch_ms(self) -> int:
        return int(self.now().timestamp() * 1000)

    async def sleep(self, api_seconds: float) -> None:
        """Wait `api_seconds` of API time."""
        await asyncio.sleep(max(0.0, api_seconds) / self.time_scale)
