"""BXML from the official generators, built inside the test run (never stored as fixtures).

One document per verb and attribute each builder offers, every one ending in a hangup so
the call that runs it ends: node-bandwidth 4.0.0's `BXMLResponse` (tests/compat/node/bxml.js),
bandwidth-bxml 0.3 and bandwidth-sdk 3.1.0's `bandwidth.voice.bxml.Response` (with lxml's
`E` factory, as its docstring shows). `EXPECTED_WARNINGS` is what `bwconsole.bxml` must
report normalising for each document (docs/decisions/006-bxml-leniency.md).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable

import bandwidth_bxml
from bandwidth.voice.bxml import Response as SdkResponse
from lxml.builder import E

from compat.node_sdk import run_node

NODE = "node-bandwidth 4.0.0 (BXMLResponse)"
PY_BXML = "bandwidth-bxml 0.3"
PY_SDK = "bandwidth-sdk 3.1.0 (bandwidth.voice.bxml)"

Documents = dict[str, str]


def node_documents(app: str) -> Documents:
    documents: Documents = json.loads(run_node("bxml.js", app))
    return documents


def _bxml_string(response: bandwidth_bxml.Response) -> str:
    """`to_string()`, which on Python 3 adds bytes to str (TypeError) in 0.3: when it does,
    the same text it means to build (declaration + ElementTree's serialisation)."""
    try:
        text: str = response.to_string()
    except TypeError:
        text = '<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(
            response.root, encoding="unicode"
        )
    return text


def bandwidth_bxml_documents(app: str) -> Documents:
    built: dict[str, Callable[[bandwidth_bxml.Response], object]] = {
        "speak": lambda r: r.speak("Hello", gender="male", voice="paul", locale="en_US"),
        "speak (defaults, volume)": lambda r: r.speak("Hi", volume="2"),
        "play": lambda r: r.play("https://example.com/a.wav"),
        "play with digits": lambda r: r.play("https://example.com/a.wav", digits="5"),
        "hangup": lambda r: None,
        "record": lambda r: r.record(
            requestUrl=f"{app}/bxml/py/record",
            requestUrlTimeout="3000",
            fileFormat="wav",
            terminatingDigits="#",
            maxDuration="2",
            transcribe="true",
            transcribeCallbackUrl=f"{app}/bxml/py/transcribe",
        ),
        "transfer": lambda r: r.transfer(
            "+15554010000",
            None,
            callTimeout="10",
            requestUrl=f"{app}/bxml/py/transfer",
            requestUrlTimeout="3000",
            tag="xfer",
        ).speak("Connecting you"),
        "transfer to a list (PhoneNumber)": lambda r: r.transfer(
            ["+15554010001", "+15554010002"], None
        ),
        "gather": lambda r: r.gather(
            f"{app}/bxml/py/gather",
            requestUrlTimeout="3000",
            terminatingDigits="*",
            maxDigits="4",
            interDigitTimeout="3",
            bargeable="true",
        ).speak("Enter your PIN"),
        "gather with play": lambda r: r.gather(f"{app}/bxml/py/gather-play").play(
            "https://example.com/menu.wav"
        ),
        "redirect": lambda r: r.redirect(f"{app}/bxml/py/redirect", "3000", context="step-2"),
        "pause": lambda r: r.append(bandwidth_bxml.Pause("1")),
    }
    documents = {}
    for name, fill in built.items():
        response = bandwidth_bxml.Response()
        fill(response)
        response.hangup()
        documents[name] = _bxml_string(response)
    return documents


def bandwidth_sdk_documents(app: str) -> Documents:
    verbs = {
        "SpeakSentence": E.SpeakSentence(
            "Hello", gender="female", locale="en_US", voice="susan", volume="-1"
        ),
        # Attributes as a dict: `tag` would clash with ElementMaker's own first parameter.
        "Gather": E.Gather(
            E.SpeakSentence("Enter your PIN"),
            {
                "requestUrl": f"{app}/bxml/sdk/gather",
                "requestUrlTimeout": "3000",
                "terminatingDigits": "#",
                "maxDigits": "4",
                "interDigitTimeout": "3",
                "bargeable": "true",
                "tag": "pin",
            },
        ),
        "PlayAudio": E.PlayAudio("https://example.com/a.mp3", volume="2", repeatCount="2"),
        "Pause": E.Pause(length="1"),
        "Record": E.Record(
            requestUrl=f"{app}/bxml/sdk/record",
            requestUrlTimeout="3000",
            fileFormat="wav",
            transcribe="true",
            transcribeCallbackUrl=f"{app}/bxml/sdk/transcribe",
            maxDuration="2",
            silenceTimeout="1",
            silenceThreshold="100",
            terminatingDigits="#",
        ),
        "Redirect": E.Redirect(requestUrl=f"{app}/bxml/sdk/redirect", requestUrlTimeout="3000"),
        "SendDtmf": E.SendDtmf("12w3#"),
        "Transfer": E.Transfer(
            E.PhoneNumber("+15554010001"),
            E.SpeakSentence("Connecting"),
            E.Record(multiChannel="true"),
            {
                "transferTo": "+15554010000",
                "callTimeout": "10",
                "requestUrl": f"{app}/bxml/sdk/transfer",
                "requestUrlTimeout": "3000",
                "tag": "xfer",
                "diversionTreatment": "stack",
                "diversionReason": "unavailable",
            },
        ),
        "Hangup": None,
        # The SDK docstring's own example.
        "Call (docstring example)": E.Call({"from": "+19195551212", "to": "+19195551213"}),
    }
    return {
        name: str(SdkResponse(*([] if verb is None else [verb]), E.Hangup()))
        for name, verb in verbs.items()
    }


GENERATORS: dict[str, Callable[[str], Documents]] = {
    NODE: node_documents,
    PY_BXML: bandwidth_bxml_documents,
    PY_SDK: bandwidth_sdk_documents,
}

_WRAPPED = "<xml>: wrapper around <Response> removed"
EXPECTED_WARNINGS: dict[str, dict[str, list[str]]] = {
    NODE: {
        "gather (JSDoc names)": [
            "<Gather>: attribute 'requestURL' read as 'requestUrl'",
            "<Gather>: attribute 'requestURLTimeout' read as 'requestUrlTimeout'",
            "<Gather>: attribute 'integerDigitTimeout' read as 'interDigitTimeout'",
        ],
        "call (obsolete)": ["<Call>: obsolete verb inside <Response> skipped"],
        "conference (obsolete)": ["<Conference>: obsolete verb inside <Response> skipped"],
        "sendMessage (obsolete)": ["<SendMessage>: obsolete verb inside <Response> skipped"],
    },
    PY_BXML: {
        "play with digits": ["<PlayAudio>: attribute 'digits' ignored"],
        "redirect": ["<Redirect>: attribute 'context' ignored"],
        "pause": ["<Pause>: attribute 'duration' read as 'length'"],
    },
    PY_SDK: {
        "Call (docstring example)": [
            _WRAPPED,
            "<Call>: obsolete verb inside <Response> skipped",
        ],
    },
}


def expected_warnings(generator: str, name: str) -> list[str]:
    """Warning prefixes for one document (every bandwidth-sdk document is wrapped in <xml>)."""
    found = EXPECTED_WARNINGS[generator].get(name)
    if found is not None:
        return found
    return [_WRAPPED] if generator == PY_SDK else []
