"""What `outreach import` needs to know about SendKit beyond the adapter's normalize."""

from __future__ import annotations

from typing import Any

from ..base import Provider, Remote

# Fields whose text goes to a file beside the YAML (`!file`): dotted, without list indexes.
LONG_BODIES = (
    "sequence.body",
    "sequence.variants.body",
    "subsequences.sequence.body",
    "subsequences.sequence.variants.body",
)
# Values SendKit assigns itself (step ids, order and names): left to it, compared only when
# a file sets them.
ASSIGNED = (
    "sequence._id",
    "sequence.order",
    "sequence.name",
    "sequence.variants._id",
    "subsequences.sequence._id",
    "subsequences.sequence.order",
    "subsequences.sequence.name",
    "subsequences.sequence.variants._id",
)


def list_ids(provider: Provider) -> list[str]:
    return [str(c.get("_id") or c.get("id")) for c in provider.list_campaigns()]  # type: ignore[attr-defined]


def prepare(state: dict[str, Any], remote: Remote) -> dict[str, Any]:
    """The normalised read-back before pruning (nothing to do for SendKit)."""
    return state


def notes(remote: Remote) -> list[str]:
    return []
