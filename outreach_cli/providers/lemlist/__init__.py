"""lemlist: the adapter, its rules as data, its campaign schema and its lead operations."""

from .adapter import Lemlist

__all__ = ["Lemlist"]
