"""Switchboard: a self-hosted AI phone agent for small businesses."""

__version__ = "0.1.0"
