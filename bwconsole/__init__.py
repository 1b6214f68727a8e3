"""bwconsole: a keyboard-driven console, relay and sandbox for the Bandwidth v1 API."""

__version__ = "0.1.0"
