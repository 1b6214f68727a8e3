"""One run through every documented operation and event against a real sandbox,
keeping what it answered: the material test_doc_parity.py holds to the docs' examples.

Far ends are chosen by the number dialed (docs/sandbox.md): `+15553DDD` presses
DDD then `#`, `+15552...` never answers, `+15556...` rejects, `+15554NN...`
hangs up NN s after answering, `+15550NN...` answers after NN s and stays on.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx

from bwconsole.sandbox.app import create_app
from bwconsole.sandbox.core import Sandbox
from bwconsole.servers import serving
from tests.voice_helpers import Received, Receiver

STAYS_ON = "+15550020000"
PRESSES = "+15553123"


@dataclass
class Captured:
    """Responses by the doc that documents the operation, and every callback received."""

    responses: dict[str, list[Any]] = field(default_factory=dict)
    events: list[Received] = field(default_factory=list)

    def keep(self, doc: str, response: httpx.Response, status: tuple[int, ...] = (200, 201)) -> Any:
        assert response.status_code in status, (doc, response.status_code, response.text)
        body = response.json()
        self.responses.setdefault(doc, []).append(body)
        return body


class Scenario:
    """The run, section by section; each section waits (bounded) for the callbacks it causes."""

    def __init__(self, http: httpx.AsyncClient, user: str, receiver: Receiver) -> None:
        self.http, self.user, self.rx = http, user, receiver
        self.got = Captured()
        # Made by run() and its sections, read by later ones.
        self.ours = self.post_app = self.get_app = ""
        self.c1 = self.gather_id = ""

    def url(self, path: str) -> str:
        return self.rx.url + path

    async def get(self, doc: str, path: str, **params: Any) -> Any:
        return self.got.keep(doc, await self.http.get(path, params=params))

    async def create(self, path: str, body: Any) -> str:
        response = await self.http.post(path, json=body)
        assert response.status_code == 201, (path, response.text)
        return response.headers["location"].rsplit("/", 1)[-1]

    async def wait_state(self, call_id: str, *states: str) -> None:
        for _ in range(400):
            got = (await self.http.get(f"{self.user}/calls/{call_id}")).json()
            if got["state"] in states:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"call {call_id} never reached {states}")

    async def order(self, **app: Any) -> str:
        """A local number, linked to a new application when `app` fields are given."""
        found = await self.http.post(
            "/availableNumbers/local", params={"areaCode": "919", "quantity": 1}
        )
        self.got.keep("methods/availableNumbers/postAvailableNumbersLocal.md", found)
        number = found.json()[0]
        if app:
            app_id = await self.create(f"{self.user}/applications", {"name": "docs", **app})
            await self.http.post(number["location"], json={"applicationId": app_id, "name": "docs"})
        return number["number"]

    async def run(self) -> Captured:
        """Every section in turn; the callbacks received are kept at the end."""
        self.ours = await self.order()
        self.post_app = await self.order(
            incomingCallUrl=self.url("/in"), incomingMessageUrl=self.url("/msgin")
        )
        self.get_app = await self.order(
            incomingCallUrl=self.url("/bx-in"),
            incomingMessageUrl=self.url("/msgget"),
            callbackHttpMethod="GET",
        )
        self.rx.reply("/bx-in", "<Response><SpeakSentence>Hi</SpeakSentence><Hangup/></Response>")
        toll = await self.http.post("/availableNumbers/tollFree", params={"quantity": 1})
        self.got.keep("methods/availableNumbers/postAvailableNumbersTollFree.md", toll)

        await self._messages()
        await self._calls()
        await self._bridges()
        await self._conferences()
        await self._bxml()
        await self._reads()
        self.got.events = list(self.rx.requests)
        return self.got

    async def _messages(self) -> None:
        """SMS and MMS: sent with receipts, received by an application by POST and by GET."""
        u, rx = self.user, self.rx
        sms = {"from": self.ours, "text": "hello", "receiptRequested": "all"}
        await self.create(
            f"{u}/messages", {**sms, "to": "+12025550100", "callbackUrl": self.url("/sms")}
        )
        await self.create(f"{u}/messages", {**sms, "to": self.post_app})
        await self.create(f"{u}/messages", {**sms, "to": self.get_app})
        # An MMS's media is a file of the account's media, as the docs' examples send it.
        media = str(self.http.base_url).rstrip("/") + f"{u}/media/image.jpg"
        response = await self.http.put(
            media, content=b"\xff\xd8\xff\xe0", headers={"content-type": "image/jpeg"}
        )
        assert response.status_code == 200
        mms = {"from": self.ours, "text": "pic", "media": [media]}
        several = [media.replace("image", f"image-{n}") for n in (1, 2)]
        await self.create(
            f"{u}/messages",
            {**mms, "to": "+12025550102", "media": [*several, "http://example.com/file.jpg"]},
        )
        await self.create(f"{u}/messages", {**mms, "to": self.post_app})
        await self.create(f"{u}/messages", {**mms, "to": self.get_app})
        await self.create(
            f"{u}/messages", {**mms, "to": "+12025550101", "callbackUrl": self.url("/mms")}
        )
        await rx.wait_until(lambda rs: sum(r.path in ("/msgin", "/msgget") for r in rs) >= 4)

    async def _calls(self) -> None:
        """REST calls: recorded and transcribed, audio, gather, DTMF, timeout, reject, inbound."""
        u, rx = self.user, self.rx
        self.c1 = c1 = await self.create(
            f"{u}/calls",
            {
                "from": self.ours,
                "to": PRESSES,
                "callbackUrl": self.url("/c1"),
                "tag": "t1",
                "recordingEnabled": True,
                "transcriptionEnabled": True,
                "fallbackUrl": self.url("/c1-fallback"),
                "sipHeaders": {"X-Header": "value"},
            },
        )
        # The far end presses its digits 10 s after answering unless a gather asks first.
        await rx.wait_for_event("answer", path="/c1")
        self.gather_id = await self.create(f"{u}/calls/{c1}/gather", {"maxDigits": 3, "tag": "g"})
        await rx.wait_for_event("gather", path="/c1")
        await self.http.post(f"{u}/calls/{c1}/audio", json={"sentence": "Hello there", "tag": "s"})
        await rx.wait_until(
            lambda rs: any(
                r.path == "/c1" and r.event == "speak" and r.payload.get("status") == "done"
                for r in rs
            )
        )
        await self.http.post(f"{u}/calls/{c1}/audio", json={"fileUrl": "https://example.com/a.wav"})
        await rx.wait_until(
            lambda rs: any(
                r.path == "/c1" and r.event == "playback" and r.payload.get("status") == "done"
                for r in rs
            )
        )
        await self.http.post(f"{u}/calls/{c1}", json={"state": "completed"})
        await rx.wait_for_event("transcription", path="/c1")
        # Far-end digits without a gather: dtmf events.
        c2 = await self.create(
            f"{u}/calls", {"from": self.ours, "to": "+15553456", "callbackUrl": self.url("/c2")}
        )
        await rx.wait_for_event("dtmf", path="/c2")
        await self.http.post(f"{u}/calls/{c2}", json={"state": "completed"})
        # Timeout, reject, inbound to an application.
        await self.create(
            f"{u}/calls",
            {
                "from": self.ours,
                "to": "+15552000000",
                "callTimeout": 1,
                "callbackUrl": self.url("/c3"),
            },
        )
        await self.create(
            f"{u}/calls", {"from": self.ours, "to": "+15556000000", "callbackUrl": self.url("/c4")}
        )
        c5 = await self.create(f"{u}/calls", {"from": self.ours, "to": self.post_app})
        await rx.wait_for_event("answer", path="/in")
        await self.http.post(f"{u}/calls/{c5}", json={"state": "completed"})
        await rx.wait_for_event("timeout", path="/c3")
        await rx.wait_for_event("hangup", path="/c4")

    async def _bridges(self) -> None:
        """A bridge of two answered calls, read while up and once completed."""
        u = self.user
        legs = [
            await self.create(f"{u}/calls", {"from": self.ours, "to": STAYS_ON}) for _ in range(2)
        ]
        for leg in legs:
            await self.wait_state(leg, "active")
        bridge = await self.create(f"{u}/bridges", {"callIds": legs, "bridgeAudio": True})
        await self.get("methods/bridges/getBridgesBridgeIdCalls.md", f"{u}/bridges/{bridge}/calls")
        await self.get("methods/calls/getCalls.md", f"{u}/calls", bridgeId=bridge)
        for leg in legs:
            await self.http.post(f"{u}/calls/{leg}", json={"state": "completed"})
        for _ in range(200):  # the bridge completes once its calls have ended
            if (await self.http.get(f"{u}/bridges/{bridge}")).json()["state"] == "completed":
                break
            await asyncio.sleep(0.02)
        await self.get("methods/bridges/getBridges.md", f"{u}/bridges")
        await self.get("methods/bridges/getBridgesBridgeId.md", f"{u}/bridges/{bridge}")

    async def _conferences(self) -> None:
        """A conference: created, a member joins, audio to all, mute, removal, completed."""
        u, rx = self.user, self.rx
        conf = await self.create(
            f"{u}/conferences", {"from": self.ours, "callbackUrl": self.url("/conf")}
        )
        member_call = await self.create(
            f"{u}/calls", {"from": self.ours, "to": STAYS_ON, "conferenceId": conf}
        )
        await self.wait_state(member_call, "active")
        member = await self.create(f"{u}/conferences/{conf}/members", {"callId": member_call})
        await self.http.post(f"{u}/conferences/{conf}/audio", json={"sentence": "Welcome all"})
        await rx.wait_until(
            lambda rs: any(
                r.event == "conference-speak" and r.payload.get("status") == "done" for r in rs
            )
        )
        await self.http.post(
            f"{u}/conferences/{conf}/audio", json={"fileUrl": "https://example.com/c.wav"}
        )
        await rx.wait_until(
            lambda rs: any(
                r.event == "conference-playback" and r.payload.get("status") == "done" for r in rs
            )
        )
        await self.http.post(f"{u}/conferences/{conf}/members/{member}", json={"mute": True})
        await self.get(
            "methods/conferences/getConferencesConferenceId.md", f"{u}/conferences/{conf}"
        )
        await self.http.post(
            f"{u}/conferences/{conf}/members/{member}", json={"state": "completed"}
        )
        await rx.wait_until(
            lambda rs: any(
                r.event == "conference" and r.payload.get("status") == "completed" for r in rs
            )
        )
        await self.get(
            "methods/conferences/getConferencesConferenceIdMembers.md",
            f"{u}/conferences/{conf}/members",
        )
        await self.get(
            "methods/conferences/getConferencesConferenceIdMembersMemberId.md",
            f"{u}/conferences/{conf}/members/{member}",
        )
        await self.http.post(f"{u}/calls/{member_call}", json={"state": "completed"})

    async def _bxml(self) -> None:
        """BXML calls with GET callbacks: answer -> Gather -> Record (transcribed) -> Redirect
        -> Transfer, an inbound call answered with BXML, a timeout."""
        u, rx = self.user, self.rx
        rx.reply(
            "/bx",
            f'<Response><Gather requestUrl="{self.url("/bx-gather")}" maxDigits="5"><SpeakSentence>Digits please</SpeakSentence></Gather></Response>',
        )
        rx.reply(
            "/bx-gather",
            f'<Response><SpeakSentence>Say something</SpeakSentence><Record requestUrl="{self.url("/bx-rec")}" maxDuration="2" transcribe="true" transcribeCallbackUrl="{self.url("/bx-tr")}"/><Redirect requestUrl="{self.url("/bx-redirect")}" requestUrlTimeout="10000"/></Response>',
        )
        rx.reply(
            "/bx-redirect",
            f'<Response><Transfer transferTo="+15554010000" requestUrl="{self.url("/bx-transfer")}"><SpeakSentence>Connecting</SpeakSentence></Transfer></Response>',
        )
        await self.create(
            f"{u}/calls",
            {
                "from": self.ours,
                "to": PRESSES,
                "callbackUrl": self.url("/bx"),
                "callbackHttpMethod": "GET",
                "tag": "bx",
            },
        )
        await rx.wait_until(
            lambda rs: any(r.path == "/bx" and r.event == "hangup" for r in rs), within=15
        )
        await rx.wait_until(lambda rs: any(r.path == "/bx-tr" for r in rs), within=10)
        await self.create(
            f"{u}/calls",
            {
                "from": self.ours,
                "to": "+15552000001",
                "callTimeout": 1,
                "callbackUrl": self.url("/bx-timeout"),
                "callbackHttpMethod": "GET",
            },
        )
        await self.create(f"{u}/calls", {"from": self.ours, "to": self.get_app})
        await rx.wait_until(
            lambda rs: any(r.path == "/bx-in" and r.event == "hangup" for r in rs), within=10
        )
        await rx.wait_until(lambda rs: any(r.path == "/bx-timeout" for r in rs), within=10)

    async def _reads(self) -> None:
        """Every documented read, of what the sections above made."""
        u = self.user
        recordings = await self.get(
            "methods/calls/getCallsCallIdRecordings.md", f"{u}/calls/{self.c1}/recordings"
        )
        recording = recordings[0]["id"]
        await self.get("methods/recordings/getRecordings.md", f"{u}/recordings")
        await self.get(
            "methods/recordings/getRecordingsRecordingId.md", f"{u}/recordings/{recording}"
        )
        transcriptions = await self.get(
            "methods/transcriptions/getTranscriptions.md",
            f"{u}/recordings/{recording}/transcriptions",
        )
        await self.get(
            "methods/transcriptions/getTranscriptionsTranscriptionId.md",
            f"{u}/recordings/{recording}/transcriptions/{transcriptions[0]['id']}",
        )
        await self.get(
            "methods/calls/getCallsCallIdTranscriptions.md", f"{u}/calls/{self.c1}/transcriptions"
        )
        await self.get("methods/calls/getCalls.md", f"{u}/calls")
        await self.get("methods/calls/getCallsCallId.md", f"{u}/calls/{self.c1}")
        events = await self.get(
            "methods/calls/getCallsCallIdEvents.md", f"{u}/calls/{self.c1}/events"
        )
        await self.get(
            "methods/calls/getCallsCallIdEventsEventId.md",
            f"{u}/calls/{self.c1}/events/{events[-1]['id']}",
        )
        await self.get(
            "methods/calls/getCallsCallIdGatherGatherId.md",
            f"{u}/calls/{self.c1}/gather/{self.gather_id}",
        )
        await self.get("methods/messages/getMessages.md", f"{u}/messages")
        incoming = await self.get(
            "methods/messages/getMessages.md", f"{u}/messages", direction="in"
        )
        await self.get(
            "methods/messages/getMessagesMessageId.md", f"{u}/messages/{incoming[0]['id']}"
        )
        response = await self.http.put(
            f"{u}/media/clip.wav", content=b"RIFF....", headers={"content-type": "audio/wav"}
        )
        assert response.status_code == 200
        await self.get("methods/media/getMedia.md", f"{u}/media")
        domain = await self.create(f"{u}/domains", {"name": "docsdomain", "description": "d"})
        await self.get("methods/domains/getDomains.md", f"{u}/domains")
        app_id = (await self.get("methods/applications/getApplications.md", f"{u}/applications"))[
            0
        ]["id"]
        await self.get(
            "methods/applications/getApplicationsApplicationId.md", f"{u}/applications/{app_id}"
        )
        endpoint = await self.create(
            f"{u}/domains/{domain}/endpoints",
            {
                "name": "jsmith",
                "description": "d",
                "applicationId": app_id,
                "credentials": {"password": "123456"},
            },
        )
        await self.get("methods/endpoints/getEndpoints.md", f"{u}/domains/{domain}/endpoints")
        await self.get(
            "methods/endpoints/getEndpointsEndpointId.md",
            f"{u}/domains/{domain}/endpoints/{endpoint}",
        )
        await self.get("methods/account/getAccount.md", f"{u}/account")
        for kind in (None, "charge", "payment", "credit", "auto-recharge"):
            params = {"type": kind} if kind else {}
            await self.get(
                "methods/account/getAccountTransactions.md", f"{u}/account/transactions", **params
            )
        await self.get(
            "methods/availableNumbers/getAvailableNumbersLocal.md",
            "/availableNumbers/local",
            areaCode="919",
            quantity=2,
        )
        await self.get(
            "methods/availableNumbers/getAvailableNumbersLocal.md",
            "/availableNumbers/local",
            city="Cary",
            state="NC",
            quantity=2,
        )
        await self.get(
            "methods/availableNumbers/getAvailableNumbersTollFree.md",
            "/availableNumbers/tollFree",
            quantity=2,
        )
        numbers = await self.get("methods/phoneNumbers/getPhoneNumbers.md", f"{u}/phoneNumbers")
        await self.get(
            "methods/phoneNumbers/getPhoneNumbersNumberId.md",
            f"{u}/phoneNumbers/{numbers[1]['id']}",
        )
        await self.get(
            "methods/numberInfo/getNumberInfo.md", f"/phoneNumbers/numberInfo/{self.ours}"
        )
        assert (await self.http.get(f"{u}/calls/c-nosuchcall")).status_code == 404
        errors = await self.get("methods/errors/getErrors.md", f"{u}/errors")
        await self.get("methods/errors/getErrorsErrorId.md", f"{u}/errors/{errors[0]['id']}")


async def rate_limited(got: Captured) -> None:
    """The rate-limit answers (rateLimits/*.md), from a sandbox of its own in real time:
    the 10 s average must not slide past the burst on a busy machine."""
    sandbox = Sandbox(time_scale=1, seed=7)
    async with serving(create_app(sandbox)) as server:
        creds = sandbox.credentials
        auth = (creds.token, creds.secret)
        async with httpx.AsyncClient(base_url=server.url + "/v1", auth=auth) as http:
            user = f"/users/{sandbox.user_id}"
            found = await http.post(
                "/availableNumbers/local", params={"areaCode": "919", "quantity": 1}
            )
            ours = found.json()[0]["number"]
            sandbox.rate_limits = True
            await http.get(f"{user}/account")
            got.keep("rateLimits/resourceRateLimits.md", await http.get(f"{user}/account"), (429,))
            batch = [{"from": ours, "to": "+12025550100", "text": str(n)} for n in range(10)]
            assert (await http.post(f"{user}/messages", json=batch)).status_code == 202
            over = await http.post(f"{user}/messages", json=batch[0])
            got.keep("rateLimits/messageRateLimits.md", over, (403,))
            call = {"from": ours, "to": "+15555000000"}  # unallocated: ends at once
            for _ in range(11):
                response = await http.post(f"{user}/calls", json=call)
                if response.status_code == 403:
                    break
            got.keep("rateLimits/callRateLimits.md", response, (403,))
