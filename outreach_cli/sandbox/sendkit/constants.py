"""Enums, limits, accepted field names and id/format patterns, as the SendKit pages give them."""

from __future__ import annotations

import re
from typing import Any

# -- enums and limits (from the create/update/lead pages and providers.md §1) --------------------

CAMPAIGN_STATUSES = ("draft", "active", "paused", "completed", "archived")
LEAD_STATUSES = (
    "pending",
    "active",
    "paused",
    "completed",
    "bounced",
    "unsubscribed",
    "replied",
    "removed",
)
# The lead PATCH page: "Status can only be changed to active or paused".
LEAD_SETTABLE_STATUSES = ("active", "paused")
# Statuses a lead never leaves through the API: the emulator's reading where the page is
# silent (it states only the target values). Mail to a bounced address or to a person who
# unsubscribed must not resume; a `removed` lead is not here: the page gives no reason to
# refuse setting it back to active or paused, so the emulator does not (issue 21).
LEAD_TERMINAL_STATUSES = ("bounced", "unsubscribed")
# Statuses in which a lead still has work ahead; a campaign with none left is completed.
LEAD_OPEN_STATUSES = ("pending", "active", "paused")
STEP_TYPES = ("email", "wait")
TRIGGER_TYPES = ("ai_tag", "reply")
SUBSEQUENCE_STATUSES = ("active", "archived")
MAX_ACTIVE_SUBSEQUENCES = 15
ESP_MATCHING_MODES = ("disabled", "auto")  # `custom` is legacy: read back, refused on write
SEG_CHECK_MODES = ("disabled", "skip_all", "skip_providers", "use_specific_mailboxes")
SEG_CHECK_LEGACY = {"use_specific_mailboxes": "disabled"}  # normalised on write, per the page
SEG_PROVIDERS = (
    "proofpoint",
    "mimecast",
    "barracuda",
    "cisco",
    "forcepoint",
    "sophos",
    "trendmicro",
    "symantec",
    "mcafee",
    "microsoft_atp",
    "google_postini",
)
OPTIMIZATION_METRICS = ("replyRate", "openRate", "clickRate")
# The update page lists these two enums but its captured text does not show their JSON keys;
# `mailboxPriority` and `sendOrder` are this emulator's guesses.
MAILBOX_PRIORITIES = ("auto", "high", "normal", "low")
SEND_ORDERS = ("auto", "follow-ups-first", "balanced", "new-leads-first")
CONDITION_OPERATORS = ("has_value", "no_value", "equals", "not_equals", "contains", "not_contains")
LEAD_ACTIONS = ("pause", "resume", "remove")
MAX_LEADS_PER_ADD = 5000
MAX_REPLY_NOTIFICATION_EMAILS = 5
DEFAULT_PAGE_LIMIT = 25
MAX_PAGE_LIMIT = 100
VARIANT_LABEL = re.compile(r"^[A-Z]$")

# Settings the read shape flattens to the top level of a campaign (providers.md "Diff gotcha");
# every other settings key is read back under `settings`.
FLATTENED_SETTINGS = (
    "trackOpens",
    "trackClicks",
    "stopOnReply",
    "emailIntervalMinutes",
    "includeUnsubscribeLink",
)
# Defaults applied on create (the create page's "(default …)" notes).
DEFAULT_SETTINGS: dict[str, Any] = {
    "trackOpens": True,
    "trackClicks": True,
    "includeUnsubscribeLink": False,
    "stopOnReply": True,
    "stopOnAutoReply": False,
    "stopOnCompanyReply": False,
    "skipDNC": True,
    "emailIntervalMinutes": 15,
}
DEFAULT_SCHEDULE: dict[str, Any] = {
    "timezone": "America/New_York",
    "startTime": "09:00",
    "endTime": "17:00",
    "workingDays": [1, 2, 3, 4, 5],
    "skipNationalHolidays": True,
}
SCHEDULE_KEYS = frozenset(DEFAULT_SCHEDULE)
MAILBOX_SELECTORS = ("mailboxes", "mailboxIds", "mailboxEmails", "mailboxTags", "mailboxProvider")
CAMPAIGN_BODY_KEYS = frozenset(
    {"name", "sequence", "subsequences", "schedule", "settings", *MAILBOX_SELECTORS}
)
# `useConditionalVariables`/`conditionalVariables`: the page describes "whether conditional
# variables are used" and "conditional variable definitions" without showing their keys; these
# names are guesses.
STEP_KEYS = frozenset(
    {
        "_id",
        "type",
        "order",
        "name",
        "subject",
        "body",
        "waitDays",
        "waitHours",
        "variants",
        "useConditionalVariables",
        "conditionalVariables",
    }
)
EMAIL_ONLY_STEP_KEYS = (
    "subject",
    "body",
    "variants",
    "useConditionalVariables",
    "conditionalVariables",
)
WAIT_ONLY_STEP_KEYS = ("waitDays", "waitHours")
VARIANT_KEYS = frozenset({"_id", "label", "subject", "body", "enabled"})
# `addedCount` and `stats` are server-side counters: accepted (so a GET can be sent back as is)
# and ignored. `id` is accepted as an alias of `_id` ("each subsequence keeps its _id / id").
SUBSEQUENCE_KEYS = frozenset(
    {"_id", "id", "name", "trigger", "sequence", "status", "addedCount", "stats"}
)
TRIGGER_KEYS = frozenset({"type", "value"})
LEAD_PATCH_KEYS = frozenset({"status", "aiTag"})
ADD_LEADS_KEYS = frozenset({"leads", "filters", "selectAll", "excludeIds"})
ADD_LEAD_FILTER_KEYS = frozenset({"search", "tags", "leadIds", "emailVerified", "country"})
LEAD_ACTION_KEYS = frozenset({"action", "leadIds", "selectAll", "filters", "excludeIds"})
LEAD_ACTION_FILTER_KEYS = frozenset({"status", "aiTag"})
LEAD_ENTRY_FIELDS = ("firstName", "lastName", "companyName", "phone", "title", "customFields")

API_KEY = re.compile(r"^sk_[A-Za-z0-9_-]+$")
PLATFORM_KEY_PREFIX = "sk_user_"
HEX24 = re.compile(r"^[0-9a-f]{24}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
