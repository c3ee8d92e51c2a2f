"""`preview` rendering checked against hand-written emails, and a leads CSV with gaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach_cli.preview import build, from_csv
from outreach_cli.targets import one_document

SENDKIT = """\
provider: sendkit
key: k
variables: [industry]
campaign:
  name: N
  sequence:
    - type: email
      subject: "Quick question about {{companyName}}"
      body: !file intro.html
      variants:
        - {label: A}
        - {label: B, subject: "{{firstName}}, a question"}
    - {type: wait, waitDays: 2}
    - type: email
      subject: "Re: our chat, {{firstName}}"
      body: "Hi {{firstName}}, teams {{company}} like yours..."
      useConditionalVariables: true
      conditionalVariables:
        - {variable: companyName, operator: has_value, content: "at {{companyName}}",
           fallback: "in {{industry}}"}
  subsequences:
    - name: Replied
      trigger: {type: reply}
      sequence:
        - {type: email, subject: "Thanks", body: "Thanks {{firstName}}!"}
"""
INTRO = "<p>Hi {{firstName}},</p><p>I noticed {{companyName}} is scaling fast.<br>Worth a chat?</p>"
CSV = """\
email,First Name,company,industry
ann@acme.com,Ann,Acme,SaaS
bob@beta.io,Bob,,fintech
,Nobody,Nowhere,
cy@gamma.io,,Gamma,retail
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "intro.html").write_text(INTRO)
    (tmp_path / "c.yaml").write_text(SENDKIT)
    (tmp_path / "leads.csv").write_text(CSV)
    return str(tmp_path / "c.yaml"), str(tmp_path / "leads.csv")


def test_every_email_as_ann_receives_it(files: tuple[str, str]) -> None:
    doc = one_document(files[0])
    leads, bad = from_csv(files[1], "sendkit")
    p = build(doc, leads, files[1], lead="ANN@acme.com")
    assert [(m.label, m.subject, m.text) for m in p.messages] == [
        (
            "step 1 variant A",
            "Quick question about Acme",
            "Hi Ann,\n\nI noticed Acme is scaling fast.\nWorth a chat?",
        ),
        (
            "step 1 variant B",
            "Ann, a question",
            "Hi Ann,\n\nI noticed Acme is scaling fast.\nWorth a chat?",
        ),
        ("step 3", "Re: our chat, Ann", "Hi Ann, teams at Acme like yours..."),
        ("subsequence 'Replied' step 1", "Thanks", "Thanks Ann!"),
    ]
    assert p.messages[0].body == (
        "<p>Hi Ann,</p><p>I noticed Acme is scaling fast.<br>Worth a chat?</p>"
    )
    assert p.gaps == () and p.exit_code == 0


def test_the_gaps_name_the_leads_and_what_they_get(files: tuple[str, str]) -> None:
    doc = one_document(files[0])
    leads, bad = from_csv(files[1], "sendkit")
    assert [(r.line, r.reason) for r in bad] == [(4, "needs an email or a leadId")]
    p = build(doc, leads, files[1], rejected=bad)
    assert [g.sentence() for g in p.gaps] == [
        "1 of 3 leads have no companyName: they would get 'Quick question about ' "
        "(step 1 variant A)",
        "1 of 3 leads have no firstName: they would get 'Hi ,' (step 1 variant A)",
    ]
    assert [g.leads for g in p.gaps] == [("bob@beta.io",), ("cy@gamma.io",)]
    # Bob has no companyName, but the conditional variable gives step 3 its fallback.
    bob3 = next(m for m in p.messages if m.lead == "bob@beta.io" and m.label == "step 3")
    assert (bob3.text, bob3.missing) == ("Hi Bob, teams in fintech like yours...", ())
    assert p.exit_code == 1


def test_one_step_only(files: tuple[str, str]) -> None:
    doc = one_document(files[0])
    leads, _ = from_csv(files[1], "sendkit")
    p = build(doc, leads, files[1], step=3)
    assert {m.label for m in p.messages} == {"step 3"}
    # The fallback covers Bob's companyName; nothing covers Cy's firstName.
    assert [(g.field, g.leads, g.example) for g in p.gaps] == [
        ("firstName", ("cy@gamma.io",), "Re: our chat, ")
    ]


def test_puffle_signature_and_custom_fields(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "provider: puffle\nkey: p\nvariables: [plan]\ncampaign:\n  type: email\n  name: P\n"
        '  signature: "Best,\\n%sender_first_name%"\n  sequence_nodes:\n'
        "    - {type: email, subject: '{{company}} x', body: 'Hi {{first_name}} on "
        "{{custom_fields.plan}}'}\n"
        "    - {type: delay, delay_days: 1}\n    - {type: email, is_reply: true, body: bump}\n"
        "    - {type: end}\n"
    )
    (tmp_path / "l.csv").write_text("email,first_name,company,plan\nann@acme.com,Ann,Acme,pro\n")
    leads, _ = from_csv(str(tmp_path / "l.csv"), "puffle")
    p = build(one_document(str(tmp_path / "p.yaml")), leads, "l.csv")
    assert [(m.label, m.subject, m.text, m.reply) for m in p.messages] == [
        ("step 1", "Acme x", "Hi Ann on pro\n\nBest,\n[sender_first_name]", False),
        ("step 3", None, "bump\n\nBest,\n[sender_first_name]", True),
    ]


def test_custom_fields_seen_in_the_leads_count_as_known(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "provider: sendkit\nkey: k\ncampaign:\n  name: N\n  sequence:\n"
        "    - {type: email, subject: 'About {{industry}}', body: 'Hi {{segmnt}}'}\n"
    )
    (tmp_path / "l.csv").write_text("email,industry,segment\nann@acme.com,SaaS,smb\n")
    doc = one_document(str(tmp_path / "c.yaml"))  # two warnings only: unknown, not close
    leads, _ = from_csv(str(tmp_path / "l.csv"), "sendkit")
    p = build(doc, leads, "l.csv")
    assert p.messages[0].subject == "About SaaS"
    assert [(d.path, d.severity) for d in p.problems] == [("campaign.sequence[0].body", "error")]
    assert "did you mean {{segment}}" in p.problems[0].message
    assert p.exit_code == 1
