"""What the sandbox refuses in a BXML document before running any of it.

`bwconsole.bxml.parse` checks each verb against BXML.tsv; these are the rules it
cannot know: every transfer destination must be something a call can be placed
to, and the times a verb waits must be finite, so that no value in an
application's reply can crash the runner (docs/sandbox.md, "Limits"). A
document that breaks one is invalid BXML: recorded in /errors, call hung up.
"""

from __future__ import annotations

from bwconsole.bxml import BxmlError, Gather, PhoneNumber, Transfer, Verb
from bwconsole.sandbox.web import E164, SIP_URI

__all__ = [
    "MAX_DESTINATIONS",
    "MAX_INTER_DIGIT_TIMEOUT",
    "MAX_REDIRECTS",
    "MAX_REQUEST_TIMEOUT_MS",
    "check",
]

#: Destinations of one `<Transfer>`, `transferTo` included (bxml/verbs/transfer.md).
MAX_DESTINATIONS = 7
#: `requestUrlTimeout` ceiling (ms): an hour, far above the documented 30 s default.
MAX_REQUEST_TIMEOUT_MS = 3_600_000
#: `interDigitTimeout` ceiling (s) of a `<Gather>`.
MAX_INTER_DIGIT_TIMEOUT = 3600
#: `<Redirect>`s one call may follow; the next one is invalid BXML.
MAX_REDIRECTS = 20


def check(verbs: list[Verb]) -> None:
    """Raise `BxmlError` naming the first verb (at any depth) the sandbox cannot run."""
    stack = list(reversed(verbs))
    while stack:
        verb = stack.pop()
        name = type(verb).__name__
        timeout = getattr(verb, "request_url_timeout", None)
        if timeout is not None and timeout > MAX_REQUEST_TIMEOUT_MS:
            raise BxmlError(
                f"<{name}> requestUrlTimeout must be at most {MAX_REQUEST_TIMEOUT_MS} ms"
            )
        if isinstance(verb, Gather) and (verb.inter_digit_timeout or 0) > MAX_INTER_DIGIT_TIMEOUT:
            raise BxmlError(
                f"<Gather> interDigitTimeout must be at most {MAX_INTER_DIGIT_TIMEOUT} s"
            )
        if isinstance(verb, Transfer):
            _check_destinations(verb)
        stack.extend(reversed(getattr(verb, "children", None) or []))


def destinations(verb: Transfer) -> list[str]:
    """`transferTo` and every `<PhoneNumber>`, in order."""
    found = [verb.transfer_to.strip()] if verb.transfer_to else []
    return found + [
        child.number.strip() for child in verb.children if isinstance(child, PhoneNumber)
    ]


def _check_destinations(verb: Transfer) -> None:
    targets = destinations(verb)
    if not targets:
        raise BxmlError("<Transfer> needs transferTo or a <PhoneNumber>")
    if len(targets) > MAX_DESTINATIONS:
        raise BxmlError(f"<Transfer> has {len(targets)} destinations; at most {MAX_DESTINATIONS}")
    for target in targets:
        if not E164.match(target) and not SIP_URI.match(target):
            shown = target if len(target) <= 40 else target[:40] + "..."
            raise BxmlError(
                f"<Transfer> destination {shown!r} is neither an E.164 number nor a sip: URI"
            )
