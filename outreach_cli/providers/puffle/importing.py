"""What `outreach import` needs to know about Puffle beyond the adapter's read-back."""

from __future__ import annotations

from typing import Any

from ..base import Provider, Remote

# Fields whose text goes to a file beside the YAML (`!file`): dotted, without list indexes.
LONG_BODIES = ("sequence_nodes.body", "sequence_nodes.body_html")
# Node ids and positions are Puffle's (the full upsert replaces them); the order is the list's.
ASSIGNED = ("sequence_nodes.id", "sequence_nodes.position", "sequence_nodes.campaign_id")


def list_ids(provider: Provider) -> list[str]:
    # GET /api/campaigns has no pagination (providers.md §3): every campaign in one list.
    data = provider.client.get("/campaigns").data or {}
    items = data.get("campaigns") if isinstance(data, dict) else data
    return [str(c.get("id")) for c in items or [] if isinstance(c, dict)]


def prepare(state: dict[str, Any], remote: Remote) -> dict[str, Any]:
    return state


def notes(remote: Remote) -> list[str]:
    return []
