"""Word diffs of long one-line bodies: `python bench/textdiff.py`.

A one-line HTML email body is common (editors and exports write them so). The plan shows what
changed in it word by word (output/textdiff.py). Measured, one run, in-process:

- `word_segments` of a body of N words with three words changed, against its floor: difflib's
  matcher over the same body's words alone (no punctuation or space tokens);
- the markdown plan of 200 campaigns whose 344-word body changed (the pull-request comment).

Nothing is asserted.
"""

from __future__ import annotations

import difflib
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SENTENCE = (
    "<p>Hi {{firstName}}, we help sales teams at companies like {{companyName}} book "
    "more meetings with less manual work. Would a quick call next week be useful? "
    "I can walk you through how teams your size set this up in under a day.</p>"
)


def _best(work: object, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    from outreach_cli.output.markdown import plan_markdown
    from outreach_cli.output.textdiff import word_segments
    from outreach_cli.plan import CampaignPlan, Plan, PlannedChange
    from outreach_cli.providers.base import Change, Remote, Verdict
    from outreach_cli.validate import validate_paths

    for copies in (8, 40):
        old = SENTENCE * copies
        new = old.replace("sales", "revenue", 3)
        words_a, words_b = re.findall(r"\w+", old), re.findall(r"\w+", new)
        ours = _best(lambda old=old, new=new: word_segments(old, new))
        floor = _best(
            lambda a=words_a, b=words_b: difflib.SequenceMatcher(
                None, a, b, autojunk=False
            ).get_opcodes()
        )
        print(
            f"word diff of a one-line body of {len(words_a):,} words: {ours * 1000:.1f} ms; "
            f"the matcher over its words alone {floor * 1000:.1f} ms; ratio {ours / floor:.2f}x"
        )

    with tempfile.TemporaryDirectory(prefix="outreach-textdiff-") as tmp:
        for i in range(200):
            (Path(tmp) / f"c{i:03}.yaml").write_text(
                f"provider: sendkit\nkey: c{i:03}\ncampaign:\n  name: Campaign {i}\n"
            )
        docs = sorted(validate_paths([tmp]).documents, key=lambda d: d.key)
        body = SENTENCE * 8
        plans = tuple(
            CampaignPlan(
                d,
                "update",
                Remote(f"{i:024x}", f"Campaign {i}", "active", "r1", {}),
                (
                    PlannedChange(
                        Change(
                            ("sequence", 0, "body"),
                            "change",
                            body,
                            body.replace("sales", "revenue"),
                        ),
                        Verdict(True),
                    ),
                ),
            )
            for i, d in enumerate(docs)
        )
        took = _best(lambda: plan_markdown(Plan(plans)), rounds=1)
        words = len(re.findall(r"\w+", body))
        print(f"markdown plan of 200 campaigns, a {words}-word body changed in each: {took:.2f} s")


if __name__ == "__main__":
    main()
