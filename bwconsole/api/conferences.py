"""Conferences and their members (no list operation exists in v1)."""

from __future__ import annotations

from bwconsole.api._audio import audio_body
from bwconsole.api._base import seg
from bwconsole.api._listing import Listing
from bwconsole.api._resource import Resource
from bwconsole.api._wire import wire_dict
from bwconsole.api.models import Conference, ConferenceMember

__all__ = ["ConferencesApi"]


class ConferencesApi(Resource):
    """``/users/{userId}/conferences``."""

    def _path(self, conference_id: str, tail: str = "") -> str:
        return f"{self._user}/conferences/{seg(conference_id)}{tail}"

    async def create(
        self,
        *,
        from_: str,
        callback_url: str | None = None,
        callback_http_method: str | None = None,
        callback_timeout: int | None = None,
        fallback_url: str | None = None,
        profile: str | None = None,
        tag: str | None = None,
    ) -> str:
        """Create an empty conference. Returns its id."""
        body = wire_dict(
            from_=from_,
            callback_url=callback_url,
            callback_http_method=callback_http_method,
            callback_timeout=callback_timeout,
            fallback_url=fallback_url,
            profile=profile,
            tag=tag,
        )
        return await self._engine.create(f"{self._user}/conferences", body)

    async def get(self, conference_id: str) -> Conference:
        """Fetch one conference."""
        return await self._get(Conference, self._path(conference_id))

    async def update(
        self,
        conference_id: str,
        *,
        state: str | None = None,
        mute: bool | None = None,
        hold: bool | None = None,
        callback_url: str | None = None,
        callback_http_method: str | None = None,
        callback_timeout: int | None = None,
        fallback_url: str | None = None,
        tag: str | None = None,
    ) -> None:
        """Change the conference; ``state="completed"`` ends it for everyone."""
        body = wire_dict(
            state=state,
            mute=mute,
            hold=hold,
            callback_url=callback_url,
            callback_http_method=callback_http_method,
            callback_timeout=callback_timeout,
            fallback_url=fallback_url,
            tag=tag,
        )
        await self._engine.post(self._path(conference_id), body)

    async def play_audio(
        self,
        conference_id: str,
        *,
        file_url: str | None = None,
        sentence: str | None = None,
        gender: str | None = None,
        locale: str | None = None,
        voice: str | None = None,
        loop_enabled: bool | None = None,
        tag: str | None = None,
    ) -> None:
        """Play a file or speak a sentence to every member; ``""`` stops."""
        body = audio_body(
            file_url=file_url,
            sentence=sentence,
            gender=gender,
            locale=locale,
            voice=voice,
            loop_enabled=loop_enabled,
            tag=tag,
        )
        await self._engine.post(self._path(conference_id, "/audio"), body)

    async def add_member(
        self,
        conference_id: str,
        *,
        call_id: str,
        join_tone: bool | None = None,
        leaving_tone: bool | None = None,
        mute: bool | None = None,
        hold: bool | None = None,
    ) -> str:
        """Add an active call created with this ``conferenceId``. Returns the member id."""
        body = wire_dict(
            call_id=call_id, join_tone=join_tone, leaving_tone=leaving_tone, mute=mute, hold=hold
        )
        return await self._engine.create(self._path(conference_id, "/members"), body)

    def list_members(self, conference_id: str) -> Listing[ConferenceMember]:
        """All members, removed ones included as ``completed`` (not paged)."""
        return self._listing(
            ConferenceMember, self._path(conference_id, "/members"), {}, paged=False
        )

    async def get_member(self, conference_id: str, member_id: str) -> ConferenceMember:
        """Fetch one member."""
        return await self._get(
            ConferenceMember, self._path(conference_id, f"/members/{seg(member_id)}")
        )

    async def update_member(
        self,
        conference_id: str,
        member_id: str,
        *,
        state: str | None = None,
        join_tone: bool | None = None,
        leaving_tone: bool | None = None,
        mute: bool | None = None,
        hold: bool | None = None,
    ) -> None:
        """Mute, hold or remove (``state="completed"``) one member."""
        body = wire_dict(
            state=state, join_tone=join_tone, leaving_tone=leaving_tone, mute=mute, hold=hold
        )
        await self._engine.post(self._path(conference_id, f"/members/{seg(member_id)}"), body)

    async def play_audio_to_member(
        self,
        conference_id: str,
        member_id: str,
        *,
        file_url: str | None = None,
        sentence: str | None = None,
        gender: str | None = None,
        locale: str | None = None,
        voice: str | None = None,
        loop_enabled: bool | None = None,
        tag: str | None = None,
    ) -> None:
        """Play a file or speak a sentence to one member only."""
        body = audio_body(
            file_url=file_url,
            sentence=sentence,
            gender=gender,
            locale=locale,
            voice=voice,
            loop_enabled=loop_enabled,
            tag=tag,
        )
        await self._engine.post(self._path(conference_id, f"/members/{seg(member_id)}/audio"), body)
