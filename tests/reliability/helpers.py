"""Shared by the reliability suite: a fleet of example campaigns, and applying it in-process."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from tests.helpers import REPO

EXAMPLES = (
    "sendkit/q2-decision-makers",
    "sendkit/founders-ab-test",
    "lemlist/heads-of-growth",
    "puffle/email-seed-founders",
    "puffle/linkedin-heads-of-sales",
)


def fleet(dest: Path, count: int, only: tuple[str, ...] = EXAMPLES) -> Path:
    """`count` campaigns cycled over the examples, each with its own key and name."""
    for provider in {e.split("/")[0] for e in only}:
        emails = REPO / "campaigns" / provider / "emails"
        (dest / provider).mkdir(parents=True, exist_ok=True)
        if emails.is_dir():
            shutil.copytree(emails, dest / provider / "emails", dirs_exist_ok=True)
    for i in range(count):
        example = only[i % len(only)]
        text = (REPO / "campaigns" / f"{example}.yaml").read_text("utf-8")
        base = example.split("/")[1]
        text = re.sub(r"^key: .*$", f"key: {base}-{i}", text, count=1, flags=re.M)
        text = re.sub(r"^  name: (.*)$", rf"  name: \1 - {i}", text, count=1, flags=re.M)
        (dest / f"{example}-{i}.yaml").write_text(text, "utf-8")
    return dest


def apply_once(paths: list[str], url: str, state_dir: Path, concurrency: int = 8) -> Any:
    """One `apply --yes` in-process against the sandbox at `url`; the Report."""
    from outreach_cli import apply, plan
    from outreach_cli.session import Session
    from outreach_cli.validate import validate_paths

    docs = validate_paths(paths).documents
    with Session(sandbox=True, sandbox_url=url, state_dir=state_dir) as session:
        built = plan.build(docs, session.provider, session.state, concurrency=concurrency)
        return apply.run(built, session.provider, session.state, concurrency=concurrency)


def plan_once(paths: list[str], url: str, state_dir: Path) -> Any:
    from outreach_cli import plan
    from outreach_cli.session import Session
    from outreach_cli.validate import validate_paths

    docs = validate_paths(paths).documents
    with Session(sandbox=True, sandbox_url=url, state_dir=state_dir) as session:
        return plan.build(docs, session.provider, session.state, concurrency=8)


def remote_names(url: str) -> Counter[tuple[str, str]]:
    """(provider, name) of every campaign in the sandbox's demo workspaces, counted."""
    from outreach_cli.session import Session

    out: Counter[tuple[str, str]] = Counter()
    with Session(sandbox=True, sandbox_url=url) as session:
        for name in ("sendkit", "lemlist", "puffle"):
            prov = session.provider(name)
            if name == "puffle":
                data = prov.client.get("/campaigns").data or {}
                items = data.get("campaigns") if isinstance(data, dict) else data
            else:
                items = prov.list_campaigns()  # type: ignore[attr-defined]
            for c in items or []:
                out[(name, str(c.get("name")))] += 1
    return out
