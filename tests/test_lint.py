"""`outreach lint`: each copy rule of the table fires on the words it names, at file:line:col,
with its fix; follow-ups may say Re:; --strict fails on warnings; JSON is validate's envelope."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from outreach_cli.copyrules import RULES, SHORTENERS, SPAM_PHRASES
from tests.helpers import REPO, run

BAD = """\
provider: sendkit
key: bad
campaign:
  name: Bad
  sequence:
    - type: email
      subject: "Re: FREE offer for {{companyName}}!!!"
      body: "<p>Hi {{firstName}}, act now: <a href='https://bit.ly/x'>see</a> \
<a href='https://a.example'>a</a> <a href='https://b.example'>b</a>\
<img src='https://x.example/y.png'><img src='https://x.example/z.png'></p>"
    - {type: wait, waitDays: 2}
    - type: email
      subject: "Re: FREE offer"
      body: "Following up, {{firstName}}."
  settings:
    includeUnsubscribeLink: false
    cnameTracking: {enabled: true, domain: track.other.example}
  mailboxEmails: [me@acme.example]
"""

CLEAN = """\
provider: sendkit
key: clean
campaign:
  name: Clean
  sequence:
    - type: email
      subject: "A question about {{companyName}}"
      body: "Hi {{firstName}}, worth a chat? If not, reply 'no' and I will not write again \
(unsubscribe)."
    - {type: wait, waitDays: 2}
    - type: email
      subject: "Re: A question about {{companyName}}"
      body: "Following up, {{firstName}}."
  settings:
    includeUnsubscribeLink: false
    cnameTracking: {enabled: true, domain: track.acme.example}
  mailboxEmails: [me@acme.example]
"""


def _lines(stderr: str) -> dict[str, str]:
    """rule code → its line of output."""
    out = {}
    for line in stderr.splitlines():
        for code in re.findall(r"\[([a-z-]+)\]", line):
            if code in RULES:
                out.setdefault(code, line)
    return out


def test_every_rule_of_the_table_has_a_reason_a_fix_and_an_origin() -> None:
    assert len(RULES) >= 12
    for rule in RULES.values():
        assert rule.reason and rule.fix and rule.origin
        assert rule.source or "outreach's rule" in rule.reason, rule.code
    assert "bit.ly" in SHORTENERS and "act now" in SPAM_PHRASES


def test_each_rule_names_the_words_where_they_stand_and_the_fix(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD)
    r = run("lint", "bad.yaml")
    assert r.exit_code == 0, r.stderr  # warnings only: not --strict
    found = _lines(r.stderr)
    expected = {
        "fake-reply": (
            "bad.yaml:7:17: campaign.sequence[0].subject: warning: 'Re:' on the "
            "first email of a thread (step 1): drop the prefix"
        ),
        "all-caps": "bad.yaml:7:21: campaign.sequence[0].subject: warning: 'FREE' is in capitals",
        "exclamations": "bad.yaml:7:51: campaign.sequence[0].subject: warning: '!!!'",
        "spam-phrase": (
            "bad.yaml:8:35: campaign.sequence[0].body: warning: spam-trigger phrase "
            "'act now': reword it plainly"
        ),
        "url-shortener": (
            "bad.yaml:8:53: campaign.sequence[0].body: warning: shortened link "
            "'https://bit.ly/x': link to the full address"
        ),
        "links": "campaign.sequence[0].body: warning: 3 links in step 1: keep at most 2 links",
        "images": "campaign.sequence[0].body: warning: 2 images in step 1: keep at most 1 image",
        "no-unsubscribe": (
            "bad.yaml:14:29: campaign.settings.includeUnsubscribeLink: warning: "
            "settings.includeUnsubscribeLink is off and no email offers a way out"
        ),
        "tracking-domain": (
            "bad.yaml:15:44: campaign.settings.cnameTracking.domain: warning: "
            "tracking domain 'track.other.example' is not on the senders' domain "
            "(acme.example): use a tracking subdomain"
        ),
    }
    for code, text in expected.items():
        assert code in found, (code, r.stderr)
        assert text in found[code], (code, found[code])
    # The follow-up's Re: is in its thread: allowed.
    assert "sequence[2].subject: warning: 'Re:'" not in r.stderr


def test_a_clean_campaign_has_no_finding_and_passes_strict(tmp_path: Path) -> None:
    (tmp_path / "clean.yaml").write_text(CLEAN)
    r = run("lint", "--strict", "clean.yaml")
    assert r.exit_code == 0, r.stderr
    assert "0 error(s), 0 warning(s)" in r.stderr


def test_strict_fails_on_warnings_and_json_is_the_envelope(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD)
    assert run("lint", "bad.yaml").exit_code == 0
    r = run("lint", "--strict", "-f", "json", "bad.yaml")  # run() checks the envelope
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["kind"] == "lint" and doc["ok"] is False
    assert {e["severity"] for e in doc["errors"]} == {"error"}  # --strict: warnings are errors
    codes = {e["code"] for e in doc["errors"]}
    assert {"copy-fake-reply", "copy-spam-phrase", "copy-url-shortener"} <= codes


def test_lint_reports_invalid_files_as_validate_does(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("provider: sendkit\ncampaign: {name: 3}\n")
    v, li = run("validate", "broken.yaml"), run("lint", "broken.yaml")
    assert li.exit_code == v.exit_code == 1
    assert [x for x in li.stderr.splitlines() if "broken.yaml:" in x] == [
        x for x in v.stderr.splitlines() if "broken.yaml:" in x
    ]


def test_follow_ups_in_the_thread_may_say_re_on_each_platform(tmp_path: Path) -> None:
    """The example campaigns (SendKit's and lemlist's follow-ups say Re:) raise no fake-reply."""
    r = run("lint", str(REPO / "campaigns"))
    assert r.exit_code == 0, r.stderr
    assert "[fake-reply]" not in r.stderr
    assert "5 campaign(s)" in r.stderr


def test_puffle_html_body_without_its_text_part(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("""\
provider: puffle
key: p
campaign:
  type: email
  name: P
  sequence_nodes:
    - type: email
      subject: "Hello {{company}}"
      body_html: "<p>Hi {{first_name}}</p>"
    - {type: end}
