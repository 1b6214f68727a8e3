"""Bridges: two calls with their audio joined."""

from __future__ import annotations

from collections.abc import Sequence

from bwconsole.api._audio import audio_body
from bwconsole.api._base import seg
from bwconsole.api._listing import Listing
from bwconsole.api._resource import Resource
from bwconsole.api._wire import wire_dict
from bwconsole.api.models import Bridge, Call

__all__ = ["BridgesApi"]


class BridgesApi(Resource):
    """``/users/{userId}/bridges``."""

    def list(self, *, page: int | None = None, size: int | None = None) -> Listing[Bridge]:
        """List bridges, page by page."""
        return self._listing(Bridge, f"{self._user}/bridges", wire_dict(page=page, size=size))

    async def create(
        self, *, call_ids: Sequence[str] | None = None, bridge_audio: bool | None = None
    ) -> str:
        """Create a bridge, empty or with up to two calls. Returns the bridge id."""
        body = wire_dict(
            call_ids=list(call_ids) if call_ids is not None else None, bridge_audio=bridge_audio
        )
        return await self._engine.create(f"{self._user}/bridges", body)

    async def get(self, bridge_id: str) -> Bridge:
        """Fetch one bridge."""
        return await self._get(Bridge, f"{self._user}/bridges/{seg(bridge_id)}")

    async def update(
        self,
        bridge_id: str,
        *,
        call_ids: Sequence[str] | None = None,
        bridge_audio: bool | None = None,
    ) -> None:
        """Replace the set of calls (``[]`` removes all) or hold/unhold (``bridge_audio``)."""
        body = wire_dict(
            call_ids=list(call_ids) if call_ids is not None else None, bridge_audio=bridge_audio
        )
        await self._engine.post(f"{self._user}/bridges/{seg(bridge_id)}", body)

    async def play_audio(
        self,
        bridge_id: str,
        *,
        file_url: str | None = None,
        sentence: str | None = None,
        gender: str | None = None,
        locale: str | None = None,
        voice: str | None = None,
    ) -> None:
        """Play a file or speak a sentence to both calls; ``""`` stops playback."""
        body = audio_body(
            file_url=file_url, sentence=sentence, gender=gender, locale=locale, voice=voice
        )
        await self._engine.post(f"{self._user}/bridges/{seg(bridge_id)}/audio", body)

    def list_calls(self, bridge_id: str) -> Listing[Call]:
        """The calls in the bridge (not paged)."""
        return self._listing(Call, f"{self._user}/bridges/{seg(bridge_id)}/calls", {}, paged=False)
