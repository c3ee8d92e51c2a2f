"""SendKit's settings rules: tracking, stopping, limits, mailboxes (part of catalogue.py)."""

from __future__ import annotations

from typing import Any

from ..catalogue import Probe, Rule
from .catalogue_sources import CREATE, REF, UPDATE

P = Probe
SCHEMA = "schema.json settings."
SAND = "sandbox/sendkit/validation.py SETTINGS_SCHEMA"
T_SAND = "tests/sandbox/sendkit/test_validation.py::"
NEVER_SENDS = (
    "The pages give no bound; a value that would never send is refused on both "
    "sides as outreach's rule."
)


def setting(key: str, value: Any) -> dict[str, Any]:
    """A probe's change: `settings.<key>` set to `value`."""
    return {f"settings.{key}": value}


def boolean_setting(rid: str, key: str, quote: str) -> Rule:
    """The rule that settings.<key> is a boolean, quoted from the create page."""
    return Rule(
        rid,
        f"settings.{key} is a boolean",
        CREATE,
        quote,
        "documented",
        "error",
        client=SCHEMA + key,
        sandbox=SAND,
        probes=(
            P("not-boolean", setting(key, "no"), "refuse", "refuse"),
            P("boolean", setting(key, False), "accept", "accept"),
        ),
    )


