"""Executes the BXML an application answers a callback with (bxml/verbs/*.md, BXML.tsv).

Verbs run in order on the call. `<Gather>` (as the last verb) and `<Redirect>`
fetch the next document from their `requestUrl` (GET); a document that ends
without hanging up leaves the call up for 30 s, then it is dropped, as
documented. An invalid document is recorded in the errors resource and the call
is hung up; what the parser normalised to read a generator's document
(`bwconsole.bxml.lenient`) is recorded there too, as `bxml-warning`, and the call goes on.
BXML calls get only the BXML callbacks, never REST audio/DTMF events.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urljoin

from bwconsole.bxml import (
    BxmlError,
    Gather,
    Hangup,
    Pause,
    PlayAudio,
    Record,
    Redirect,
    SendDtmf,
    SpeakSentence,
    Transfer,
    Verb,
    parse,
)
from bwconsole.sandbox.callbacks import MAX_REPLY_BYTES, Outcome
from bwconsole.sandbox.faults import ApiFault
from bwconsole.sandbox.voice import gather as gathering
from bwconsole.sandbox.voice import recording
from bwconsole.sandbox.voice.audio import AudioRequest
from bwconsole.sandbox.voice.bxml_checks import MAX_REDIRECTS, check, destinations
from bwconsole.sandbox.voice.contract import Engine, RecordOptions
from bwconsole.sandbox.voice.dialing import TREE_CAUSE, TREE_CODE, place_leg

__all__ = ["DROP_AFTER", "reply_document", "run"]

#: API seconds a call stays up after its BXML runs out (or a Gather gets no new BXML).
DROP_AFTER = 30.0
DEFAULT_REQUEST_TIMEOUT_MS = 30_000

_log = logging.getLogger(__name__)


async def run(engine: Engine, call_id: str, text: str) -> None:
    """Run a BXML document, and the documents its Gather/Redirect callbacks return.

    Whatever goes wrong with a document — it does not parse, breaks a limit, or
    fails while running — is invalid BXML: logged, recorded, and the call hung up.
    """
    engine.live(call_id).bxml = True
    document: str | None = text
    while document is not None:
        try:
            parsed = parse(document)
            check(parsed.children)
        except Exception as exc:  # every failure of parse counts, whatever its type
            _invalid(engine, call_id, f"is invalid: {exc}")
            return
        for warning in parsed.warnings:
            engine.sandbox.record_error(
                200,
                "bad-request",
                "bxml-warning",
                f"The BXML for call {call_id} was normalised: {warning}",
                [{"name": "callId", "value": call_id}],
            )
        try:
            document = await _run_verbs(engine, call_id, parsed.children)
        except BxmlError as exc:
            _invalid(engine, call_id, f"is invalid: {exc}")
            return
        except Exception as exc:
            _log.exception("running the BXML of call %s failed", call_id)
            _invalid(engine, call_id, f"could not be run: {exc.__class__.__name__}: {exc}")
            return
        if not _active(engine, call_id):
            return
    await engine.sandbox.clock.sleep(DROP_AFTER)
    engine.hang_up(call_id)


def _invalid(engine: Engine, call_id: str, problem: str) -> None:
    _log.info("call %s: the BXML %s", call_id, problem[:300])
    engine.sandbox.record_error(
        400,
        "bad-request",
        "invalid-bxml",
        f"The BXML for call {call_id} {problem}"[:1000],
        [{"name": "callId", "value": call_id}],
    )
    engine.hang_up(call_id)


def _active(engine: Engine, call_id: str) -> bool:
    return bool(engine.get_call(call_id)["state"] == "active")


async def _run_verbs(engine: Engine, call_id: str, verbs: list[Verb]) -> str | None:
    """Run verbs in order; returns the next document to run, if one was fetched."""
    for index, verb in enumerate(verbs):
        if not _active(engine, call_id):
            return None
        last = index == len(verbs) - 1
        if isinstance(verb, (SpeakSentence, PlayAudio)):
            for request in _audio(verb):
                await _play(engine, call_id, request)
        elif isinstance(verb, Pause):
            await engine.sandbox.clock.sleep(1 if verb.length is None else verb.length)
        elif isinstance(verb, SendDtmf):
            await engine.dtmf_out(call_id, verb.digits)
        elif isinstance(verb, Hangup):
            engine.hang_up(call_id)
            return None
        elif isinstance(verb, Redirect):
            assert verb.request_url is not None
            live = engine.live(call_id)
            if live.redirects >= MAX_REDIRECTS:
                raise BxmlError(
                    f"<Redirect>: the call was already redirected {MAX_REDIRECTS} times"
                )
            live.redirects += 1
            call = engine.get_call(call_id)
            payload = {
                "eventType": "redirect",
                "callId": call_id,
                "callState": "active",
                "from": call["from"],
                "to": call["to"],
            }
            return await _fetch(
                engine, call_id, verb.request_url, payload, verb.request_url_timeout
            )
        elif isinstance(verb, Gather):
            following = await _gather(engine, call_id, verb, wait_for_reply=last)
            if following is not None:
                return following
        elif isinstance(verb, Record):
            await _record(engine, call_id, verb)
        elif isinstance(verb, Transfer):
            if await _transfer(engine, call_id, verb):
                return None
    return None


def _audio(verb: SpeakSentence | PlayAudio) -> list[AudioRequest]:
    if isinstance(verb, SpeakSentence):
        gender = verb.gender or "female"
        voice = (verb.voice or ("susan" if gender == "female" else "paul")).lower()
        request = AudioRequest(
            sentence=verb.sentence.strip(),
            gender=gender,
            locale=verb.locale or "en_US",
            voice=voice,
            volume=verb.volume or 0,
        )
        return [request]
    return [AudioRequest(file_url=verb.url.strip(), volume=verb.volume or 0)] * (
        verb.repeat_count or 1
    )


async def _play(engine: Engine, call_id: str, request: AudioRequest) -> None:
    task = engine.play(call_id, request)
    if task is not None:
        await asyncio.wait({task})


async def _fetch(
    engine: Engine,
    call_id: str,
    url: str,
    payload: dict[str, object],
    timeout_ms: int | None,
) -> str | None:
    """GET a BXML callback and return the reply if it is a BXML document."""
    task = engine.emit(
        call_id, url, payload, method="GET", timeout_ms=timeout_ms or DEFAULT_REQUEST_TIMEOUT_MS
    )
    if task is None:
        return None
    return reply_document(engine, call_id, await task)


def reply_document(engine: Engine, call_id: str, outcome: Outcome) -> str | None:
    """The BXML document an application replied with, if any. A reply that went on
    past the 16 KB limit (the sender stopped reading it) is invalid BXML."""
    if outcome.too_large:
        _invalid(engine, call_id, f"is invalid: the reply is over the {MAX_REPLY_BYTES}-byte limit")
        return None
    body = outcome.body.lstrip()
    return body if outcome.ok and body.startswith("<") else None


async def _gather(
    engine: Engine, call_id: str, verb: Gather, *, wait_for_reply: bool
) -> str | None:
    prompts = [request for child in verb.children for request in _audio(child)]
    sent: list[asyncio.Future[Outcome]] = []

    def done(found: gathering.Gather) -> None:
        if not verb.request_url or (not found.digits and found.reason == "inter-digit-timeout"):
            return  # no digits: the Gather fails and the next verb runs
        call = engine.get_call(call_id)
        payload = engine.payload(
            call,
            "gather",
            state="completed",
            digits=found.digits,
            reason=found.reason,
            gatherId=found.id,
            terminatingDigit=found.terminator or (verb.terminating_digits or "#"),
        )
        if verb.tag is not None:
            payload["tag"] = verb.tag
        timeout = verb.request_url_timeout or DEFAULT_REQUEST_TIMEOUT_MS
        task = engine.emit(call_id, verb.request_url, payload, method="GET", timeout_ms=timeout)
        if task is not None:
            sent.append(task)

    running = gathering.Gather(
        engine,
        call_id,
        max_digits=verb.max_digits or 128,
        terminators=verb.terminating_digits or "#",
        inter_digit_timeout=float(verb.inter_digit_timeout or 5),
        prompts=prompts,
        tag=verb.tag,
        on_done=done,
    )
    try:
        running.start()
    except ApiFault:
        return None  # a REST gather is already listening on this call
    await running.finished.wait()
    if not sent or not wait_for_reply:
        return None
    return reply_document(engine, call_id, await sent[0])


class _RecordListener:
    """Stands in for a gather while `<Record>` runs: a terminating digit stops it."""

    def __init__(self, terminator: str | None) -> None:
        self.terminator = terminator
        self.stopped = asyncio.Event()

    def feed(self, digit: str) -> None:
        if digit == self.terminator:
            self.stopped.set()

    def hung_up(self) -> None:
        self.stopped.set()


def _record_options(verb: Record, max_duration: float) -> RecordOptions:
    return RecordOptions(
        request_url=verb.request_url,
        request_timeout_ms=verb.request_url_timeout or DEFAULT_REQUEST_TIMEOUT_MS,
        transcribe=bool(verb.transcribe),
        transcribe_url=verb.transcribe_callback_url,
        max_duration=max_duration,
    )


async def _record(engine: Engine, call_id: str, verb: Record) -> None:
    """Voicemail-style: until maxDuration, the terminating digit, the caller's silence
    (`silenceTimeout` after the last thing said on the call) or the hang-up."""
    max_duration = float(verb.max_duration or 60)
    silence = float(3 if verb.silence_timeout is None else verb.silence_timeout)
    started = recording.start(engine, call_id, _record_options(verb, max_duration))
    live = engine.live(call_id)
    listener = _RecordListener(verb.terminating_digits)
    live.gather = listener
    clock = engine.sandbox.clock
    begin = clock.now().timestamp()
    try:
        while live.recording is not None and live.recording[0] == started["id"]:
            last = max([begin, *(moment.timestamp() for moment, _ in live.heard)])
            now = clock.now().timestamp()
            wait = min(begin + max_duration, last + silence) - now
            if wait <= 0:
                break
            try:
                await asyncio.wait_for(listener.stopped.wait(), wait / clock.time_scale)
                break
            except TimeoutError:
                continue
    finally:
        if live.gather is listener:
            live.gather = None
    recording.stop(engine, call_id)


async def _transfer(engine: Engine, call_id: str, verb: Transfer) -> bool:
    """Ring every destination; the first to answer is connected. Returns True when the
    transfer happened (the call has then ended), False to go on with the next verb."""
    call = engine.get_call(call_id)
    fields = {"callTimeout": verb.call_timeout or 60}
    caller = verb.transfer_caller_id or call["from"]
    legs: list[str] = []
    try:
        for target in destinations(verb):
            legs.append(place_leg(engine, call_id, from_=caller, to=target, fields=fields)["id"])
    except ApiFault as fault:  # no balance left, or the call tree is full: the call ends
        engine.sandbox.record_error(
            fault.status,
            fault.category,
            fault.code,
            fault.message,
            [{"name": "callId", "value": call_id}, *fault.details],
        )
        for placed in legs:
            engine.hang_up(placed, "ORIGINATOR_CANCEL")
        engine.hang_up(call_id, TREE_CAUSE if fault.code == TREE_CODE else "NORMAL_CLEARING")
        return True
    winner = await _first_answer(engine, legs)
    for leg in legs:
        if leg != winner:
            engine.hang_up(leg, "ORIGINATOR_CANCEL")
    if winner is None or not _active(engine, call_id):
        return False
    for child in verb.children:
        if isinstance(child, (SpeakSentence, PlayAudio)):
            for request in _audio(child):
                await _play(engine, winner, request)
        elif isinstance(child, Record):
            recording.start(engine, call_id, _record_options(child, 24 * 3600.0))
    # One-way link: the caller hanging up ends the transferee; the transferee hanging up
    # first sends transferComplete, then ends the caller.
    engine.live(call_id).peer = winner
    await engine.live(winner).ended.wait()
    recording.stop(engine, call_id)
    if _active(engine, call_id):
        transferee = engine.get_call(winner)
        url, method, timeout_ms, fallback = engine.target(call)
        if verb.request_url:
            url = urljoin(url or "", verb.request_url)
        payload = engine.payload(
            call,
            "transferComplete",
            **{"from": transferee["from"], "to": transferee["to"]},
            callState="active",
        )
        if verb.tag is not None:
            payload["tag"] = verb.tag
        timeout = verb.request_url_timeout or timeout_ms
        engine.emit(call_id, url, payload, method="GET", timeout_ms=timeout, fallback_url=fallback)
        engine.hang_up(call_id)
    return True


async def _first_answer(engine: Engine, legs: list[str]) -> str | None:
    """The first leg to answer, or None once every leg ended unanswered."""
    waits: dict[asyncio.Future[object], str] = {}
    for leg in legs:
        waits[asyncio.ensure_future(engine.live(leg).answered.wait())] = leg
    ends = [asyncio.ensure_future(engine.live(leg).ended.wait()) for leg in legs]
    all_ended: asyncio.Future[object] = asyncio.ensure_future(asyncio.gather(*ends))
    try:
        done, _ = await asyncio.wait({*waits, all_ended}, return_when=asyncio.FIRST_COMPLETED)
        winners = [waits[task] for task in done if task in waits]
        return winners[0] if winners else None
    finally:
        all_ended.cancel()
        for waiting in waits:
            waiting.cancel()
        for ending in ends:
            ending.cancel()
