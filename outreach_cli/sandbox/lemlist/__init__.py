"""The lemlist API emulator (`/lemlist/api/…`); the Emulator class is in routes.py."""

from .routes import Emulator, iso_ms, js_date

__all__ = ["Emulator", "iso_ms", "js_date"]
