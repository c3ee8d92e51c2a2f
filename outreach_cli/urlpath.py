"""URL path segments: ids percent-quoted so that no value can change the path or the query."""

from __future__ import annotations

from urllib.parse import quote


def seg(value: object) -> str:
    """One URL path segment, percent-quoted: an id such as `../../lemlist/api/team` or
    `x?limit=1` stays inside its segment instead of changing the path or the query."""
    return quote(str(value), safe="")
