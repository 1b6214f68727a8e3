"""bandwidth-sdk 3.1.0 flows for calls, bridges, conferences, recordings and callbacks.

Far ends are chosen by the number dialed (docs/sandbox.md "Far ends"): `+15550NN...`
answers after NN API seconds and stays on, `+15553DDD...` presses DDD then `#`,
`+15554NN...` hangs up NN s after answering.
"""

from __future__ import annotations

import pytest
from bandwidth.voice import BandwidthVoiceAPIException
from bandwidth.voice.bxml import E, Response  # the module's own lxml element builder

from compat.sdk_py_context import SdkContext
from compat.sdk_py_registry import eventually, flow, unique

STAYS_ON = "+15550020000"  # answers after 2 s, stays until hung up
PRESSES_123 = "+15553123"  # presses 1, 2, 3 then #
HANGS_UP = "+15554200000"  # hangs up 20 s after answering (1 s real: room to speak)


def active_call(ctx: SdkContext, to: str = STAYS_ON, **options: object) -> str:
    """An answered outbound call from our number (created and awaited through the SDK)."""
    call_id = ctx.voice.create_call(from_=ctx.our_number(), to=to, **options)
    assert call_id.startswith("c-")
    eventually(lambda: ctx.voice.get_call(call_id), lambda c: c["state"] == "active")
    return call_id


def ended(ctx: SdkContext, call_id: str) -> dict:
    return eventually(lambda: ctx.voice.get_call(call_id), lambda c: c["state"] == "completed")


def inbound_number(ctx: SdkContext, url: str, auto_answer: bool) -> str:
    """A second owned number whose application sends incoming calls to `url`."""
    app_id = ctx.account.create_application(
        name=unique("inapp"), incoming_call_url=url, auto_answer=auto_answer
    )
    ordered = ctx.account.search_and_order_local_numbers(area_code="919", quantity=1)
    ctx.account.update_phone_number(ordered[0]["id"], application_id=app_id)
    return ordered[0]["number"]


@flow("calls", "create, get, list, hang up")
def call_lifecycle(ctx: SdkContext) -> None:
    call_id = ctx.voice.create_call(
        from_=ctx.our_number(), to=STAYS_ON, tag="life", sip_headers={"X-Trace": "1"}
    )
    started = ctx.voice.get_call(call_id)
    assert started["direction"] == "out" and started["to"] == STAYS_ON
    assert started["recording_enabled"] is False
    eventually(lambda: ctx.voice.get_call(call_id), lambda c: c["state"] == "active")
    assert call_id in [c["id"] for c in ctx.voice.list_calls(to=STAYS_ON, size=1)]
    ctx.voice.hangup_call(call_id)
    done = ended(ctx, call_id)
    assert done["end_time"] and done["chargeable_duration"] == 60
    with pytest.raises(BandwidthVoiceAPIException) as final:
        ctx.voice.hangup_call(call_id)
    assert final.value.status_code == 403


@flow("calls", "answer and reject inbound")
def call_answer_reject(ctx: SdkContext) -> None:
    path, url = ctx.callback_path("inbound")
    ours = inbound_number(ctx, url, auto_answer=False)
    first = ctx.voice.create_call(from_=ctx.our_number(), to=ours)
    second = ctx.voice.create_call(from_=ctx.our_number(), to=ours)
    incoming = ctx.app.wait_for(
        path, lambda e: sum(x["eventType"] == "incomingcall" for x in e) >= 2
    )
    legs = [e["callId"] for e in incoming if e["eventType"] == "incomingcall"]
    ctx.voice.answer_call(legs[0])
    eventually(lambda: ctx.voice.get_call(legs[0]), lambda c: c["state"] == "active")
    # Nothing says which outbound call rang first: the one that is up now is legs[0]'s.
    (answered,) = eventually(
        lambda: [c for c in (first, second) if ctx.voice.get_call(c)["state"] == "active"],
        lambda up: len(up) == 1,
    )
    other = second if answered == first else first
    ctx.voice.reject_call(legs[1])
    eventually(lambda: ctx.voice.get_call(legs[1]), lambda c: c["state"] == "rejected")
    eventually(lambda: ctx.voice.get_call(other), lambda c: c["state"] in ("rejected", "completed"))
    ctx.voice.hangup_call(answered)


