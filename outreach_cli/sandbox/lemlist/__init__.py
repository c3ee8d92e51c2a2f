"""The lemlist API emulator (`/lemlist/api/…`); the Emulator class is in routes.py."""

from .clock import iso_ms
from .ratelimit import js_date
from .routes import Emulator

__all__ = ["Emulator", "iso_ms", "js_date"]
