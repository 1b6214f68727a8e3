"""Executes BXML documents that applications answer callbacks with."""

from __future__ import annotations

from bwconsole.sandbox.voice.engine import CallEngine

__all__ = ["run"]


async def run(engine: CallEngine, call_id: str, text: str) -> None:
    """Run a BXML document on a call (placeholder until the parser lands)."""
    engine.live(call_id).bxml = True