""")
    r = run("lint", "p.yaml")
    assert "[no-text-part]" in r.stderr, r.stderr
    assert (
        "step 1 has an HTML body and an empty text part: give the email a plain-text body"
        in r.stderr
    )


@pytest.mark.parametrize("size", [120 * 1024])
def test_html_over_gmails_clip_and_a_long_body(tmp_path: Path, size: int) -> None:
    body = "<p>" + ("word " * (size // 5)) + "</p>"
    (tmp_path / "big.html").write_text(body)
    (tmp_path / "b.yaml").write_text("""\
provider: lemlist
key: b
campaign:
  name: B
  steps:
    - {type: email, delay: 0, subject: "Hi {{firstName}}", message: !file big.html}
""")
    r = run("lint", "b.yaml")
    found = _lines(r.stderr)
    assert "KB of HTML in step 1" in found["html-size"]
    assert "words in step 1: cut the body to under 200 words" in found["body-words"]


def test_spamassassin_is_skipped_with_a_message_when_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("outreach_cli.lint.spamassassin_path", lambda: None)
    (tmp_path / "clean.yaml").write_text(CLEAN)
    r = run("lint", "--spamassassin", "clean.yaml")
    assert r.exit_code == 0
    assert "SpamAssassin is not installed" in r.stderr and "--spamassassin skipped" in r.stderr


def test_the_readme_lists_every_rule_of_the_table() -> None:
    readme = (REPO / "README.md").read_text()
    table = readme[readme.index("### Copy checks") : readme.index("With `--spamassassin`")]
    for code in RULES:
        assert f"`{code}`" in table, code


@pytest.mark.slow
def test_spamassassin_scores_each_email_when_installed(tmp_path: Path) -> None:
    import shutil

    if shutil.which("spamassassin") is None:
        pytest.skip("SpamAssassin is not installed (Debian: apt-get install spamassassin)")
    (tmp_path / "bad.yaml").write_text(BAD)
    r = run("lint", "--spamassassin", "bad.yaml")
    scored = [x for x in r.stderr.splitlines() if "SpamAssassin (local tests) scores" in x]
    assert len(scored) == 2, r.stderr  # one line per email, at its body
    assert scored[0].startswith("bad.yaml:8:13: campaign.sequence[0].body: ")
    assert "step 1" in scored[0] and "SHORT_SHORTNER" in scored[0]  # the bit.ly link
    assert "its spam mark of 5.0" in scored[1]
