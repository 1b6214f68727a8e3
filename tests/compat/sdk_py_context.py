"""What every bandwidth-sdk flow gets: the SDK's three clients, built exactly as its
README shows, pointed at a real `bwconsole sandbox`, plus the test's application server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import bandwidth

from compat.sdk_py_registry import unique
from compat.servers import AppServer, SandboxProcess


@dataclass
class SdkContext:
    sandbox: SandboxProcess
    app: AppServer
    voice: Any = field(init=False)
    account: Any = field(init=False)
    messaging: Any = field(init=False)
    _numbers: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        creds = (self.sandbox.user_id, self.sandbox.token, self.sandbox.secret)
        options = {"api_endpoint": self.sandbox.endpoint}
        self.voice = bandwidth.client("voice", *creds, **options)
        self.account = bandwidth.client("account", *creds, **options)
        self.messaging = bandwidth.client("messaging", *creds, **options)

    def our_number(self) -> str:
        """A local number the account owns (ordered once through the SDK)."""
        if not self._numbers:
            ordered = self.account.search_and_order_local_numbers(area_code="919", quantity=1)
            self._numbers.append(ordered[0]["number"])
        return self._numbers[0]

    def callback_path(self, what: str) -> tuple[str, str]:
        """A fresh path on the application server and its absolute URL."""
        path = "/" + unique(what)
        return path, self.app.url + path
