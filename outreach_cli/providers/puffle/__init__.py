"""Puffle: the adapter, its rules as data, its campaign schema and its lead operations."""

from .adapter import Puffle

__all__ = ["Puffle"]
