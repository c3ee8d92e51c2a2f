"""Puffle's API (`https://app.puffle.ai/api`), emulated from its public docs at /puffle/api."""

from .routes import DEMO_SENDERS, UUID_PATTERN, Emulator

__all__ = ["DEMO_SENDERS", "UUID_PATTERN", "Emulator"]
