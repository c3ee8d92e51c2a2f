"""lemlist's lifecycle as data: what a file's status: accepts, the actions, what is blocked."""

from __future__ import annotations

# A draft has never sent and sends nothing: it satisfies `status: paused` as well (a pause
# of a campaign that is not running does nothing, so there is no call to make).
STATUS_MAP: dict[str, tuple[str, ...]] = {
    "active": ("running",),
    "paused": ("paused", "draft"),
    "draft": ("draft",),
}
TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("paused", "active"): ("start",),  # "Starts or resumes a paused campaign"
    ("draft", "active"): ("start",),
    ("running", "paused"): ("pause",),
}
# Deleting a step (and changing a step's type, and creating or ending an A/B test) is
# refused while running: with `status: paused` the pause runs first and makes them legal.
PRE_UPDATE_ACTIONS = frozenset({"pause"})
HOLD: dict[str, tuple[str, str]] = {"running": ("pause", "paused")}
_NO_DRAFT = (
    "lemlist's API has no way back to draft (new campaigns start running)",
    "write `status: paused`: a paused campaign sends nothing",
)
# Docs silent on starting an ended campaign (catalogue LM-C18).
_ENDED = (
    "outreach's rule: lemlist documents start for a new or paused campaign only "
    "('Starts or resumes a paused campaign'); what it does to an ended campaign is "
    "not documented, so outreach does not send it",
    "remove `status:` from the file, or create a new campaign (a new key)",
)
_ARCHIVED = (
    "the campaign is archived; lemlist's API has no unarchive action",
    "unarchive it in the lemlist app, or create a new campaign (a new key)",
)
LIFECYCLE_BLOCKED: dict[tuple[str, str], tuple[str, str]] = {
    ("running", "draft"): _NO_DRAFT,
    ("paused", "draft"): _NO_DRAFT,
    ("ended", "active"): _ENDED,
    ("ended", "paused"): _ENDED,
    ("ended", "draft"): _ENDED,
    ("archived", "active"): _ARCHIVED,
    ("archived", "paused"): _ARCHIVED,
    ("archived", "draft"): _ARCHIVED,
}
