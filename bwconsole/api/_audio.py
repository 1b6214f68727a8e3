"""The audio body shared by calls, bridges, conferences and members."""

from __future__ import annotations

from typing import Any

from bwconsole.api._wire import wire_dict

__all__ = ["audio_body"]


def audio_body(
    *,
    file_url: str | None = None,
    sentence: str | None = None,
    gender: str | None = None,
    locale: str | None = None,
    voice: str | None = None,
    loop_enabled: bool | None = None,
    tag: str | None = None,
    volume: int | None = None,
) -> dict[str, Any]:
    """Build a play-audio body; an empty ``file_url`` or ``sentence`` stops playback."""
    return wire_dict(
        file_url=file_url,
        sentence=sentence,
        gender=gender,
        locale=locale,
        voice=voice,
        loop_enabled=loop_enabled,
        tag=tag,
        volume=volume,
    )