SETTINGS_RULES: tuple[Rule, ...] = (
    Rule(
        "SK-49",
        "settings are merged into the existing values on PATCH",
        UPDATE,
        "All settings are optional and merge into existing values",
        "documented",
        "accepted",
        client="adapter.py patch_body (_changed_subtree)",
        sandbox="sandbox/sendkit/validation.py _merge_settings",
        tested_by=(T_SAND + "test_settings_patch_merges_and_keeps_untouched_keys",),
    ),
    boolean_setting("SK-50", "trackOpens", "Track email opens (default true)"),
    boolean_setting("SK-51", "trackClicks", "Track link clicks (default true)"),
    boolean_setting(
        "SK-52",
        "includeUnsubscribeLink",
        "Add unsubscribe link to email footer and headers (default false)",
    ),
    boolean_setting("SK-53", "stopOnReply", "Stop sequence when lead replies (default true)"),
    boolean_setting(
        "SK-54", "stopOnAutoReply", "Stop on out-of-office and auto-replies (default false)"
    ),
    boolean_setting(
        "SK-55",
        "stopOnCompanyReply",
        "Stop if anyone from the same company replies (default false)",
    ),
    boolean_setting("SK-56", "skipDNC", "Skip leads in your Do Not Contact list (default true)"),
    Rule(
        "SK-57",
        "Settings read back flattened; schedule read back as sendingSchedule",
        REF,
        "You write `schedule`; GET returns `sendingSchedule`.",
        "documented",
        "normalised",
        client="adapter.py normalize",
        sandbox="sandbox/sendkit/storage.py _read_campaign",
        tested_by=(
            "tests/sandbox/sendkit/test_routes.py::"
            "test_get_returns_the_read_shape_with_the_settings_split",
        ),
    ),
    Rule(
        "SK-58",
        "dailySendLimit: an integer of at least 1, or null",
        REF,
        "`dailySendLimit`: no bound documented.",
        "choice",
        "error",
        client="rules_settings.py _minimums",
        sandbox=SAND,
        why=NEVER_SENDS + " null is accepted on both (the audit found the client refusing it).",
        probes=(
            P("zero", setting("dailySendLimit", 0), "refuse", "refuse"),
            P("one", setting("dailySendLimit", 1), "accept", "accept"),
            P("null", setting("dailySendLimit", None), "accept", "accept"),
        ),
    ),
    Rule(
        "SK-59",
        "emailIntervalMinutes: an integer >= 0 (default 15)",
        CREATE,
        "Minutes between each email send (default 15)",
        "documented",
        "error",
        client=SCHEMA + "emailIntervalMinutes",
        sandbox=SAND,
        probes=(
            P("negative", setting("emailIntervalMinutes", -1), "refuse", "refuse"),
            P("zero", setting("emailIntervalMinutes", 0), "accept", "accept"),
        ),
    ),
    Rule(
        "SK-60",
        "cc / bcc are email addresses (a repeat is not refused)",
        CREATE,
        "CC recipients added to every email",
        "documented",
        "error",
        client=SCHEMA + "cc (format email)",
        sandbox=SAND,
        why="The audit found the client refusing a repeated address: no page forbids it, so "
        "both sides accept it. Addresses are checked by outreach_cli/formats.py and, "
        "independently, sandbox/formats.py (a dotted domain: ops@localhost is refused).",
        probes=(
            P("not-an-address", setting("cc", ["sales-log"]), "refuse", "refuse"),
            P("no-dotted-domain", setting("cc", ["ops@localhost"]), "refuse", "refuse"),
            P("address", setting("cc", ["sales-log@example.com"]), "accept", "accept"),
            P("repeated", setting("bcc", ["a@example.com", "a@example.com"]), "accept", "accept"),
        ),
    ),
    Rule(
        "SK-61",
        "espMatchingMode writes disabled or auto; custom is read-back only",
        UPDATE,
        "custom is a legacy value kept for read-back compatibility; new writes only accept "
        "disabled or auto.",
        "documented",
        "error",
        client=SCHEMA + "espMatchingMode",
        sandbox=SAND,
        probes=(
            P("custom", setting("espMatchingMode", "custom"), "refuse", "refuse"),
            P("disabled", setting("espMatchingMode", "disabled"), "accept", "accept"),
        ),
    ),
    Rule(
        "SK-62",
        "espMatchingRules is legacy and read-only: new writes are ignored",
        UPDATE,
        "Legacy custom ESP matching rules. Read-only; new writes are ignored.",
        "documented",
        "ignored",
        client="rules_settings.py _settings (warning); adapter.py comparable drops it",
        sandbox="sandbox/sendkit/validation.py IGNORED_SETTINGS",
        why="The audit was right: the client refused a write the API ignores. Now a warning, "
        "and left out of the comparison so the plan converges.",
        probes=(
            P(
                "legacy-rules",
                setting(
                    "espMatchingRules",
                    [{"recipientProvider": "gmail", "senderProvider": "gmail", "priority": 1}],
                ),
                "warn",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-63",
        "segCheckMode values",
        UPDATE,
        "disabledskip_allskip_providersuse_specific_mailboxes",
        "documented",
        "error",
        client=SCHEMA + "segCheckMode",
        sandbox=SAND,
        probes=(P("unknown", setting("segCheckMode", "skip_some"), "refuse", "refuse"),),
    ),
    Rule(
        "SK-64",
        "use_specific_mailboxes is normalised to disabled on write",
        CREATE,
        "use_specific_mailboxes is legacy and is normalized to disabled on write.",
        "documented",
        "normalised",
        client="rules_settings.py _settings (warning); adapter.py comparable",
        sandbox="sandbox/sendkit/constants.py SEG_CHECK_LEGACY",
        probes=(P("legacy", setting("segCheckMode", "use_specific_mailboxes"), "warn", "accept"),),
        tested_by=(
            "tests/rules/test_sendkit_convergence.py::"
            "test_file_with_odd_values_plans_to_no_change_after_apply",
        ),
    ),
    Rule(
        "SK-65",
        "segSkipProviders values (11 providers)",
        UPDATE,
        "proofpointmimecastbarracudaciscoforcepointsophostrendmicrosymantecmcafeemicrosoft_atp"
        "google_postini",
        "documented",
        "error",
        client=SCHEMA + "segSkipProviders",
        sandbox=SAND,
        probes=(
            P(
                "unknown",
                {
                    "settings.segCheckMode": "skip_providers",
                    "settings.segSkipProviders": ["fortinet"],
                },
                "refuse",
                "refuse",
            ),
            P(
                "all-eleven",
                {
                    "settings.segCheckMode": "skip_providers",
                    "settings.segSkipProviders": [
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
                    ],
                },
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-66",
        "segSkipProviders applies only when segCheckMode is skip_providers",
        UPDATE,
        "SEG provider names to skip when segCheckMode is skip_providers.",
        "documented",
        "warning",
        client="rules_settings.py _settings (warning)",
        sandbox="",
        why_not="stored as given: the page does not say the server drops or refuses it",
        probes=(
            P(
                "without-skip-providers",
                {"settings.segCheckMode": "skip_all", "settings.segSkipProviders": ["proofpoint"]},
                "warn",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-75",
        "copyFatigueProtection {enabled, autoRegenerate, autoResume} booleans",
        CREATE,
        "Automatically detect and repair flagged content to maintain deliverability",
        "documented",
        "error",
        client=SCHEMA + "copyFatigueProtection",
        sandbox=SAND,
        probes=(
            P(
                "not-boolean",
                setting("copyFatigueProtection", {"autoResume": "x"}),
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "SK-76",
        "optimizationMetric is replyRate, openRate or clickRate",
        UPDATE,
        "replyRateopenRateclickRate",
        "documented",
        "error",
        client=SCHEMA + "variantOptimization.optimizationMetric",
        sandbox=SAND,
        probes=(
            P(
                "unknown",
                setting("variantOptimization", {"optimizationMetric": "bounceRate"}),
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "SK-77",
        "minimumSendsPerVariant >= 1, minimumDays >= 0, keepMinimumVariants >= 1",
        CREATE,
        "Minimum number of variants to keep active (default 1)",
        "choice",
        "error",
        client="rules_settings.py _minimums",
        sandbox=SAND,
        why="The pages give defaults, not bounds. Keeping no variant or optimising after no "
        "send has no meaning, so both sides refuse 0 there (and a negative number of "
        "days) as outreach's rule.",
        probes=(
            P(
                "keep-zero",
                setting("variantOptimization", {"keepMinimumVariants": 0}),
                "refuse",
                "refuse",
            ),
            P(
                "keep-one",
                setting("variantOptimization", {"keepMinimumVariants": 1}),
                "accept",
                "accept",
            ),
            P(
                "sends-zero",
                setting("variantOptimization", {"minimumSendsPerVariant": 0}),
                "refuse",
                "refuse",
            ),
            P("days-zero", setting("variantOptimization", {"minimumDays": 0}), "accept", "accept"),
            P(
                "days-negative",
                setting("variantOptimization", {"minimumDays": -1}),
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "SK-78",
        "keepMinimumVariants above a step's variant count is a warning",
        CREATE,
        "Minimum number of variants to keep active (default 1)",
        "choice",
        "warning",
        client="rules.py _keep_minimum_variants",
        sandbox="",
        why="Docs silent on the interaction; the setting then cannot do what it says, so "
        "outreach warns.",
        why_not="a choice of outreach's; the server's behaviour is not documented",
        probes=(
            P(
                "keep-more-than-variants",
                {
                    "settings.variantOptimization": {"enabled": True, "keepMinimumVariants": 3},
                    "sequence.0.variants": [
                        {"label": "A", "subject": "S", "body": "B"},
                        {"label": "B", "subject": "T", "body": "C"},
                    ],
                },
                "warn",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-79",
        "Mailbox priority is auto, high, normal or low (key mailboxPriority is our reading)",
        UPDATE,
        "autohighnormallow",
        "documented",
        "error",
        client=SCHEMA + "mailboxPriority",
        sandbox=SAND,
        probes=(
            P("unknown", setting("mailboxPriority", "urgent"), "refuse", "refuse"),
            P("high", setting("mailboxPriority", "high"), "accept", "accept"),
        ),
    ),
    Rule(
        "SK-80",
        "Send order values (key sendOrder is our reading)",
        UPDATE,
        "autofollow-ups-firstbalancednew-leads-first",
        "documented",
        "error",
        client=SCHEMA + "sendOrder",
        sandbox=SAND,
        probes=(P("unknown", setting("sendOrder", "oldest-first"), "refuse", "refuse"),),
    ),
    Rule(
        "SK-81",
        "Three more legacy fields (one with values all|by_provider|individual) are "
        "read-only; new writes are ignored",
        UPDATE,
        "allby_providerindividualLegacy field. Read-only; new writes are ignored.",
        "documented",
        "ignored",
        client="",
        sandbox="",
        why='The audit says two fields; the update page repeats "Legacy field. Read-only; '
        'new writes are ignored." three times (after the SEG provider list, after '
        "all|by_provider|individual, and alone), so three.",
        why_not="the captured pages do not show these fields' keys, so neither reading can "
        "name them; an unknown key is refused by both as a typo (SK-110)",
    ),
)
