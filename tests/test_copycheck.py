"""`validate` on copy: a misspelt variable in every text field of every platform, reported at
file:line:col with the field; !file bodies at their YAML line naming the file; `variables:`."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach_cli.validate import validate_paths

SENDKIT = """\
provider: sendkit
key: k
campaign:
  name: N
  sequence:
    - type: email
      subject: "{S0}"
      body: "{B0}"
      useConditionalVariables: true
      conditionalVariables:
        - {{variable: companyName, operator: has_value, content: "{C0}", fallback: "{F0}"}}
      variants:
        - {{label: A, subject: "{VS}", body: "{VB}"}}
    - {{type: wait, waitDays: 1}}
  subsequences:
    - name: R
      trigger: {{type: reply}}
      sequence:
        - {{type: email, subject: "{SS}", body: "{SB}"}}
"""
LEMLIST = """\
provider: lemlist
key: k
campaign:
  name: N
  steps:
    - type: email
      delay: 0
      subject: "{S0}"
      message: "{B0}"
      abTest: {{subject: "{VS}", message: "{VB}"}}
    - {{type: linkedinSend, delay: 1, message: "{M1}"}}
"""
PUFFLE = """\
provider: puffle
key: k
campaign:
  type: email
  name: N
  signature: "{SIG}"
  sequence_nodes:
    - type: email
      subject: "{S0}"
      body: "{B0}"
      body_html: "{H0}"
      signature: "{NSIG}"
    - {{type: end}}
