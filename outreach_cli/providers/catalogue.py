"""The rule catalogue's shape: every rule a platform's sources state, or that outreach chose.

Each platform lists its rules in `providers/<name>/catalogue.py` as `CATALOGUE`, a tuple of
`Rule`, with `BASE`, a minimal valid `campaign:` block its probes start from. The catalogue is
the one place a rule is written down: its source and quote, whether the docs state it or we
chose it (and why), the verdict it gives, and where each reading enforces it. Tests hold the
schema, the rules tables, the README and the sandbox to it (tests/rules/).

Verdicts:
- `error`: `outreach validate` refuses the file (exit 1); the platform answers 4xx.
- `warning`: validate warns, the platform accepts.
- `blocked`: the plan shows the change as blocked (exit 3): it depends on the campaign's
  status or history, which only the server knows.
- `ignored`: the platform accepts the request and silently drops the field; the plan says so
  (blocked, with "ignored" in the reason) before anything is sent.
- `normalised`: the platform accepts and rewrites it (a default, a legacy value, a read-only
  field, a position); the client compares after the same rewrite, so an applied file plans
  to no change.
- `accepted`: the sources allow it explicitly (a "may"): neither reading refuses it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["documented", "choice"]
Verdict = Literal["error", "warning", "blocked", "ignored", "normalised", "accepted"]
Outcome = Literal["accept", "warn", "refuse"]

DELETE = object()  # a Probe value: remove this key from the base campaign


@dataclass(frozen=True)
class Probe:
    """One payload that exercises a rule: the platform's BASE campaign with `set` applied
    (dotted paths, list indexes as numbers: "sequence.0.subject"; DELETE removes the key).

    `client` is what `outreach validate` must say; `sandbox` what the emulator must answer to
    the same campaign sent as the adapter's create sends it (None: not sendable as a create,
    e.g. a rule on an update or on server history, tested through plan/apply instead)."""

    name: str
    set: Mapping[str, Any]
    client: Outcome
    sandbox: Literal["accept", "refuse"] | None = None


@dataclass(frozen=True)
class Rule:
    """One rule. `source` is a file under shared/ (e.g. "seeds/sendkit-create-campaign.txt",
    "reference/providers.md", "reference/openapi/lemlist.json"); `quote` is words from it,
    verbatim (a test finds them there). `client` / `sandbox` say where each reading enforces
    the rule ("" where it does not: then `why_not` says why)."""

    id: str
    rule: str
    source: str
    quote: str
    kind: Kind
    verdict: Verdict
    client: str
    sandbox: str
    why: str = ""  # kind "choice": why outreach chose it (the docs are silent)
    why_not: str = ""  # why a reading does not enforce it (server state, server-assigned …)
    probes: tuple[Probe, ...] = field(default=())
    tested_by: tuple[str, ...] = ()  # other tests that exercise it (plan/apply, history)


def load(platform: str) -> tuple[tuple[Rule, ...], dict[str, Any]]:
    """(CATALOGUE, BASE) of `platform`; empty when its package has no catalogue yet."""
    try:
        module = importlib.import_module(f"outreach_cli.providers.{platform}.catalogue")
    except ModuleNotFoundError as exc:
        if exc.name != f"outreach_cli.providers.{platform}.catalogue":
            raise
        return (), {}
    return tuple(module.CATALOGUE), dict(module.BASE)


def apply_probe(base: dict[str, Any], probe: Probe) -> dict[str, Any]:
    """A deep copy of `base` with the probe's paths set (or deleted)."""
    import copy

    out = copy.deepcopy(base)
    for dotted, value in probe.set.items():
        keys: list[str | int] = [int(k) if k.isdigit() else k for k in dotted.split(".")]
        node: Any = out
        for k in keys[:-1]:
            if isinstance(node, dict):  # noqa: SIM108 (a ternary cannot hold both ignores)
                node = node.setdefault(k, {})  # type: ignore[arg-type]
            else:
                node = node[k]  # type: ignore[index]
        last = keys[-1]
        if value is DELETE:
            if isinstance(node, dict):
                node.pop(last, None)
            else:
                del node[last]  # type: ignore[arg-type]
        elif isinstance(node, list) and isinstance(last, int) and last == len(node):
            node.append(copy.deepcopy(value))
        else:
            node[last] = copy.deepcopy(value)
    return out
