"""The cost of copy safety, run by hand: `python bench/copy_safety.py [--leads N] [--files N]`.

Two figures, ratios from one run (nothing is asserted):

- validate: the example campaigns copied N times into a temp dir, validated (best of 5) with
  the copy checks (`copycheck.check_copy`, hooked into `validate.check_source`) and without
  them (the hook replaced by a no-op): seconds for each and the ratio.
- preview: a SendKit campaign (two emails, two A/B variants, a subsequence, an HTML body) and a
  leads CSV of N rows, 1 in 1,000 without companyName: seconds to read the CSV and render
  every email for every lead (`preview.from_csv` + `preview.build`), and emails per second.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DOC = """\
provider: sendkit
key: bench
campaign:
  name: Bench
  sequence:
    - type: email
      subject: "Quick question about {{companyName}}"
      body: !file intro.html
      variants:
        - {label: A}
        - {label: B, subject: "{{firstName}}, a question about {{companyName}}"}
    - {type: wait, waitDays: 2}
    - {type: email, subject: "Re: {{companyName}}", body: "Hi {{firstName}}, any thoughts?"}
  subsequences:
    - name: Replied
      trigger: {type: reply}
      sequence:
        - {type: email, subject: Thanks, body: "Thanks {{firstName}}, talk soon."}
"""
INTRO = (
    "<p>Hi {{firstName}},</p><p>I noticed {{companyName}} is scaling fast. Would love to "
    "share how we helped similar teams cut outbound costs by 40%.</p><p>Best,<br>Sam</p>"
)


def bench_validate(files: int, tmp: Path) -> None:
    from outreach_cli import validate

    for i in range(files):
        shutil.copytree(REPO / "campaigns", tmp / f"c{i}")
    paths = [str(tmp / f"c{i}") for i in range(files)]
    validate.validate_paths(paths)  # warm: schema validators compiled, modules imported
    original = validate.check_copy

    def best() -> float:
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            validate.validate_paths(paths)
            runs.append(time.perf_counter() - t0)
        return min(runs)

    with_checks = best()
    validate.check_copy = lambda src, provider, custom=(): []  # type: ignore[assignment]
    try:
        without = best()
    finally:
        validate.check_copy = original  # type: ignore[assignment]
    print(
        f"validate {files * 5} files (best of 5): {with_checks:.3f} s with copy checks, "
        f"{without:.3f} s without; ratio {with_checks / without:.2f}"
    )


def bench_preview(leads: int, tmp: Path) -> None:
    from outreach_cli.preview import build, from_csv, one_document

    (tmp / "intro.html").write_text(INTRO)
    (tmp / "c.yaml").write_text(DOC)
    rows = ["email,firstName,companyName"]
    rows += [
        f"lead{i}@example.com,Lead{i},{'' if i % 1000 == 7 else f'Co{i}'}" for i in range(leads)
    ]
    (tmp / "leads.csv").write_text("\n".join(rows) + "\n")
    doc = one_document(str(tmp / "c.yaml"))
    t0 = time.perf_counter()
    recipients, _ = from_csv(str(tmp / "leads.csv"), "sendkit")
    result = build(doc, recipients, "leads.csv")
    t1 = time.perf_counter()
    n = len(result.messages)
    print(
        f"preview {leads} leads: {n} emails in {t1 - t0:.3f} s ({n / (t1 - t0):,.0f} "
        f"emails/s); {result.gaps[0].sentence() if result.gaps else 'no gaps'}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=3000)
    ap.add_argument("--files", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        bench_validate(args.files, Path(d))
    with tempfile.TemporaryDirectory() as d:
        bench_preview(args.leads, Path(d))


if __name__ == "__main__":
    main()
