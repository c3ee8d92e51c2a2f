"""Puffle's API (`https://app.puffle.ai/api`), emulated from its public docs at /puffle/api."""

from .model import (
    CHANNEL_NODES,
    DAILY_LIMIT,
    DEFAULT_PAGE_LIMIT,
    IN_FLIGHT,
    LAUNCH_LOCK_SECONDS,
    MAX_ACCOUNT_LIMITS,
    MAX_DELAY_MINUTES,
    MAX_DELETE,
    MAX_IMPORT,
    MAX_PAGE_LIMIT,
    MIN_DELAY_MINUTES,
    NODE_FIELDS,
    PENDING,
    PROSPECT_STATUSES,
    READY_SENDER,
    SENDING_NODES,
    TERMINAL,
    TYPES,
    UUID_PATTERN,
)
from .request import workspace_of
from .routes import Emulator
from .storage import DEMO_SENDERS
from .validation import CREATE_FIELDS, PATCH_TABLE

__all__ = [
    "CHANNEL_NODES",
    "CREATE_FIELDS",
    "DAILY_LIMIT",
    "DEFAULT_PAGE_LIMIT",
    "DEMO_SENDERS",
    "IN_FLIGHT",
    "LAUNCH_LOCK_SECONDS",
    "MAX_ACCOUNT_LIMITS",
    "MAX_DELAY_MINUTES",
    "MAX_DELETE",
    "MAX_IMPORT",
    "MAX_PAGE_LIMIT",
    "MIN_DELAY_MINUTES",
    "NODE_FIELDS",
    "PATCH_TABLE",
    "PENDING",
    "PROSPECT_STATUSES",
    "READY_SENDER",
    "SENDING_NODES",
    "TERMINAL",
    "TYPES",
    "UUID_PATTERN",
    "Emulator",
    "workspace_of",
]