@flow("calls", "speak, play audio, DTMF, events")
def call_audio_dtmf_events(ctx: SdkContext) -> None:
    path, url = ctx.callback_path("audio")
    call_id = active_call(ctx, callback_url=url)
    ctx.voice.speak_sentence_to_call(call_id, "Hello from the compatibility suite", tag="s1")
    ctx.voice.play_audio_to_call(call_id, ctx.voice.build_sentence("Built", voice="Kate"))
    ctx.voice.play_audio_file_to_call(call_id, "http://example.com/a.mp3", tag="p1")
    ctx.voice.send_dtmf_to_call(call_id, "12#")
    ctx.app.wait_for(
        path, lambda e: any(x["eventType"] == "playback" and x["status"] == "done" for x in e)
    )
    ctx.voice.hangup_call(call_id)
    ended(ctx, call_id)
    events = list(ctx.voice.list_call_events(call_id))
    names = [e["name"] for e in events]
    assert names[0] == "create" and "answer" in names and "hangup" in names
    assert "speak" in names and "playback" in names
    one = ctx.voice.get_call_event(call_id, events[1]["id"])
    assert one["id"] == events[1]["id"] and one["name"] == events[1]["name"]


@flow("calls", "transfer")
def call_transfer(ctx: SdkContext) -> None:
    call_id = active_call(ctx)
    leg = ctx.voice.transfer_call(call_id, "+15550200000", whisper_audio={"sentence": "hi"})
    assert leg and leg.startswith("c-") and leg != call_id
    assert ctx.voice.get_call(call_id)["state"] == "transferring"
    eventually(lambda: ctx.voice.get_call(leg), lambda c: c["state"] == "active")
    # Connected once the leg has heard the whisper: then hanging up the leg ends the call.
    eventually(lambda: ctx.voice.get_call(call_id), lambda c: c["state"] == "active")
    ctx.voice.hangup_call(leg)
    ended(ctx, call_id)


@flow("calls", "gather create, get, stop")
def call_gather(ctx: SdkContext) -> None:
    call_id = active_call(ctx, to=PRESSES_123)
    gather_id = ctx.voice.create_call_gather(call_id, max_digits=5, tag="g")
    assert gather_id
    done = eventually(
        lambda: ctx.voice.get_call_gather(call_id, gather_id), lambda g: g["state"] == "completed"
    )
    assert (done["digits"], done["reason"]) == ("123", "terminating-digit"), done
    ctx.voice.hangup_call(call_id)
    quiet = active_call(ctx)
    gather_id = ctx.voice.create_call_gather(quiet, max_digits=5, inter_digit_timeout=30)
    assert ctx.voice.get_call_gather(quiet, gather_id)["state"] == "started"
    ctx.voice.update_call_gather(quiet, gather_id, state="completed")
    assert ctx.voice.get_call_gather(quiet, gather_id)["state"] == "completed"
    ctx.voice.hangup_call(quiet)


@flow("calls", "recording on, off, toggle")
def call_recording(ctx: SdkContext) -> None:
    call_id = active_call(ctx)
    ctx.voice.enable_call_recording(call_id)
    assert ctx.voice.get_call(call_id)["recording_enabled"] is True
    ctx.voice.disable_call_recording(call_id)
    assert ctx.voice.get_call(call_id)["recording_enabled"] is False
    ctx.voice.toggle_call_recording(call_id)
    assert ctx.voice.get_call(call_id)["recording_enabled"] is True
    ctx.voice.hangup_call(call_id)
    recordings = eventually(
        lambda: list(ctx.voice.list_call_recordings(call_id)),
        lambda r: len(r) == 2 and all(x["state"] == "complete" for x in r),
    )
    assert all(r["media"].endswith(".wav") for r in recordings)


