"""The README's "which field may change in which status" table, generated from the same
rules data the planner classifies changes with (a test keeps the two equal)."""

from __future__ import annotations

from . import PROVIDERS, provider_class
from .base import FieldRule, Provider

START = "<!-- rules-table:start -->"
END = "<!-- rules-table:end -->"


def _cell(rule: FieldRule, status: str) -> str:
    if status in rule.allowed_in:
        return "yes"
    return "ignored" if rule.when_forbidden == "ignored" else "refused"


def _field(rule: FieldRule) -> str:
    name = "(any other field)" if rule.field == "*" else f"`{rule.field}`"
    extra = []
    if rule.types:
        extra.append("on " + " / ".join(sorted(rule.types)) + " campaigns")
    if rule.ops != frozenset({"add", "change", "remove"}):
        extra.append(", ".join(sorted(rule.ops)))
    return name + (f" ({'; '.join(extra)})" if extra else "")


def provider_table(cls: type[Provider]) -> str:
    statuses = cls.TABLE_STATUSES or cls.statuses
    head = f"| {cls.title} field | " + " | ".join(statuses) + " |"
    lines = [head, "|---|" + "---|" * len(statuses)]
    for rule in cls.RULES:
        lines.append(f"| {_field(rule)} | " + " | ".join(_cell(rule, s) for s in statuses) + " |")
    return "\n".join(lines)


def rules_markdown() -> str:
    """Every registered provider's table, in registry order."""
    parts = []
    for name in PROVIDERS:
        try:
            cls = provider_class(name)
        except (ImportError, AttributeError):
            continue
        parts.append(provider_table(cls))
    return "\n\n".join(parts)


def replace_in(text: str) -> str:
    """`text` with the block between the markers regenerated."""
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    return f"{before}{START}\n{rules_markdown()}\n{END}{after}"
