"""The embedded sandbox's first start: a call history and a transcribed recording to look at."""

from __future__ import annotations

import io
import wave
from datetime import datetime, timedelta
from pathlib import Path

from bwconsole.api import Client
from bwconsole.embedded import Embedded, embedded
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.seed import SEEDED_TRANSCRIPT, seed, seed_voice


def client_for(env: Embedded) -> Client:
    profile = env.profile
    return Client(profile.user_id, profile.api_token, profile.api_secret, profile.api_url)


def stamp(value: str | None) -> datetime:
    assert value is not None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


async def test_first_start_has_finished_calls_with_causes(tmp_path: Path) -> None:
    async with embedded(data_dir=tmp_path) as env, client_for(env) as client:
        calls = [call async for call in client.calls.list()]
        assert {call.id for call in calls} == set(env.seeded["callIds"])
        assert {call.state for call in calls} == {"completed", "rejected"}
        assert all(
            call.end_time and stamp(call.end_time) < datetime.now().astimezone() for call in calls
        )
        causes = []
        for call_id in env.seeded["callIds"]:
            events = [e async for e in client.calls.list_events(call_id)]
            causes.append(next(e.data for e in events if e.name == "hangup"))
        assert causes == ["NORMAL_CLEARING", "NORMAL_CLEARING", "USER_BUSY", "NO_ANSWER"]
        answered = await client.calls.get(env.seeded["callIds"][1])
        assert answered.chargeable_duration == 120  # 64 s of talk: two started minutes
        busy = await client.calls.get(env.seeded["callIds"][2])
        assert busy.active_time is None and busy.chargeable_duration == 0


async def test_first_start_has_a_past_message_history_listed_newest_first(tmp_path: Path) -> None:
    async with embedded(data_dir=tmp_path) as env, client_for(env) as client:
        messages = [m async for m in client.messages.list()]
        assert {m.id for m in messages} == set(env.seeded["messageIds"])
        times = [stamp(m.time) for m in messages]
        assert times == sorted(times, reverse=True)  # newest first, as the API lists them
        # A conversation from earlier on, not four messages sent the moment it started.
        assert all(t < datetime.now().astimezone() - timedelta(minutes=10) for t in times)


async def test_first_start_has_a_complete_recording_with_wav_and_transcription(
    tmp_path: Path,
) -> None:
    async with embedded(data_dir=tmp_path) as env, client_for(env) as client:
        (recording,) = [r async for r in client.recordings.list()]
        assert recording.id == env.seeded["recordingId"]
        assert recording.state == "complete"
        assert recording.call and recording.call.endswith(env.seeded["callIds"][0])
        seconds = (stamp(recording.end_time) - stamp(recording.start_time)).total_seconds()
        assert seconds == 20
        assert recording.media is not None
        audio = io.BytesIO()
        await client.media.download(recording.media.rsplit("/", 1)[1], audio)
        with wave.open(io.BytesIO(audio.getvalue())) as wav:
            assert wav.getnframes() / wav.getframerate() == 20
        (transcription,) = [t async for t in client.transcriptions.list(recording.id)]
        assert transcription.state == "completed"
        assert transcription.text == SEEDED_TRANSCRIPT


async def test_restart_keeps_the_history_without_adding_to_it(tmp_path: Path) -> None:
    async with embedded(data_dir=tmp_path) as env:
        first = env.seeded["callIds"]
    async with embedded(data_dir=tmp_path) as env, client_for(env) as client:
        assert env.seeded == {"seeded": False}
        assert sorted([call.id or "" async for call in client.calls.list()]) == sorted(first)


def test_seed_voice_leaves_an_account_with_calls_alone() -> None:
    sandbox = Sandbox()
    numbers = seed(sandbox, relay_url=None)["numbers"]
    assert seed_voice(sandbox, numbers)["callIds"]
    assert seed_voice(sandbox, numbers) == {}
    assert len(sandbox.collection("calls")) == 4
