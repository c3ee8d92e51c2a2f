"""SendKit's schedule and settings rules (part of the catalogue in catalogue.py)."""

from __future__ import annotations

from typing import Any

from ..catalogue import Probe, Rule
from .catalogue_sources import CREATE, REF, UPDATE

P = Probe
SCHEMA = "schema.json settings."
SAND = "sandbox/sendkit/validation.py SETTINGS_SCHEMA"
SAND_SCHED = "sandbox/sendkit/validation.py _validate_schedule"
T_DIS = "tests/rules/test_sendkit_disagreements.py::"
T_RULES = "tests/providers/sendkit/test_schema_rules.py::"
T_SAND = "tests/sandbox/sendkit/test_validation.py::"
NEVER_SENDS = ("The pages give no bound; a value that would never send is refused on both "
               "sides as outreach's rule.")


def _s(key: str, value: Any) -> dict[str, Any]:
    return {f"settings.{key}": value}


def _bool(rid: str, key: str, quote: str) -> Rule:
    return Rule(rid, f"settings.{key} is a boolean", CREATE, quote, "documented", "error",
                client=SCHEMA + key, sandbox=SAND,
                probes=(P("not-boolean", _s(key, "no"), "refuse", "refuse"),
                        P("boolean", _s(key, False), "accept", "accept")))


