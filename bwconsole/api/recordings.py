"""Call recordings and their transcriptions."""

from __future__ import annotations

from bwconsole.api._base import seg
from bwconsole.api._listing import Listing
from bwconsole.api._resource import Resource
from bwconsole.api._wire import wire_dict
from bwconsole.api.models import Recording, Transcription

__all__ = ["RecordingsApi", "TranscriptionsApi"]


class RecordingsApi(Resource):
    """``/users/{userId}/recordings`` (the audio itself is under /media)."""

    def list(self, *, page: int | None = None, size: int | None = None) -> Listing[Recording]:
        """All recordings, page by page."""
        return self._listing(Recording, f"{self._user}/recordings", wire_dict(page=page, size=size))

    async def get(self, recording_id: str) -> Recording:
        """Fetch one recording."""
        return await self._get(Recording, f"{self._user}/recordings/{seg(recording_id)}")


class TranscriptionsApi(Resource):
    """``/users/{userId}/recordings/{recordingId}/transcriptions``."""

    def _path(self, recording_id: str) -> str:
        return f"{self._user}/recordings/{seg(recording_id)}/transcriptions"

    async def create(self, recording_id: str) -> str:
        """Start transcribing a ``complete`` recording. Returns the transcription id."""
        return await self._engine.create(self._path(recording_id), {})

    def list(self, recording_id: str) -> Listing[Transcription]:
        """Transcriptions of one recording (not paged)."""
        return self._listing(Transcription, self._path(recording_id), {}, paged=False)

    async def get(self, recording_id: str, transcription_id: str) -> Transcription:
        """Fetch one transcription (``text`` is cropped; the full text is at ``text_url``)."""
        return await self._get(Transcription, f"{self._path(recording_id)}/{seg(transcription_id)}")
