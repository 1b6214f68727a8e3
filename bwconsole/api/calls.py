"""Calls: create, control, play audio, DTMF, gathers and a call's history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bwconsole.api._audio import audio_body
from bwconsole.api._base import seg
from bwconsole.api._listing import Listing
from bwconsole.api._resource import Resource
from bwconsole.api._wire import WireModel, wire_dict, wire_keys
from bwconsole.api.models import (
    Audio,
    Call,
    CallEvent,
    Gather,
    GatherPrompt,
    Recording,
    Transcription,
    last_segment,
)

__all__ = ["CallsApi"]


class CallsApi(Resource):
    """``/users/{userId}/calls``."""

    def _path(self, call_id: str, tail: str = "") -> str:
        return f"{self._user}/calls/{seg(call_id)}{tail}"

    def list(
        self,
        *,
        bridge_id: str | None = None,
        conference_id: str | None = None,
        from_: str | None = None,
        to: str | None = None,
        sort_order: str | None = None,
        page: int | None = None,
        size: int | None = None,
    ) -> Listing[Call]:
        """List calls, newest first by default; with a bridge or conference filter it is one page."""
        params = wire_dict(
            bridge_id=bridge_id,
            conference_id=conference_id,
            from_=from_,
            to=to,
            sort_order=sort_order,
            page=page,
            size=size,
        )
        paged = bridge_id is None and conference_id is None
        return self._listing(Call, f"{self._user}/calls", params, paged=paged)

    async def create(
        self,
        *,
        from_: str,
        to: str,
        call_timeout: int | None = None,
        callback_url: str | None = None,
        callback_timeout: int | None = None,
        callback_http_method: str | None = None,
        fallback_url: str | None = None,
        bridge_id: str | None = None,
        conference_id: str | None = None,
        recording_enabled: bool | None = None,
        recording_max_duration: int | None = None,
        recording_file_format: str | None = None,
        transcription_enabled: bool | None = None,
        tag: str | None = None,
        sip_headers: Mapping[str, str] | None = None,
    ) -> str:
        """Place an outbound call. Never retried on a server error (it may ring twice).

        Returns:
            The new call id.
        """
        body = wire_dict(
            from_=from_,
            to=to,
            call_timeout=call_timeout,
            callback_url=callback_url,
            callback_timeout=callback_timeout,
            callback_http_method=callback_http_method,
            fallback_url=fallback_url,
            bridge_id=bridge_id,
            conference_id=conference_id,
            recording_enabled=recording_enabled,
            recording_max_duration=recording_max_duration,
            recording_file_format=recording_file_format,
            transcription_enabled=transcription_enabled,
            tag=tag,
            sip_headers=sip_headers,
        )
        return await self._engine.create(f"{self._user}/calls", body)

    async def get(self, call_id: str) -> Call:
        """Fetch one call, active or finished."""
        return await self._get(Call, self._path(call_id))

    async def update(self, call_id: str, **fields: Any) -> None:
        """POST a partial update (``state=``, ``recording_enabled=``, ``recording_file_format=``...)."""
        await self._engine.post(self._path(call_id), wire_dict(**fields))

    async def answer(self, call_id: str) -> None:
        """Answer an incoming call (``state: active``)."""
        await self.update(call_id, state="active")

    async def reject(self, call_id: str) -> None:
        """Reject an incoming call (``state: rejected``)."""
        await self.update(call_id, state="rejected")

    async def hang_up(self, call_id: str) -> None:
        """End the call (``state: completed``)."""
        await self.update(call_id, state="completed")

    async def transfer(
        self,
        call_id: str,
        *,
        transfer_to: str,
        transfer_caller_id: str | None = None,
        whisper_audio: Audio | Mapping[str, Any] | None = None,
        callback_url: str | None = None,
        diversion_treatment: str | None = None,
        diversion_reason: str | None = None,
        recording_enabled: bool | None = None,
        recording_file_format: str | None = None,
    ) -> str | None:
        """Transfer an active call to another number or SIP URI.

        Returns:
            The id of the new call leg from the ``Location`` header, or ``None``
            when the server sends none (the docs show no response).
        """
        body = wire_dict(
            state="transferring",
            transfer_to=transfer_to,
            transfer_caller_id=transfer_caller_id,
            whisper_audio=_nested(whisper_audio),
            callback_url=callback_url,
            diversion_treatment=diversion_treatment,
            diversion_reason=diversion_reason,
            recording_enabled=recording_enabled,
            recording_file_format=recording_file_format,
        )
        response = await self._engine.post(self._path(call_id), body)
        return last_segment(response.headers.get("Location"))

    async def play_audio(
        self,
        call_id: str,
        *,
        file_url: str | None = None,
        sentence: str | None = None,
        gender: str | None = None,
        locale: str | None = None,
        voice: str | None = None,
        loop_enabled: bool | None = None,
        tag: str | None = None,
        volume: int | None = None,
    ) -> None:
        """Play a WAV/MP3 URL or speak a sentence into the call."""
        body = audio_body(
            file_url=file_url,
            sentence=sentence,
            gender=gender,
            locale=locale,
            voice=voice,
            loop_enabled=loop_enabled,
            tag=tag,
            volume=volume,
        )
        await self._engine.post(self._path(call_id, "/audio"), body)

    async def stop_audio(self, call_id: str) -> None:
        """Stop what is playing (an empty ``fileUrl``, as documented)."""
        await self._engine.post(self._path(call_id, "/audio"), {"fileUrl": ""})

    async def send_dtmf(self, call_id: str, dtmf_out: str) -> None:
        """Send keypad tones (``[A-D0-9#*,wW]+``, at most 92)."""
        await self._engine.post(self._path(call_id, "/dtmf"), {"dtmfOut": dtmf_out})

    def list_events(self, call_id: str) -> Listing[CallEvent]:
        """The call's event history (not paged)."""
        return self._listing(CallEvent, self._path(call_id, "/events"), {}, paged=False)

    async def get_event(self, call_id: str, event_id: str) -> CallEvent:
        """Fetch one call event."""
        return await self._get(CallEvent, self._path(call_id, f"/events/{seg(event_id)}"))

    def list_recordings(self, call_id: str) -> Listing[Recording]:
        """Recordings made on the call (not paged)."""
        return self._listing(Recording, self._path(call_id, "/recordings"), {}, paged=False)

    def list_transcriptions(self, call_id: str) -> Listing[Transcription]:
        """Transcriptions of the call's recordings (not paged)."""
        return self._listing(Transcription, self._path(call_id, "/transcriptions"), {}, paged=False)

    async def create_gather(
        self,
        call_id: str,
        *,
        max_digits: int | None = None,
        inter_digit_timeout: int | None = None,
        terminating_digits: str | None = None,
        tag: str | None = None,
        prompt: GatherPrompt | Mapping[str, Any] | None = None,
    ) -> str:
        """Start collecting digits; the result arrives as a ``gather`` event.

        Returns:
            The gather id.
        """
        body = wire_dict(
            max_digits=max_digits,
            inter_digit_timeout=inter_digit_timeout,
            terminating_digits=terminating_digits,
            tag=tag,
            prompt=_nested(prompt),
        )
        return await self._engine.create(self._path(call_id, "/gather"), body)

    async def get_gather(self, call_id: str, gather_id: str) -> Gather:
        """Fetch a gather's state and digits."""
        return await self._get(Gather, self._path(call_id, f"/gather/{seg(gather_id)}"))

    async def stop_gather(self, call_id: str, gather_id: str) -> None:
        """Stop a gather (the only allowed body is ``{"state": "completed"}``)."""
        await self._engine.post(
            self._path(call_id, f"/gather/{seg(gather_id)}"), {"state": "completed"}
        )


def _nested(value: WireModel | Mapping[str, Any] | None) -> Any:
    """Accept a model or a plain dict (snake_case or wire keys) for a nested body."""
    if value is None or isinstance(value, WireModel):
        return value
    return wire_keys(value)