@flow("bridges", "create, get, list, calls, speak, play, remove call")
def bridges(ctx: SdkContext) -> None:
    one, two = active_call(ctx), active_call(ctx)
    bridge_id = ctx.voice.create_bridge(call_ids=[one, two], bridge_audio=True)
    assert bridge_id.startswith("brg-")
    got = ctx.voice.get_bridge(bridge_id)
    assert got["bridge_audio"] is True and got["state"] == "active"
    assert sorted(c["id"] for c in ctx.voice.list_bridge_calls(bridge_id)) == sorted([one, two])
    assert bridge_id in [b["id"] for b in ctx.voice.list_bridges(size=1)]
    ctx.voice.speak_sentence_to_bridge(bridge_id, "Hello bridge")
    ctx.voice.play_audio_file_to_bridge(bridge_id, "http://example.com/b.wav")
    ctx.voice.update_bridge(bridge_id, call_ids=[one])
    assert [c["id"] for c in ctx.voice.list_bridge_calls(bridge_id)] == [one]
    third = active_call(ctx)
    ctx.voice.update_bridge(bridge_id, call_ids=[one, third])
    assert sorted(c["id"] for c in ctx.voice.list_bridge_calls(bridge_id)) == sorted([one, third])
    for call_id in (one, two, third):
        ctx.voice.hangup_call(call_id)


@flow("conferences", "create, members add/list/get/update/remove, speak, play, mute, hold, end")
def conferences(ctx: SdkContext) -> None:
    path, url = ctx.callback_path("conf")
    conference_id = ctx.voice.create_conference(from_=ctx.our_number(), callback_url=url, tag="c")
    assert conference_id.startswith("conf-")
    eventually(lambda: ctx.voice.get_conference(conference_id), lambda c: c["state"] == "created")
    one = active_call(ctx, conference_id=conference_id)
    two = active_call(ctx, conference_id=conference_id)
    member = ctx.voice.create_conference_member(conference_id, call_id=one, join_tone=True)
    other = ctx.voice.create_conference_member(conference_id, call_id=two)
    assert member.startswith("cm-")
    members = eventually(
        lambda: list(ctx.voice.list_conference_members(conference_id)),
        lambda m: sum(x["state"] == "active" for x in m) == 2,
    )
    assert {m["id"] for m in members} == {member, other}
    ctx.voice.mute_conference_member(conference_id, member, True)
    ctx.voice.hold_conference_member(conference_id, member, True)
    got = ctx.voice.get_conference_member(conference_id, member)
    assert got["mute"] is True and got["hold"] is True and got["call"].endswith("/" + one)
    ctx.voice.speak_sentence_to_conference_member(conference_id, member, "Hi member")
    ctx.voice.play_audio_file_to_conference_member(conference_id, other, "http://example.com/m.wav")
    ctx.voice.speak_sentence_to_conference(conference_id, "Hello everyone")
    ctx.voice.play_audio_file_to_conference(conference_id, "http://example.com/c.wav")
    ctx.voice.mute_conference(conference_id, True)
    ctx.voice.hold_conference(conference_id, True)
    got = ctx.voice.get_conference(conference_id)
    assert got["mute"] is True and got["hold"] is True
    ctx.voice.remove_conference_member(conference_id, other)
    eventually(
        lambda: ctx.voice.get_conference_member(conference_id, other),
        lambda m: m["state"] == "completed",
    )
    ctx.voice.terminate_conference(conference_id)
    eventually(lambda: ctx.voice.get_conference(conference_id), lambda c: c["state"] == "completed")
    ctx.voice.terminate_conference(conference_id)  # ending an ended conference is a no-op
    ctx.voice.hangup_call(two)


@flow("recordings and transcriptions", "list, get, transcribe, list/get transcriptions")
def recordings_transcriptions(ctx: SdkContext) -> None:
    call_id = active_call(ctx, recording_enabled=True)
    ctx.voice.speak_sentence_to_call(call_id, "Please leave a message")
    eventually(lambda: ctx.voice.get_call(call_id), lambda c: c["state"] == "active", 1)
    eventually(
        lambda: [e["name"] for e in ctx.voice.list_call_events(call_id)],
        lambda names: names.count("speak") >= 2,
    )
    ctx.voice.hangup_call(call_id)
    recording = eventually(
        lambda: list(ctx.voice.list_call_recordings(call_id)),
        lambda r: r and r[0]["state"] == "complete",
    )[0]
    assert recording["id"] in [r["id"] for r in ctx.voice.list_recordings(size=2)]
    got = ctx.voice.get_recording(recording["id"])
    assert got["media_name"].endswith(".wav") and got["call"].endswith("/" + call_id)
    stream, content_type = ctx.account.download_media_file(got["media_name"])
    assert stream.read(4) == b"RIFF" and content_type.startswith("audio/")
    transcription_id = ctx.voice.create_transcription(recording["id"])
    assert transcription_id.startswith("tr-")
    done = eventually(
        lambda: ctx.voice.get_transcription(recording["id"], transcription_id),
        lambda t: t["state"] == "completed",
    )
    assert "Please leave a message" in done["text"] and done["text_size"] == len(done["text"])
    assert [t["id"] for t in ctx.voice.list_transcriptions(recording["id"])] == [transcription_id]
    assert transcription_id in [t["id"] for t in ctx.voice.list_call_transcriptions(call_id)]


