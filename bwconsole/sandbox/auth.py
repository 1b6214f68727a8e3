"""HTTP basic auth of the emulated account: what every `/v1` route and the control
routes check before they run."""

from __future__ import annotations

import base64
import binascii
import hmac

from starlette.requests import Request

from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault

__all__ = ["check_credentials"]


def check_credentials(sandbox: Sandbox, request: Request) -> None:
    """Basic auth token:secret on every `/v1` request; another user's id is 403."""
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    token = secret = ""
    if scheme.lower() == "basic":
        try:
            token, _, secret = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            pass
    expected = sandbox.credentials
    if not (
        hmac.compare_digest(token.encode(), expected.token.encode())
        and hmac.compare_digest(secret.encode(), expected.secret.encode())
    ):
        raise ApiFault(
            401,
            "user-access-denied",
            "Authentication failed: the API token or secret is wrong",
            category="authentication",
            headers={"WWW-Authenticate": 'Basic realm="bandwidth"'},
        )
    user_id = request.path_params.get("userId")
    if user_id is not None and user_id != expected.user_id:
        raise ApiFault(
            403,
            "user-access-denied",
            f"The credentials are not allowed to access user {user_id}",
            category="authorization",
        )
