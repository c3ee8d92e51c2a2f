"""SendKit's notification and integration settings: tracking domain, Slack, webhooks, AI agent."""

from __future__ import annotations

from ..catalogue import Probe, Rule
from .catalogue_settings import SAND, SCHEMA, boolean_setting, setting
from .catalogue_sources import CREATE, UPDATE

P = Probe
T_RULES = "tests/providers/sendkit/test_schema_rules.py::"

INTEGRATION_RULES: tuple[Rule, ...] = (
    Rule(
        "SK-67",
        "cnameTracking {enabled, domain}; domain is a host name",
        CREATE,
        'Custom tracking domain (e.g. "track.yourdomain.com")',
        "documented",
        "error",
        client=SCHEMA + "cnameTracking.domain (format hostname)",
        sandbox="sandbox/sendkit/validation.py _v_host (sandbox/formats.py host_name)",
        probes=(
            P(
                "host",
                setting("cnameTracking", {"enabled": True, "domain": "track.example.com"}),
                "accept",
                "accept",
            ),
            P(
                "not-a-host",
                setting("cnameTracking", {"domain": "not a host!"}),
                "refuse",
                "refuse",
            ),
            P("not-boolean", setting("cnameTracking", {"enabled": "yes"}), "refuse", "refuse"),
        ),
        tested_by=(
            "tests/rules/test_sendkit_catalogue.py::test_tracking_domain_is_a_host_name"
            "_in_the_sandbox",
        ),
    ),
    Rule(
        "SK-68",
        "slackChannelId is a string; positiveRepliesOnlySlack a boolean",
        CREATE,
        "Slack channel ID for reply notifications",
        "documented",
        "error",
        client=SCHEMA + "slackChannelId",
        sandbox=SAND,
        probes=(
            P("number", setting("slackChannelId", 5), "refuse", "refuse"),
            P(
                "slack-positive-not-boolean",
                setting("positiveRepliesOnlySlack", "x"),
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "SK-69",
        "Reply notification emails: at most 5 valid addresses; [] clears",
        CREATE,
        "Maximum 5 entries; each must be a valid email.",
        "documented",
        "error",
        client=SCHEMA + "replyNotificationEmails",
        sandbox=SAND,
        probes=(
            P(
                "six",
                setting("replyNotificationEmails", [f"n{i}@example.com" for i in range(6)]),
                "refuse",
                "refuse",
            ),
            P(
                "five",
                setting("replyNotificationEmails", [f"n{i}@example.com" for i in range(5)]),
                "accept",
                "accept",
            ),
            P("empty-clears", setting("replyNotificationEmails", []), "accept", "accept"),
            P("not-an-address", setting("replyNotificationEmails", ["ann"]), "refuse", "refuse"),
            P("no-domain", setting("replyNotificationEmails", ["ann@"]), "refuse", "refuse"),
        ),
    ),
    boolean_setting(
        "SK-70",
        "replyNotificationPositiveOnly",
        "Send email notifications only for positive AI-tagged replies (default true)",
    ),
    Rule(
        "SK-71",
        "aiAgentId must belong to the workspace (400 AGENT_NOT_FOUND); null detaches",
        UPDATE,
        "Must belong to this workspace — returns 400 AGENT_NOT_FOUND "
        "otherwise. Set to null to detach.",
        "documented",
        "error",
        client=SCHEMA + "aiAgentId (24-hex or null; membership is server state)",
        sandbox="sandbox/sendkit/campaigns.py _check_agent",
        probes=(
            P(
                "foreign-agent",
                setting("aiAgentId", "0123456789abcdef01234567"),
                "accept",
                "refuse",
            ),
            P("not-hex", setting("aiAgentId", "agent-1"), "refuse", "refuse"),
            P("null", setting("aiAgentId", None), "accept", "accept"),
        ),
    ),
    boolean_setting(
        "SK-72", "aiAgentEnabled", "Toggle the AI reply agent for this campaign (default false)"
    ),
    Rule(
        "SK-109",
        "A webhook URL is http or https (not an audit row: split from SK-73)",
        CREATE,
        "Webhook endpoint URL",
        "choice",
        "error",
        client="rules_settings.py _settings",
        sandbox="sandbox/sendkit/validation.py _v_url",
        why='The page says "URL"; SendKit delivers webhooks as HTTP requests, so any other '
        "scheme is refused on both sides as outreach's rule.",
        probes=(
            P(
                "ftp",
                setting("webhook", {"enabled": True, "url": "ftp://example.com/hook"}),
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "SK-73",
        "Per-campaign webhook {enabled, url, secret, events}",
        CREATE,
        "Webhook endpoint URL",
        "documented",
        "error",
        client=SCHEMA + "webhook (format uri)",
        sandbox="sandbox/sendkit/validation.py _v_url",
        why="A repeated event is accepted on both sides (the audit found the client refusing "
        "it; no page forbids it). How strictly a URI is checked is the format checker's "
        "(outreach_cli/formats.py; the sandbox's own in sandbox/formats.py).",
        probes=(
            P(
                "https",
                setting("webhook", {"enabled": True, "url": "https://example.com/h"}),
                "accept",
                "accept",
            ),
            P("enabled-not-boolean", setting("webhook", {"enabled": "on"}), "refuse", "refuse"),
            P("not-a-url", setting("webhook", {"url": "not a url"}), "refuse", "refuse"),
            P(
                "repeated-event",
                setting("webhook", {"events": ["lead.replied", "lead.replied"]}),
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-74",
        "The webhook secret is write-only: compared by hash, never printed",
        CREATE,
        "Secret key for webhook signature verification",
        "choice",
        "normalised",
        client="adapter.py write_only/sensitive",
        sandbox="sandbox/sendkit/storage.py _read_campaign (not read back)",
        why="The pages do not show the secret in any read; outreach treats it as write-only "
        "and sensitive (DESIGN.md), so it is never printed and is compared by hash. The "
        "audit cites providers.md as stating it; providers.md §1 says nothing of reading "
        "the secret back, so it is our choice.",
        tested_by=(T_RULES + "test_write_only_and_sensitive_marks",),
    ),
)
