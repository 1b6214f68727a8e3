"""The relay: receives v1 callbacks on a public host and forwards them to consoles over websockets.

Protocol, options and deployment: `docs/relay.md`.
"""

from bwconsole.relay.app import create_app, server_options
from bwconsole.relay.bxml import DEFAULT_FALLBACK_BXML, BxmlRouter, Routed, Router
from bwconsole.relay.hub import CLOSE_SLOW_CONSUMER
from bwconsole.relay.ingress import MAX_BODY_BYTES
from bwconsole.relay.model import ChannelStats, Incoming, StoredEvent
from bwconsole.relay.state import DEFAULT_QUEUE_LIMIT, Relay
from bwconsole.relay.store import MemoryStore, SharedStore, Store
from bwconsole.relay.store_spec import default_sqlite_path, open_store

__all__ = [
    "CLOSE_SLOW_CONSUMER",
    "DEFAULT_FALLBACK_BXML",
    "DEFAULT_QUEUE_LIMIT",
    "MAX_BODY_BYTES",
    "BxmlRouter",
    "ChannelStats",
    "Incoming",
    "MemoryStore",
    "Relay",
    "Routed",
    "Router",
    "SharedStore",
    "Store",
    "StoredEvent",
    "create_app",
    "default_sqlite_path",
    "open_store",
    "server_options",
]
