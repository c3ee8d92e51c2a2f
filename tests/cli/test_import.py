"""outreach import: the round trip for every platform against the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outreach_cli.errors import ExitCode
from outreach_cli.providers import available
from tests.helpers import run


@pytest.fixture
def applied(campaigns_dir: Path) -> Path:
    """Every example campaign applied to the sandbox (which also holds its seeded ones)."""
    result = run("apply", "--sandbox", "--yes", str(campaigns_dir))
    assert result.exit_code == ExitCode.OK, result.stderr
    return campaigns_dir


def _remote_ids(provider: str) -> set[str]:
    from outreach_cli import importer
    from outreach_cli.session import Session

    with Session(sandbox=True) as session:
        return set(importer.list_ids(session.provider(provider)))


@pytest.mark.parametrize("provider", available())
def test_round_trip_of_every_campaign_the_sandbox_holds(applied: Path, provider: str) -> None:
    result = run("import", provider, "--all", "--out", "imported", "--sandbox")
    assert result.exit_code == ExitCode.OK, result.stderr
    files = sorted(Path("imported").glob("*.yaml"))
    ids = _remote_ids(provider)
    assert len(files) == len(ids) >= 2
    pinned = set()
    for f in files:
        text = f.read_text()
        assert text.startswith(f"# yaml-language-server: $schema=schemas/{provider}.json\n")
        pinned.add(
            next(line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("id: "))
        )
    assert pinned == ids
    assert Path("imported/schemas", f"{provider}.json").is_file()
    # The example campaigns keep their keys (state knows them) and their bodies go to files.
    examples = {p.stem for p in (applied / provider).glob("*.yaml")}
    assert examples <= {f.stem for f in files}
    assert any("!file emails/" in f.read_text() or "!file 'emails/" in f.read_text() for f in files)
    check = run("validate", "imported")
    assert check.exit_code == ExitCode.OK, check.stderr
    plan = run("plan", "--sandbox", "--detailed-exitcode", "imported")
    assert plan.exit_code == ExitCode.OK, plan.stdout + plan.stderr
    assert f"{len(files)} unchanged" in plan.stdout


def test_write_only_values_are_left_out_with_a_comment(applied: Path) -> None:
    assert run("import", "sendkit", "--all", "--out", "out", "--sandbox").exit_code == 0
    text = Path("out/q2-decision-makers.yaml").read_text()
    assert "not imported: settings.webhook.secret, mailboxes" in text
    from outreach_cli.documents import load_file

    (src,), problems = load_file("out/q2-decision-makers.yaml")
    assert not problems
    assert src.data["status"] == "active"
    assert "secret" not in src.data["campaign"]["settings"]["webhook"]
    assert "mailboxTags" not in src.data["campaign"]


def test_import_by_id_and_unknown_ids(applied: Path) -> None:
    sid = sorted(_remote_ids("puffle"))[0]
    one = run("import", "puffle", sid, "--out", "one", "--sandbox")
    assert one.exit_code == ExitCode.OK, one.stderr
    assert len(list(Path("one").glob("*.yaml"))) == 1
    missing = run(
        "import", "puffle", "00000000-0000-4000-8000-000000000000", "--out", "two", "--sandbox"
    )
    assert missing.exit_code == ExitCode.ERROR
    assert "has no campaign 00000000-0000-4000-8000-000000000000" in missing.stderr
    assert not Path("two").exists()
    again = run("import", "puffle", sid, "--out", "one", "--sandbox")
    assert again.exit_code == ExitCode.ERROR and "already exists" in again.stderr
    assert run("import", "puffle", sid, "--out", "one", "--sandbox", "--force").exit_code == 0
    assert run("import", "puffle", "--out", "x", "--sandbox").exit_code == ExitCode.USAGE


def test_dollar_signs_read_back_survive_the_round_trip(tmp_path: Path) -> None:
    doc = tmp_path / "c.yaml"
    doc.write_text(
        "provider: puffle\nkey: dollars\nstatus: draft\ncampaign:\n  type: email\n"
        "  name: Price $$5 and $${HOME}\n  sequence_nodes:\n"
        "    - {type: email, subject: s, body: b}\n    - {type: end}\n"
    )
    assert run("apply", "--sandbox", "--yes", str(doc)).exit_code == ExitCode.OK
    assert run("import", "puffle", "--all", "--out", "imp", "--sandbox").exit_code == 0
    text = Path("imp/dollars.yaml").read_text()
    assert "Price $$5 and $${HOME}" in text
    plan = run("plan", "--sandbox", "--detailed-exitcode", "-f", "json", "imp/dollars.yaml")
    assert plan.exit_code == ExitCode.OK, plan.stdout
    assert json.loads(plan.stdout)["data"]["campaigns"][0]["action"] == "unchanged"


@pytest.mark.slow
def test_round_trip_of_more_shapes(campaigns_dir: Path) -> None:
    """Conditional variables and plain-text bodies (SendKit), opaque operating hours on a
    launched campaign (Puffle), a paused campaign with schedules (lemlist)."""
    q2 = campaigns_dir / "sendkit" / "q2-decision-makers.yaml"
    q2.write_text(
        q2.read_text().replace(
            "      body: !file emails/q2-bump.html\n",
            '      body: "Hi {{firstName}},\\n\\nstill $5 a seat.\\nBest"\n'
            "      useConditionalVariables: true\n"
            "      conditionalVariables:\n"
            "        - {variable: companyName, operator: has_value, content: 'at {{companyName}}',"
            " fallback: at your company}\n"
            "        - {variable: industry, operator: equals, value: SaaS}\n",
        )
    )
    puffle = campaigns_dir / "puffle" / "email-seed-founders.yaml"
    puffle.write_text(
        puffle.read_text()
        .replace("status: draft", "status: active")
        .replace(
            "  type: email\n", "  type: email\n  operating_hours: {monday: {start: '08:00'}}\n"
        )
    )
    growth = campaigns_dir / "lemlist" / "heads-of-growth.yaml"
    growth.write_text(growth.read_text().replace("status: active", "status: paused"))
    files = [str(q2), str(puffle), str(growth)]
    applied = run("apply", "--sandbox", "--yes", *files)
    assert applied.exit_code == ExitCode.OK, applied.stdout + applied.stderr
    for provider in ("sendkit", "puffle", "lemlist"):
        result = run("import", provider, "--all", "--out", "imported", "--sandbox")
        assert result.exit_code == ExitCode.OK, result.stderr
    assert run("validate", "imported").exit_code == ExitCode.OK
    plan = run("plan", "--sandbox", "--detailed-exitcode", "imported")
    assert plan.exit_code == ExitCode.OK, plan.stdout + plan.stderr
    text = Path("imported/q2-decision-makers.yaml").read_text()
    assert "conditionalVariables" in text
    assert "status: paused" in Path("imported/heads-of-growth.yaml").read_text()
    assert "status: active" in Path("imported/email-seed-founders.yaml").read_text()