@flow("callbacks (async)", "outbound call: answer, speak, hangup in order")
def callbacks_outbound(ctx: SdkContext) -> None:
    path, url = ctx.callback_path("outbound")
    call_id = ctx.voice.create_call(from_=ctx.our_number(), to=HANGS_UP, callback_url=url, tag="x")
    ctx.app.wait_for(path, lambda e: any(x["eventType"] == "answer" for x in e))
    ctx.voice.speak_sentence_to_call(call_id, "Hi", tag="spoken")
    events = ctx.app.wait_for(path, lambda e: any(x["eventType"] == "hangup" for x in e))
    kinds = [(e["eventType"], e.get("status")) for e in events]
    assert kinds == [("answer", None), ("speak", "started"), ("speak", "done"), ("hangup", None)]
    answer, hangup = events[0], events[-1]
    assert answer["callId"] == call_id and answer["callState"] == "active"
    assert answer["from"] == ctx.our_number() and answer["to"] == HANGS_UP
    assert answer["tag"] == "x" and answer["callUri"].endswith("/calls/" + call_id)
    assert events[1]["tag"] == "spoken"
    assert hangup["cause"] == "NORMAL_CLEARING" and "callState" not in hangup  # hangup.md
    hit = next(h for h in ctx.app.hits if h.path == path)
    assert hit.method == "POST" and hit.headers["user-agent"].startswith("BandwidthAPI/v1")


@flow("callbacks (async)", "inbound call to an application: incomingcall, answer, hangup")
def callbacks_inbound(ctx: SdkContext) -> None:
    path, url = ctx.callback_path("auto")
    ours = inbound_number(ctx, url, auto_answer=True)
    outbound = ctx.voice.create_call(from_=ctx.our_number(), to=ours)
    events = ctx.app.wait_for(path, lambda e: any(x["eventType"] == "answer" for x in e))
    assert [e["eventType"] for e in events][:2] == ["incomingcall", "answer"]
    leg = events[0]["callId"]
    assert events[0]["to"] == ours and events[0]["from"] == ctx.our_number()
    assert events[0]["callState"] == "active" or events[0]["callState"] == "started"
    ctx.voice.hangup_call(outbound)
    events = ctx.app.wait_for(path, lambda e: any(x["eventType"] == "hangup" for x in e))
    assert events[-1]["callId"] == leg


@flow("callbacks (async)", "BXML from the SDK's builder answers a call")
def callbacks_bxml(ctx: SdkContext) -> None:
    """`bandwidth.voice.bxml.Response` as its docstring shows: `<xml><Response>...` runs,
    normalised with a warning the errors resource shows (docs/decisions/006-bxml-leniency.md)."""
    path, url = ctx.callback_path("bxml")
    ctx.app.replies[path] = str(
        Response(
            E.SpeakSentence("Thanks for calling", voice="kate"), E.Pause(length="1"), E.Hangup()
        )
    )
    call_id = ctx.voice.create_call(
        from_=ctx.our_number(), to=STAYS_ON, callback_url=url, callback_http_method="GET"
    )
    events = ctx.app.wait_for(path, lambda e: any(x["eventType"] == "hangup" for x in e))
    assert [e["eventType"] for e in events] == ["answer", "hangup"]
    assert ended(ctx, call_id)["state"] == "completed"
    assert "speak" in [e["name"] for e in ctx.voice.list_call_events(call_id)]
    warnings = [e for e in ctx.account.list_errors() if e["code"] == "bxml-warning"]
    assert warnings and any("xml" in w["message"].lower() for w in warnings)
