"""SendKit: the adapter, its rules as data, its campaign schema and its lead operations."""

from .adapter import SendKit

__all__ = ["SendKit"]
