"""Campaign settings: the update page's flat flags, its structured sections and how they pair."""

from __future__ import annotations

from typing import Any

from .jsonvalue import deep_copy

PROGRESS = ("continue", "pause", "stop")

# The update page's flat flags, in the page's order (its response echoes them in this order).
FLAGS = (
    "stopOnEmailReplied",
    "stopOnMeetingBooked",
    "stopOnLinkClicked",
    "leadsPausedByInterest",
    "opportunityReplied",
    "opportunityClicked",
    "autoLeadInterest",
    "disableTrackOpen",
    "disableTrackClick",
    "disableTrackReply",
    "disableOutOfOffice",
    "sequenceSharing",
)
# Docs silent on defaults except `stopOnEmailReplied: true` (the create example); stopping on a
# booked meeting is assumed on too, everything else off.
FLAG_DEFAULTS = dict.fromkeys(FLAGS, False) | {
    "stopOnEmailReplied": True,
    "stopOnMeetingBooked": True,
}

BOOL_KIND, PROGRESS_KIND, LINKS_KIND = "bool", "progress", "links"
_AI_ACTION = {
    "enabled": BOOL_KIND,
    "pauseAllCampaignsForLead": BOOL_KIND,
    "pauseCampaignForCompany": BOOL_KIND,
    "pauseAllCampaignsForCompany": BOOL_KIND,
}
# The structured sections of the update page and their inner keys (OpenAPI request body).
SECTIONS: dict[str, dict[str, Any]] = {
    "aiFeatures": {
        "scoreReplies": BOOL_KIND,
        "onInterestedReply": _AI_ACTION,
        "onNotInterestedReply": _AI_ACTION,
    },
    "tracking": {"trackOpens": BOOL_KIND, "trackClicks": BOOL_KIND, "trackReplies": BOOL_KIND},
    "onReplied": {
        "createNewTask": BOOL_KIND,
        "campaignProgress": PROGRESS_KIND,
        "propagateProgressToCompany": BOOL_KIND,
        "disableOutOfOffice": BOOL_KIND,
    },
    "onLinkClicked": {
        "createNewTask": BOOL_KIND,
        "campaignProgress": PROGRESS_KIND,
        "propagateProgressToCompany": BOOL_KIND,
        "specificLinks": LINKS_KIND,
    },
    "onMeetingBooked": {"campaignProgress": PROGRESS_KIND, "propagateProgressToCompany": BOOL_KIND},
}


def section_defaults() -> dict[str, Any]:
    off = dict.fromkeys(_AI_ACTION, False)
    return {
        "aiFeatures": {
            "scoreReplies": False,
            "onInterestedReply": dict(off),
            "onNotInterestedReply": dict(off),
        },
        "tracking": {"trackOpens": True, "trackClicks": True, "trackReplies": True},
        "onReplied": {
            "createNewTask": False,
            "campaignProgress": "stop",
            "propagateProgressToCompany": False,
            "disableOutOfOffice": False,
        },
        "onLinkClicked": {
            "createNewTask": False,
            "campaignProgress": "continue",
            "propagateProgressToCompany": False,
            "specificLinks": [],
        },
        "onMeetingBooked": {"campaignProgress": "stop", "propagateProgressToCompany": False},
    }


# The page says the structured sections are "the preferred way" and the flat fields "remain
# supported for back-compat": both write one setting. Docs silent on the pairing; these are the
# pairs whose wording matches. (flag, section, key, how): `not` = opposite boolean, `same` =
# equal boolean, `stop` = flag is true exactly when campaignProgress is "stop".
TWINS = (
    ("disableTrackOpen", "tracking", "trackOpens", "not"),
    ("disableTrackClick", "tracking", "trackClicks", "not"),
    ("disableTrackReply", "tracking", "trackReplies", "not"),
    ("disableOutOfOffice", "onReplied", "disableOutOfOffice", "same"),
    ("stopOnEmailReplied", "onReplied", "campaignProgress", "stop"),
    ("stopOnMeetingBooked", "onMeetingBooked", "campaignProgress", "stop"),
    ("stopOnLinkClicked", "onLinkClicked", "campaignProgress", "stop"),
)


def merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    """Partial update: "omitted flags keep their current value", at every depth."""
    for key, v in patch.items():
        if isinstance(v, dict) and isinstance(target.get(key), dict):
            merge(target[key], v)
        else:
            target[key] = deep_copy(v)


def sync_from_flag(camp: dict[str, Any], flag: str) -> None:
    value = camp["flags"][flag]
    for f, section, key, how in TWINS:
        if f != flag:
            continue
        sec = camp["sections"][section]
        if how == "not":
            sec[key] = not value
        elif how == "same":
            sec[key] = value
        elif value:
            sec[key] = "stop"
        elif sec[key] == "stop":
            sec[key] = "continue"


def sync_from_section(camp: dict[str, Any], section: str, patch: dict[str, Any]) -> None:
    for flag, sec_name, key, how in TWINS:
        if sec_name != section or key not in patch:
            continue
        v = patch[key]
        camp["flags"][flag] = (not v) if how == "not" else (v if how == "same" else v == "stop")
