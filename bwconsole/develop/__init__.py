"""Developing your own v1 application on localhost: `listen`, `events` and `trigger`.

`bwconsole listen --forward-to URL` re-sends a relay channel's callbacks, and
its BXML requests, to an app on the developer's machine; `bwconsole events`
lists and re-sends stored events; `bwconsole trigger` makes the sandbox start
the calls and messages an app must handle. Walk-through: `docs/develop-your-app.md`.
"""
