"""What `outreach import` needs to know about lemlist beyond normalize.py."""

from __future__ import annotations

from typing import Any

from ..base import Provider, Remote
from .rules import LEGACY_EQUIVALENTS

# Fields whose text goes to a file beside the YAML (`!file`): dotted, without list indexes.
LONG_BODIES = ("steps.message", "steps.altMessage", "steps.abTest.message")
# Values lemlist assigns itself: step and schedule ids are not part of a campaign file.
ASSIGNED: tuple[str, ...] = ()


def list_ids(provider: Provider) -> list[str]:
    return [str(c.get("_id")) for c in provider.list_campaigns()]  # type: ignore[attr-defined]


def prepare(state: dict[str, Any], remote: Remote) -> dict[str, Any]:
    """Legacy flat flags are left out where the structured section they mirror was read back
    (lemlist prefers the structured one; a file stating both may contradict itself)."""
    for flag, eq in LEGACY_EQUIVALENTS.items():
        node: Any = state
        for part in eq.key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            state.pop(flag, None)
    return state


def notes(remote: Remote) -> list[str]:
    return []
