"""The audio body shared by calls, bridges, conferences and members (SEMANTICS.md §10).

`parse_audio` validates a play/speak body the way every audio endpoint does, so
each route only says which optional fields it accepts; `audio_seconds` gives the
deterministic API-time length of what would be heard.
"""

from __future__ import annotations

from dataclasses import dataclass

from bwconsole.sandbox.faults import validation
from bwconsole.sandbox.web import Body

__all__ = [
    "GENDERS",
    "LOCALES",
    "VOICES",
    "AudioRequest",
    "StopAudio",
    "audio_seconds",
    "parse_audio",
]

MAX_SENTENCE = 1000
GENDERS = ("female", "male")
LOCALES = ("en_US", "en_UK", "es", "es_MX", "fr", "fr_FR", "de", "de_DE", "it", "it_IT")
#: Voice -> gender, from postCallsCallIdAudio.md and bxml/verbs/speakSentence.md.
VOICES = {
    "susan": "female",
    "julie": "female",
    "kate": "female",
    "bridget": "female",
    "katrin": "female",
    "esperanza": "female",
    "violeta": "female",
    "jolie": "female",
    "paola": "female",
    "paul": "male",
    "dave": "male",
    "simon": "male",
    "stefan": "male",
    "jorge": "male",
    "bernard": "male",
    "luca": "male",
}
#: API seconds per spoken word, and the length of any audio file (files are never fetched).
SECONDS_PER_WORD = 0.4
FILE_SECONDS = 3.0


@dataclass(frozen=True)
class AudioRequest:
    """Something to play: a file or a sentence, with its options."""

    file_url: str | None = None
    sentence: str | None = None
    gender: str = "female"
    locale: str = "en_US"
    voice: str = "susan"
    loop: bool = False
    tag: str | None = None
    volume: int = 0

    @property
    def event_type(self) -> str:
        """`speak` for a sentence, `playback` for a file (the call event names)."""
        return "speak" if self.sentence is not None else "playback"

    @property
    def heard(self) -> str:
        """What a listener hears, for transcriptions: the sentence, or a note about the file."""
        return self.sentence if self.sentence is not None else f"[audio {self.file_url}]"


@dataclass(frozen=True)
class StopAudio:
    """`{"fileUrl": ""}` or `{"sentence": ""}`: stop what is playing."""

    kind: str


def _unwrap_sdk_audio(body: Body) -> Body:
    """The audio object bandwidth-sdk 3.1.0 nests under `fileUrl`, lifted to the top.

    Its `speak_sentence_to_*`, `play_audio_file_to_*` and `play_audio_to_*(id,
    build_sentence(...))` pass the whole audio dict as the `fileUrl` argument, so
    the body is `{"fileUrl": {"sentence": ...}, "sentence": null, ...}`; the API
    played it (docs/decisions/005-sdk-compatibility.md).
    """
    nested = body.raw("fileUrl")
    if not isinstance(nested, dict):
        return body
    merged = {key: value for key, value in body.data.items() if key != "fileUrl"}
    merged.update(nested)
    return Body(merged)


def parse_audio(
    body: Body, *, allow_volume: bool, allow_loop: bool, allow_tag: bool
) -> AudioRequest | StopAudio:
    """Validate an audio body.

    Args:
        body: the request body.
        allow_volume: accept `volume` (-4..4; calls only).
        allow_loop: accept `loopEnabled`.
        allow_tag: accept `tag` (not on bridges).

    Returns:
        What to play, or `StopAudio` for an empty `fileUrl`/`sentence`.

    Raises:
        ApiFault: 400 for a malformed body (never anything else).
    """
    body = _unwrap_sdk_audio(body)
    file_url = body.text("fileUrl")
    sentence = body.text("sentence")
    if file_url and sentence:
        raise validation("Give either 'fileUrl' or 'sentence', not both")
    if file_url == "" or sentence == "":
        return StopAudio("speak" if sentence == "" else "playback")
    if file_url is None and sentence is None:
        raise validation("Property 'fileUrl' or 'sentence' is required")
    if sentence is not None and len(sentence) > MAX_SENTENCE:
        raise validation(f"Property 'sentence' must be at most {MAX_SENTENCE} characters")
    if file_url is not None and not file_url.lower().startswith(("http://", "https://")):
        raise validation(f"Property 'fileUrl' must be an http(s) URL, not {file_url!r}")
    gender = (body.text("gender") or "female").lower()
    if gender not in GENDERS:
        raise validation(f"Property 'gender' must be one of {', '.join(GENDERS)}")
    locale = body.text("locale") or "en_US"
    matched = next((known for known in LOCALES if known.lower() == locale.lower()), None)
    if matched is None:
        raise validation(f"Property 'locale' must be one of {', '.join(LOCALES)}")
    voice = (body.text("voice") or ("susan" if gender == "female" else "paul")).lower()
    if voice not in VOICES:
        raise validation(f"Property 'voice' must be one of {', '.join(sorted(VOICES))}")
    volume = 0
    if allow_volume:
        volume = body.number("volume", 0, low=-4, high=4) or 0
    loop = bool(body.flag("loopEnabled", False)) if allow_loop else False
    tag = body.text("tag") if allow_tag else None
    return AudioRequest(
        file_url=file_url,
        sentence=sentence,
        gender=gender,
        locale=matched,
        voice=voice,
        loop=loop,
        tag=tag,
        volume=volume,
    )


def audio_seconds(req: AudioRequest) -> float:
    """Deterministic API-time length: 0.4 s a spoken word (at least 1 s), 3 s a file."""
    if req.sentence is not None:
        return max(1.0, SECONDS_PER_WORD * len(req.sentence.split()))
    return FILE_SECONDS