"""
CASES = {
    "sendkit": (
        SENDKIT,
        {
            "S0": "campaign.sequence[0].subject",
            "B0": "campaign.sequence[0].body",
            "C0": "campaign.sequence[0].conditionalVariables[0].content",
            "F0": "campaign.sequence[0].conditionalVariables[0].fallback",
            "VS": "campaign.sequence[0].variants[0].subject",
            "VB": "campaign.sequence[0].variants[0].body",
            "SS": "campaign.subsequences[0].sequence[0].subject",
            "SB": "campaign.subsequences[0].sequence[0].body",
        },
        "{{firstName}}",
        "{{fristName}}",
        "{{firstName}}",
    ),
    "lemlist": (
        LEMLIST,
        {
            "S0": "campaign.steps[0].subject",
            "B0": "campaign.steps[0].message",
            "VS": "campaign.steps[0].abTest.subject",
            "VB": "campaign.steps[0].abTest.message",
            "M1": "campaign.steps[1].message",
        },
        "{{firstName}}",
        "{{compnyName}}",
        "{{companyName}}",
    ),
    "puffle": (
        PUFFLE,
        {
            "S0": "campaign.sequence_nodes[0].subject",
            "B0": "campaign.sequence_nodes[0].body",
            "H0": "campaign.sequence_nodes[0].body_html",
            "SIG": "campaign.signature",
            "NSIG": "campaign.sequence_nodes[0].signature",
        },
        "{{first_name}}",
        "{{firstName}}",
        "{{first_name}}",
    ),
}


def _write(tmp_path: Path, text: str, name: str = "c.yaml") -> str:
    f = tmp_path / name
    f.write_text(text)
    return str(f)


@pytest.mark.parametrize("provider", sorted(CASES))
def test_the_clean_file_validates_clean(provider: str, tmp_path: Path) -> None:
    template, fields, good, _, _ = CASES[provider]
    values = {k: ("%first_name%" if "SIG" in k else "Hi " + good) for k in fields}
    result = validate_paths([_write(tmp_path, template.format(**values))])
    assert result.diagnostics == []


@pytest.mark.parametrize("provider,key", [(p, k) for p in sorted(CASES) for k in CASES[p][1]])
def test_a_misspelling_is_caught_in_every_text_field(
    provider: str, key: str, tmp_path: Path
) -> None:
    template, fields, good, bad, fix = CASES[provider]
    values = {k: ("%first_name%" if "SIG" in k else "Hi " + good) for k in fields}
    if "SIG" in key:
        bad, fix = "%frist_name%", "%first_name%"
    values[key] = "Hi " + bad
    text = template.format(**values)
    result = validate_paths([_write(tmp_path, text)])
    assert len(result.diagnostics) == 1, result.diagnostics
    d = result.diagnostics[0]
    assert (d.path, d.severity) == (fields[key], "error")
    assert f"did you mean {fix}?" in d.message
    lines = text.split("\n")
    assert lines[d.line - 1][d.col - 1 :].startswith(bad), (d, lines[d.line - 1])


def test_an_included_body_is_reported_at_its_yaml_line_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "intro.html").write_text(
        "<p>Hi {{firstName}},</p>\n<p>{{compnyName}}</p>"
    )
    f = _write(
        tmp_path,
        "provider: sendkit\ncampaign:\n  name: N\n  sequence:\n"
        "    - type: email\n      subject: s\n"
        "      body: !file emails/intro.html\n",
    )
    [d] = validate_paths([f]).diagnostics
    assert (d.line, d.col, d.path) == (7, 13, "campaign.sequence[0].body")
    assert "(in !file emails/intro.html, line 2 col 4)" in d.message


def test_declared_variables_and_unknown_ones(tmp_path: Path) -> None:
    body = (
        "provider: sendkit\n{decl}campaign:\n  name: N\n  sequence:\n"
        "    - {{type: email, subject: 'About {{{{industry}}}}', body: b}}\n"
    )
    [d] = validate_paths([_write(tmp_path, body.format(decl=""))]).diagnostics
    assert d.severity == "warning" and "{{industry}}" in d.message and "variables:" in d.message
    assert (
        validate_paths(
            [_write(tmp_path, body.format(decl="variables: [industry]\n"), "d.yaml")]
        ).diagnostics
        == []
    )


@pytest.mark.parametrize(
    "subject,severity,fragment",
    [
        ("'{{companyName}}'", "warning", "empty for a lead without companyName"),
        ("'  '", "error", "the subject is empty"),
    ],
)
def test_an_empty_subject_after_rendering(
    subject: str, severity: str, fragment: str, tmp_path: Path
) -> None:
    f = _write(
        tmp_path,
        "provider: sendkit\ncampaign:\n  name: N\n  sequence:\n"
        f"    - {{type: email, subject: {subject}, body: b}}\n",
    )
    found = [d for d in validate_paths([f]).diagnostics if fragment in d.message]
    assert [d.severity for d in found] == [severity]


def test_a_conditional_variable_naming_a_misspelt_field(tmp_path: Path) -> None:
    f = _write(
        tmp_path,
        "provider: sendkit\ncampaign:\n  name: N\n  sequence:\n"
        "    - type: email\n      subject: s\n      body: b\n"
        "      useConditionalVariables: true\n      conditionalVariables:\n"
        "        - {variable: compnyName, operator: has_value}\n",
    )
    [d] = validate_paths([f]).diagnostics
    assert d.path == "campaign.sequence[0].conditionalVariables[0].variable"
    assert "did you mean 'companyName'" in d.message and d.severity == "error"


@pytest.mark.parametrize(
    "flag,defs,path",
    [
        (
            "",
            "[{variable: firstName, operator: has_value, fallback: there}]",
            "campaign.sequence[0].conditionalVariables",
        ),
        (
            "      useConditionalVariables: true\n",
            "[]",
            "campaign.sequence[0].useConditionalVariables",
        ),
    ],
)
def test_conditional_variables_that_cannot_apply(
    flag: str, defs: str, path: str, tmp_path: Path
) -> None:
    f = _write(
        tmp_path,
        "provider: sendkit\ncampaign:\n  name: N\n  sequence:\n"
        "    - type: email\n      subject: s\n      body: b\n"
        f"{flag}      conditionalVariables: {defs}\n",
    )
    [d] = validate_paths([f]).diagnostics
    assert (d.path, d.severity) == (path, "warning")
