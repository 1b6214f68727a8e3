"""What `bwconsole listen` prints: one line per delivery, readable at a glance.

```
14:02:07.118  #41  incomingcall  c-3f2a…  BXML 200  9 ms  SpeakSentence, Gather
14:02:08.530  #42  answer        c-3f2a…  -> 200  4 ms
14:02:09.001  #43  gather        c-3f2a…  -> connection refused; retry 2 in 0.6 s
```

Deliveries and problems go to stdout (a developer pipes them to a file or
`grep`); `--quiet` keeps only retries and problems.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import TextIO

from bwconsole.develop.forward import Answer, event_id, event_type
from bwconsole.live import LiveEvent

__all__ = ["Printer"]


def _now() -> str:
    return datetime.now().strftime("%H:%M:%S.%f")[:-3]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


class Printer:
    """Formats deliveries, retries and problems.

    Args:
        quiet: print retries and problems only.
        print_json: print each delivered event's payload as indented JSON after its line.
        out: where to write (stdout).
    """

    def __init__(self, *, quiet: bool = False, print_json: bool = False, out: TextIO | None = None):
        self.quiet = quiet
        self.print_json = print_json
        self.out = out or sys.stdout

    def _line(self, live: LiveEvent, text: str) -> None:
        head = f"{_now()}  #{live.seq:<5} {event_type(live):<17} {event_id(live):<24}"
        print(f"{head} {text}".rstrip(), file=self.out, flush=True)

    def info(self, text: str) -> None:
        """A line about the session itself (connected, stopped), unless quiet."""
        if not self.quiet:
            print(text, file=self.out, flush=True)

    def problem(self, text: str) -> None:
        """A line a developer must see, even with `--quiet`."""
        print(text, file=self.out, flush=True)

    def delivered(self, live: LiveEvent, answer: Answer) -> None:
        """An event the app answered 2xx (it is now acked)."""
        if self.quiet:
            return
        tries = f" after {answer.attempts} attempts" if answer.attempts > 1 else ""
        self._line(live, f"-> {answer.status}  {_ms(answer.latency)}{tries}")
        self._json(live)

    def retrying(self, live: LiveEvent, reason: str, wait: float, attempt: int) -> None:
        """An attempt that failed; the next one follows after `wait` seconds."""
        self._line(live, f"-> {reason}; retry {attempt + 1} in {wait:.1f} s")

    def bxml(self, live: LiveEvent, answer: Answer, verbs: list[str], problem: str | None) -> None:
        """A BXML request the app answered; `problem` says why the API would reject it."""
        if problem is not None:
            self._line(live, f"BXML {answer.status}  {_ms(answer.latency)}  INVALID: {problem}")
        elif not self.quiet:
            self._line(live, f"BXML {answer.status}  {_ms(answer.latency)}  {', '.join(verbs)}")
        self._json(live)

    def bxml_failed(self, live: LiveEvent, reason: str) -> None:
        """A BXML request the app did not answer in time or with 2xx: the relay's fallback plays."""
        self._line(live, f"BXML {reason}: the caller gets the relay's fallback")

    def skipped(self, live: LiveEvent, reason: str) -> None:
        """An event not forwarded (acked all the same), and why."""
        if not self.quiet:
            self._line(live, f"not forwarded: {reason}")

    def _json(self, live: LiveEvent) -> None:
        if self.print_json and not self.quiet:
            print(json.dumps(live.payload, indent=2, ensure_ascii=False), file=self.out, flush=True)
