"""Puffle's vocabulary: campaign and node types, node fields, statuses, limits, the id pattern.

Shared by every other module of the package; it imports only the standard library.
"""

from __future__ import annotations

from typing import Any

UUID_PATTERN = (
    r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
    r"|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$"
)

TYPES = ("email", "linkedin")
NODE_FIELDS: dict[str, tuple[str, ...]] = {
    "connection_request": ("body", "include_message"),
    "message": ("body",),
    "email": (
        "subject",
        "body",
        "is_reply",
        "body_html",
        "signature",
        "from_name",
        "reply_to",
        "cc",
        "bcc",
        "attachments",
    ),
    "delay": ("delay_days", "delay_hours", "delay_minutes"),
    "ai": ("ai_node",),
    "end": (),
}
CHANNEL_NODES = {
    "email": ("email", "delay", "ai", "end"),
    "linkedin": ("connection_request", "message", "delay", "ai", "end"),
}
SENDING_NODES = ("connection_request", "message", "email", "ai")
READY_SENDER = {"email": ("active", "warming"), "linkedin": ("connected",)}
PENDING = "pending"
IN_FLIGHT = ("sent", "connection_sent", "connected", "message_sent")
TERMINAL = ("replied", "bounced", "completed", "timed_out", "cancelled")
PROSPECT_STATUSES = (PENDING, *IN_FLIGHT, *TERMINAL)

MIN_DELAY_MINUTES = 1
MAX_DELAY_MINUTES = 30 * 24 * 60
DAILY_LIMIT = (1, 500)
MAX_ACCOUNT_LIMITS = 50
MAX_PAGE_LIMIT = 200
DEFAULT_PAGE_LIMIT = 100
MAX_IMPORT = 1000
MAX_DELETE = 500
LAUNCH_LOCK_SECONDS = 120.0

_DELAY_FIELDS = ("delay_days", "delay_hours", "delay_minutes")
_PROSPECT_TEXT = ("first_name", "last_name", "company", "position", "headline")


def _delay_minutes(node: dict[str, Any]) -> int:
    d, h, m = (node.get(k) or 0 for k in _DELAY_FIELDS)
    return int(d) * 1440 + int(h) * 60 + int(m)