SETTINGS_RULES: tuple[Rule, ...] = (
    Rule("SK-42", "schedule is merged into the existing one on PATCH", UPDATE,
         "Update sending schedule (merged into existing)", "documented", "accepted",
         client="adapter.py patch_body (_changed_subtree)",
         sandbox=SAND_SCHED,
         tested_by=(T_SAND + "test_settings_patch_merges_and_keeps_untouched_keys",)),
    Rule("SK-43", "schedule.timezone is an IANA name (default America/New_York)", CREATE,
         'IANA timezone (default "America/New_York")', "documented", "error",
         client="rules_settings.py _schedule (timezone_problem)", sandbox=SAND_SCHED,
         probes=(P("unknown-zone", {"schedule": {"timezone": "Mars/Olympus"}},
                   "refuse", "refuse"),
                 P("known-zone", {"schedule": {"timezone": "Europe/Paris"}},
                   "accept", "accept"))),
    Rule("SK-44", "startTime/endTime are HH:MM", CREATE,
         'Daily start time in HH:MM format (default "09:00")', "documented", "error",
         client="schema.json $defs.hhmm", sandbox=SAND_SCHED,
         probes=(P("hour-24", {"schedule": {"startTime": "24:00", "endTime": "23:59"}},
                   "refuse", "refuse"),
                 P("bounds", {"schedule": {"startTime": "00:00", "endTime": "23:59"}},
                   "accept", "accept"))),
    Rule("SK-45", "endTime is later than startTime (a time left out is the live one on an "
         "update, the default on a create)", UPDATE,
         "Update sending schedule (merged into existing)", "choice", "error",
         client="rules_settings.py _schedule (both times written); adapter.py window_problem "
                "(plan: one time written, against the live schedule or the create's default)",
         sandbox=SAND_SCHED,
         why="Docs silent; an empty window never sends, so both sides refuse it as "
             "outreach's rule. The create page's defaults (09:00, 17:00) fill a time a create "
             "leaves out; an update is merged into the live schedule, so a lone time is held "
             "to the live value of the other, which only plan knows (issue 21: validate held "
             "it to the default and refused a file the live schedule made valid).",
         probes=(P("start-after-end", {"schedule": {"startTime": "18:00", "endTime": "09:00"}},
                   "refuse", "refuse"),
                 P("equal", {"schedule": {"startTime": "10:00", "endTime": "10:00"}},
                   "refuse", "refuse"),
                 # Offline the live endTime is unknown: plan judges it (tested_by).
                 P("start-only-after-default-end", {"schedule": {"startTime": "18:00"}},
                   "accept", "refuse"),
                 P("start-only-before-default-end", {"schedule": {"startTime": "16:59"}},
                   "accept", "accept")),
         tested_by=(T_DIS + "test_a_lone_start_time_is_held_to_the_live_end_time_not_the_"
                    "default", T_DIS + "test_a_lone_start_time_on_a_create_is_held_to_the_"
                    "default_end_time")),
    Rule("SK-46", "workingDays are integers 0 (Sun) to 6 (Sat)", CREATE,
         "Days of week to send (0=Sun, 6=Sat). Default [1,2,3,4,5]", "documented", "error",
         client="schema.json schedule.workingDays", sandbox=SAND_SCHED,
         probes=(P("day-7", {"schedule": {"workingDays": [1, 7]}}, "refuse", "refuse"),
                 P("days-0-and-6", {"schedule": {"workingDays": [0, 6]}}, "accept", "accept"))),
    Rule("SK-47", "workingDays is not empty and names each day once", CREATE,
         "Days of week to send (0=Sun, 6=Sat).", "choice", "error",
         client="rules_settings.py _schedule", sandbox=SAND_SCHED,
         why="Docs silent; no day never sends and a repeated day is a typo outreach cannot "
             "read the intent of: refused on both sides as outreach's rule.",
         probes=(P("empty", {"schedule": {"workingDays": []}}, "refuse", "refuse"),
                 P("repeated", {"schedule": {"workingDays": [1, 1]}}, "refuse", "refuse"))),
    Rule("SK-48", "skipNationalHolidays is a boolean (default true)", CREATE,
         "Skip sending on national holidays (default true)", "documented", "error",
         client="schema.json schedule.skipNationalHolidays", sandbox=SAND_SCHED,
         probes=(P("not-boolean", {"schedule": {"skipNationalHolidays": "no"}},
                   "refuse", "refuse"),)),
    Rule("SK-49", "settings are merged into the existing values on PATCH", UPDATE,
         "All settings are optional and merge into existing values", "documented", "accepted",
         client="adapter.py patch_body (_changed_subtree)",
         sandbox="sandbox/sendkit/validation.py _merge_settings",
         tested_by=(T_SAND + "test_settings_patch_merges_and_keeps_untouched_keys",)),
    _bool("SK-50", "trackOpens", "Track email opens (default true)"),
    _bool("SK-51", "trackClicks", "Track link clicks (default true)"),
    _bool("SK-52", "includeUnsubscribeLink",
          "Add unsubscribe link to email footer and headers (default false)"),
    _bool("SK-53", "stopOnReply", "Stop sequence when lead replies (default true)"),
    _bool("SK-54", "stopOnAutoReply", "Stop on out-of-office and auto-replies (default false)"),
    _bool("SK-55", "stopOnCompanyReply",
          "Stop if anyone from the same company replies (default false)"),
    _bool("SK-56", "skipDNC", "Skip leads in your Do Not Contact list (default true)"),
    Rule("SK-57", "Settings read back flattened; schedule read back as sendingSchedule", REF,
         "You write `schedule`; GET returns `sendingSchedule`.", "documented", "normalised",
         client="adapter.py normalize", sandbox="sandbox/sendkit/storage.py _read_campaign",
         tested_by=("tests/sandbox/sendkit/test_routes.py::"
                    "test_get_returns_the_read_shape_with_the_settings_split",)),
    Rule("SK-58", "dailySendLimit: an integer of at least 1, or null", REF,
         "`dailySendLimit`: no bound documented.", "choice", "error",
         client="rules_settings.py _minimums", sandbox=SAND, why=NEVER_SENDS + " null is accepted "
         "on both (the audit found the client refusing it).",
         probes=(P("zero", _s("dailySendLimit", 0), "refuse", "refuse"),
                 P("one", _s("dailySendLimit", 1), "accept", "accept"),
                 P("null", _s("dailySendLimit", None), "accept", "accept"))),
    Rule("SK-59", "emailIntervalMinutes: an integer >= 0 (default 15)", CREATE,
         "Minutes between each email send (default 15)", "documented", "error",
         client=SCHEMA + "emailIntervalMinutes", sandbox=SAND,
         probes=(P("negative", _s("emailIntervalMinutes", -1), "refuse", "refuse"),
                 P("zero", _s("emailIntervalMinutes", 0), "accept", "accept"))),
    Rule("SK-60", "cc / bcc are email addresses (a repeat is not refused)", CREATE,
         "CC recipients added to every email", "documented", "error",
         client=SCHEMA + "cc (format email)", sandbox=SAND,
         why="The audit found the client refusing a repeated address: no page forbids it, so "
             "both sides accept it. Addresses are checked by outreach_cli/formats.py and, "
             "independently, sandbox/formats.py (a dotted domain: ops@localhost is refused).",
         probes=(P("not-an-address", _s("cc", ["sales-log"]), "refuse", "refuse"),
                 P("no-dotted-domain", _s("cc", ["ops@localhost"]), "refuse", "refuse"),
                 P("address", _s("cc", ["sales-log@example.com"]), "accept", "accept"),
                 P("repeated", _s("bcc", ["a@example.com", "a@example.com"]),
                   "accept", "accept"))),
    Rule("SK-61", "espMatchingMode writes disabled or auto; custom is read-back only", UPDATE,
         "custom is a legacy value kept for read-back compatibility; new writes only accept "
         "disabled or auto.", "documented", "error", client=SCHEMA + "espMatchingMode",
         sandbox=SAND,
         probes=(P("custom", _s("espMatchingMode", "custom"), "refuse", "refuse"),
                 P("disabled", _s("espMatchingMode", "disabled"), "accept", "accept"))),
    Rule("SK-62", "espMatchingRules is legacy and read-only: new writes are ignored", UPDATE,
         "Legacy custom ESP matching rules. Read-only; new writes are ignored.", "documented",
         "ignored", client="rules_settings.py _settings (warning); adapter.py comparable drops it",
         sandbox="sandbox/sendkit/validation.py IGNORED_SETTINGS",
         why="The audit was right: the client refused a write the API ignores. Now a warning, "
             "and left out of the comparison so the plan converges.",
         probes=(P("legacy-rules", _s("espMatchingRules", [
             {"recipientProvider": "gmail", "senderProvider": "gmail", "priority": 1}]),
             "warn", "accept"),)),
    Rule("SK-63", "segCheckMode values", UPDATE,
         "disabledskip_allskip_providersuse_specific_mailboxes", "documented", "error",
         client=SCHEMA + "segCheckMode", sandbox=SAND,
         probes=(P("unknown", _s("segCheckMode", "skip_some"), "refuse", "refuse"),)),
    Rule("SK-64", "use_specific_mailboxes is normalised to disabled on write", CREATE,
         "use_specific_mailboxes is legacy and is normalized to disabled on write.",
         "documented", "normalised",
         client="rules_settings.py _settings (warning); adapter.py comparable",
         sandbox="sandbox/sendkit/constants.py SEG_CHECK_LEGACY",
         probes=(P("legacy", _s("segCheckMode", "use_specific_mailboxes"), "warn", "accept"),),
         tested_by=("tests/rules/test_sendkit_convergence.py::"
                    "test_file_with_odd_values_plans_to_no_change_after_apply",)),
    Rule("SK-65", "segSkipProviders values (11 providers)", UPDATE,
         "proofpointmimecastbarracudaciscoforcepointsophostrendmicrosymantecmcafeemicrosoft_atp"
         "google_postini", "documented", "error", client=SCHEMA + "segSkipProviders",
         sandbox=SAND,
         probes=(P("unknown", {"settings.segCheckMode": "skip_providers",
                               "settings.segSkipProviders": ["fortinet"]}, "refuse", "refuse"),
                 P("all-eleven", {"settings.segCheckMode": "skip_providers",
                                  "settings.segSkipProviders": [
                                      "proofpoint", "mimecast", "barracuda", "cisco",
                                      "forcepoint", "sophos", "trendmicro", "symantec",
                                      "mcafee", "microsoft_atp", "google_postini"]},
                   "accept", "accept"))),
    Rule("SK-66", "segSkipProviders applies only when segCheckMode is skip_providers", UPDATE,
         "SEG provider names to skip when segCheckMode is skip_providers.", "documented",
         "warning", client="rules_settings.py _settings (warning)", sandbox="",
         why_not="stored as given: the page does not say the server drops or refuses it",
         probes=(P("without-skip-providers", {"settings.segCheckMode": "skip_all",
                                              "settings.segSkipProviders": ["proofpoint"]},
                   "warn", "accept"),)),
    Rule("SK-67", "cnameTracking {enabled, domain}; domain is a host name", CREATE,
         'Custom tracking domain (e.g. "track.yourdomain.com")', "documented", "error",
         client=SCHEMA + "cnameTracking.domain (format hostname)",
         sandbox="sandbox/sendkit/validation.py _v_host (sandbox/formats.py host_name)",
         probes=(P("host", _s("cnameTracking", {"enabled": True, "domain": "track.example.com"}),
                   "accept", "accept"),
                 P("not-a-host", _s("cnameTracking", {"domain": "not a host!"}),
                   "refuse", "refuse"),
                 P("not-boolean", _s("cnameTracking", {"enabled": "yes"}),
                   "refuse", "refuse")),
         tested_by=("tests/rules/test_sendkit_catalogue.py::test_tracking_domain_is_a_host_name"
                    "_in_the_sandbox",)),
    Rule("SK-68", "slackChannelId is a string; positiveRepliesOnlySlack a boolean", CREATE,
         "Slack channel ID for reply notifications", "documented", "error",
         client=SCHEMA + "slackChannelId", sandbox=SAND,
         probes=(P("number", _s("slackChannelId", 5), "refuse", "refuse"),
                 P("slack-positive-not-boolean", _s("positiveRepliesOnlySlack", "x"),
                   "refuse", "refuse"))),
    Rule("SK-69", "Reply notification emails: at most 5 valid addresses; [] clears", CREATE,
         "Maximum 5 entries; each must be a valid email.", "documented", "error",
         client=SCHEMA + "replyNotificationEmails", sandbox=SAND,
         probes=(P("six", _s("replyNotificationEmails", [f"n{i}@example.com" for i in range(6)]),
                   "refuse", "refuse"),
                 P("five", _s("replyNotificationEmails",
                              [f"n{i}@example.com" for i in range(5)]), "accept", "accept"),
                 P("empty-clears", _s("replyNotificationEmails", []), "accept", "accept"),
                 P("not-an-address", _s("replyNotificationEmails", ["ann"]),
                   "refuse", "refuse"),
                 P("no-domain", _s("replyNotificationEmails", ["ann@"]), "refuse", "refuse"))),
    _bool("SK-70", "replyNotificationPositiveOnly",
          "Send email notifications only for positive AI-tagged replies (default true)"),
    Rule("SK-71", "aiAgentId must belong to the workspace (400 AGENT_NOT_FOUND); null "
         "detaches", UPDATE, "Must belong to this workspace — returns 400 AGENT_NOT_FOUND "
         "otherwise. Set to null to detach.", "documented", "error",
         client=SCHEMA + "aiAgentId (24-hex or null; membership is server state)",
         sandbox="sandbox/sendkit/campaigns.py _check_agent",
         probes=(P("foreign-agent", _s("aiAgentId", "0123456789abcdef01234567"),
                   "accept", "refuse"),
                 P("not-hex", _s("aiAgentId", "agent-1"), "refuse", "refuse"),
                 P("null", _s("aiAgentId", None), "accept", "accept"))),
    _bool("SK-72", "aiAgentEnabled", "Toggle the AI reply agent for this campaign (default false)"),
    Rule("SK-109", "A webhook URL is http or https (not an audit row: split from SK-73)",
         CREATE, "Webhook endpoint URL", "choice", "error", client="rules_settings.py _settings",
         sandbox="sandbox/sendkit/validation.py _v_url",
         why="The page says \"URL\"; SendKit delivers webhooks as HTTP requests, so any other "
             "scheme is refused on both sides as outreach's rule.",
         probes=(P("ftp", _s("webhook", {"enabled": True, "url": "ftp://example.com/hook"}),
                   "refuse", "refuse"),)),
    Rule("SK-73", "Per-campaign webhook {enabled, url, secret, events}", CREATE,
         "Webhook endpoint URL", "documented", "error",
         client=SCHEMA + "webhook (format uri)", sandbox="sandbox/sendkit/validation.py _v_url",
         why="A repeated event is accepted on both sides (the audit found the client refusing "
             "it; no page forbids it). How strictly a URI is checked is the format checker's "
             "(outreach_cli/formats.py; the sandbox's own in sandbox/formats.py).",
         probes=(P("https", _s("webhook", {"enabled": True, "url": "https://example.com/h"}),
                   "accept", "accept"),
                 P("enabled-not-boolean", _s("webhook", {"enabled": "on"}), "refuse", "refuse"),
                 P("not-a-url", _s("webhook", {"url": "not a url"}), "refuse", "refuse"),
                 P("repeated-event", _s("webhook", {"events": ["lead.replied",
                                                               "lead.replied"]}),
                   "accept", "accept"))),
    Rule("SK-74", "The webhook secret is write-only: compared by hash, never printed", CREATE,
         "Secret key for webhook signature verification", "choice", "normalised",
         client="adapter.py write_only/sensitive", sandbox="sandbox/sendkit/storage.py "
         "_read_campaign (not read back)",
         why="The pages do not show the secret in any read; outreach treats it as write-only "
             "and sensitive (DESIGN.md), so it is never printed and is compared by hash. The "
             "audit cites providers.md as stating it; providers.md §1 says nothing of reading "
             "the secret back, so it is our choice.",
         tested_by=(T_RULES + "test_write_only_and_sensitive_marks",)),
    Rule("SK-75", "copyFatigueProtection {enabled, autoRegenerate, autoResume} booleans", CREATE,
         "Automatically detect and repair flagged content to maintain deliverability",
         "documented", "error", client=SCHEMA + "copyFatigueProtection", sandbox=SAND,
         probes=(P("not-boolean", _s("copyFatigueProtection", {"autoResume": "x"}),
                   "refuse", "refuse"),)),
    Rule("SK-76", "optimizationMetric is replyRate, openRate or clickRate", UPDATE,
         "replyRateopenRateclickRate", "documented", "error",
         client=SCHEMA + "variantOptimization.optimizationMetric", sandbox=SAND,
         probes=(P("unknown", _s("variantOptimization", {"optimizationMetric": "bounceRate"}),
                   "refuse", "refuse"),)),
    Rule("SK-77", "minimumSendsPerVariant >= 1, minimumDays >= 0, keepMinimumVariants >= 1",
         CREATE, "Minimum number of variants to keep active (default 1)", "choice", "error",
         client="rules_settings.py _minimums", sandbox=SAND,
         why="The pages give defaults, not bounds. Keeping no variant or optimising after no "
             "send has no meaning, so both sides refuse 0 there (and a negative number of "
             "days) as outreach's rule.",
         probes=(P("keep-zero", _s("variantOptimization", {"keepMinimumVariants": 0}),
                   "refuse", "refuse"),
                 P("keep-one", _s("variantOptimization", {"keepMinimumVariants": 1}),
                   "accept", "accept"),
                 P("sends-zero", _s("variantOptimization", {"minimumSendsPerVariant": 0}),
                   "refuse", "refuse"),
                 P("days-zero", _s("variantOptimization", {"minimumDays": 0}),
                   "accept", "accept"),
                 P("days-negative", _s("variantOptimization", {"minimumDays": -1}),
                   "refuse", "refuse"))),
    Rule("SK-78", "keepMinimumVariants above a step's variant count is a warning", CREATE,
         "Minimum number of variants to keep active (default 1)", "choice", "warning",
         client="rules.py _keep_minimum_variants", sandbox="",
         why="Docs silent on the interaction; the setting then cannot do what it says, so "
             "outreach warns.",
         why_not="a choice of outreach's; the server's behaviour is not documented",
         probes=(P("keep-more-than-variants", {
             "settings.variantOptimization": {"enabled": True, "keepMinimumVariants": 3},
             "sequence.0.variants": [{"label": "A", "subject": "S", "body": "B"},
                                     {"label": "B", "subject": "T", "body": "C"}]},
             "warn", "accept"),)),
    Rule("SK-79", "Mailbox priority is auto, high, normal or low (key mailboxPriority is our "
         "reading)", UPDATE, "autohighnormallow", "documented", "error",
         client=SCHEMA + "mailboxPriority", sandbox=SAND,
         probes=(P("unknown", _s("mailboxPriority", "urgent"), "refuse", "refuse"),
                 P("high", _s("mailboxPriority", "high"), "accept", "accept"))),
    Rule("SK-80", "Send order values (key sendOrder is our reading)", UPDATE,
         "autofollow-ups-firstbalancednew-leads-first", "documented", "error",
         client=SCHEMA + "sendOrder", sandbox=SAND,
         probes=(P("unknown", _s("sendOrder", "oldest-first"), "refuse", "refuse"),)),
    Rule("SK-81", "Three more legacy fields (one with values all|by_provider|individual) are "
         "read-only; new writes are ignored", UPDATE,
         "allby_providerindividualLegacy field. Read-only; new writes are ignored.",
         "documented", "ignored", client="", sandbox="",
         why="The audit says two fields; the update page repeats \"Legacy field. Read-only; "
             "new writes are ignored.\" three times (after the SEG provider list, after "
             "all|by_provider|individual, and alone), so three.",
         why_not="the captured pages do not show these fields' keys, so neither reading can "
                 "name them; an unknown key is refused by both as a typo (SK-110)"),
)
