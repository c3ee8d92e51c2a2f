"""Issue 25's figures as ratios from one run: `python bench/preview.py [--rounds R]`.

  preview  `outreach preview FILE --from leads.csv --html DIR` of one campaign of 5 email steps
           for 3,000 leads (15,000 email pages) ÷ `outreach validate FILE` of the same file
           and ÷ the floor: a script writing the same bytes into the same number of files (on
           a slow disk creating 15,000 files is most of the time)
  lint     `outreach lint DIR` of 1,000 campaign files ÷ `outreach validate DIR` of them

Each figure is the median of R interleaved rounds (the command and its bound back to back, so
the noise of this shared machine hits both alike); each command runs in its own process, as a
user runs it. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUTREACH = str(Path(sys.executable).parent / "outreach")

STEP = """\
    - type: email
      subject: "{subject}"
      body: "<p>Hi {{{{firstName}}}},</p><p>{line} at {{{{companyName}}}}. Worth a \\
chat? <a href='https://acme.example/case'>The case study</a></p><p>Best,<br>Sam</p>"
    - {{type: wait, waitDays: 2}}
"""
SUBJECTS = [
    "Quick question about {{companyName}}",
    "Re: Quick question",
    "Re: Quick question",
    "Re: one more idea",
    "Closing the loop, {{firstName}}",
]


def campaign(key: str) -> str:
    steps = "".join(
        STEP.format(subject=s, line=f"Step {i + 1} note for {key}") for i, s in enumerate(SUBJECTS)
    )
    return (
        f"provider: sendkit\nkey: {key}\ncampaign:\n  name: Bench {key}\n  sequence:\n"
        f"{steps}  settings: {{includeUnsubscribeLink: true}}\n  mailboxTags: [outreach]\n"
    )


def leads(n: int) -> str:
    rows = [f"lead{i}@company{i % 97}.example,Lead{i},Company {i % 97}" for i in range(n)]
    return "email,firstName,companyName\n" + "\n".join(rows) + "\n"


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
    took = time.perf_counter() - start
    if done.returncode not in (0,):
        raise SystemExit(f"{cmd}: exit {done.returncode}\n{done.stderr.decode()[-2000:]}")
    return took


def floor(site: Path, into: Path) -> float:
    """Write every file of `site` again under `into`, with no outreach code: the disk's part."""
    files = [(p.relative_to(site), p.read_bytes()) for p in site.rglob("*") if p.is_file()]
    shutil.rmtree(into, ignore_errors=True)
    start = time.perf_counter()
    for rel, data in files:
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--leads", type=int, default=3000)
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="outreach-bench-preview-") as tmp:
        work = Path(tmp)
        (work / "one.yaml").write_text(campaign("one"))
        (work / "leads.csv").write_text(leads(args.leads))
        many = work / "many"
        many.mkdir()
        for i in range(args.files):
            (many / f"c{i:04d}.yaml").write_text(campaign(f"c{i:04d}"))
        pv, v1, li, vn, fl = [], [], [], [], []
        for _ in range(args.rounds):
            shutil.rmtree(work / "site", ignore_errors=True)
            pv.append(
                timed(
                    [OUTREACH, "preview", "one.yaml", "--from", "leads.csv", "--html", "site"], work
                )
            )
            v1.append(timed([OUTREACH, "validate", "one.yaml"], work))
            li.append(timed([OUTREACH, "lint", "many"], work))
            vn.append(timed([OUTREACH, "validate", "many"], work))
            fl.append(floor(work / "site", work / "floor"))
        pages = len(list((work / "site").glob("*/l*-e*.html")))
        size = sum(p.stat().st_size for p in (work / "site").rglob("*")) / 1e6
        p, v, lt, vv, f = (statistics.median(x) for x in (pv, v1, li, vn, fl))
        print(
            f"preview --html {args.leads:,} leads x 5 steps ({pages:,} pages, {size:.0f} MB): "
            f"{p:.2f} s; validate of the file {v:.3f} s; ratio {p / v:.1f}x "
            f"({p / pages * 1e6:.0f} us a page); writing the same files alone {f:.2f} s "
            f"(preview / floor {p / f:.1f}x)"
        )
        print(
            f"lint {args.files:,} files: {lt:.2f} s; validate of them {vv:.2f} s; "
            f"ratio {lt / vv:.2f}x"
        )


if __name__ == "__main__":
    main()
