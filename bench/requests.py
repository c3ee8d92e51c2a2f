"""Requests per lemlist campaign against the documented minimum: `python bench/requests.py`.

One campaign (the rate bench's: five steps, an A/B-tested opener, a schedule, two senders) is
taken through the operations of the README's "Requests per operation" table by the real CLI,
in-process, against the sandbox (no rate limit, no latency: only the count matters here), and
the sandbox's request log says what each one sent:

- plan of the campaign once it exists (no change);
- create, with `status: paused` and with `status: active`;
- a one-field update (`stopOnEmailReplied`);
- a lifecycle change alone (pause a running campaign);
- a plan of 20 new campaigns (their names looked up in one read of the campaign list).

`minimum` is the README table's figure for this campaign; the ratio is measured ÷ minimum.
Nothing is asserted. Printed as a table; `--json` for the machine form (bench/speed.py's
summary reads it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PREFIX = "/lemlist/api"

DOC = """\
provider: lemlist
key: requests-bench
status: {status}
campaign:
  name: Requests bench {n}
  timezone: Europe/Paris
  sendUserIds: [usr_2aBCdEfGHiJkLmNOp, usr_7xYzAbCdEfGhIjKlM]
  stopOnEmailReplied: {flag}
  tracking: {{trackOpens: false}}
  steps:
    - type: email
      delay: 0
      subject: "{{{{firstName}}}}, a question"
      message: "<p>Hi {{{{firstName}}}}.</p>"
      abTest: {{subject: "Quick one, {{{{firstName}}}}"}}
    - {{type: linkedinVisit, delay: 1}}
    - {{type: linkedinInvite, delay: 1, message: "Hi {{{{firstName}}}}, glad to connect."}}
    - {{type: email, delay: 3, subject: "Re: a question", message: "<p>Bump</p>"}}
    - {{type: linkedinSend, delay: 2, message: "Thanks for connecting, {{{{firstName}}}}."}}
  schedules:
    - {{name: Office hours, timezone: Europe/Paris, start: "09:00", end: "17:00",
       weekdays: [1, 2, 3, 4, 5], secondsToWait: 900}}
"""
STEPS, AB_STEPS, SCHEDULES, SENDERS = 5, 1, 1, 2
NEW = 20

# The documented minimum for this campaign, per operation (README, "Requests per operation").
# read = GET /campaigns/{id} + GET …/sequences + one GET …/ab-test per A/B step
#        + GET /campaigns/{id}/schedules/
READ = 1 + 1 + AB_STEPS + 1
MINIMUM = {
    # The read; GET /team only when a sendUserIds change must be checked.
    "plan": READ,
    # plan (GET /team for the senders, GET /users/{id} per sender for its channels (LM-11),
    # the lookup by name) + apply's lookup by name right
    # before the POST (issue 20) + POST /campaigns + pause + a POST per step + a POST and a
    # PATCH per A/B test (the POST takes no body: variant B starts as a copy of A) + PATCH of
    # the update page's fields + PATCH of the default schedule + the read-back
    "create paused": 1 + SENDERS + 1 + 1 + 1 + 1 + STEPS + 2 * AB_STEPS + 1 + 1 + READ,
    # the same, then the start, and the read-back after it (the start answers {_id, state})
    "create active": 1 + SENDERS + 1 + 1 + 1 + 1 + STEPS + 2 * AB_STEPS + 1 + 1 + READ + 1 + READ,
    # plan's read + apply's re-read (the exit 4 check) + the PATCH + the read-back (the PATCH
    # answers a subset of the campaign, not the whole)
    "update one field": READ + READ + 1 + READ,
    # plan's read + re-read + POST …/pause + the read-back
    "pause": READ + READ + 1 + READ,
    # GET /team and GET /users/{id} per sender, once for the plan + one page of GET /campaigns
    # (up to 100 campaigns) for every new campaign's name: lemlist's list has no name search
    f"plan {NEW} new": 1 + SENDERS + 1,
}


def run(*args: str) -> tuple[int, str]:
    from typer.testing import CliRunner

    from outreach_cli.cli.app import app

    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--detail", action="store_true", help="each operation's endpoints")
    args = parser.parse_args()

    from outreach_cli.sandbox import server

    running = server.start(":memory:")
    log = running.sandbox.request_log
    measured: dict[str, int] = {}
    detail: dict[str, Counter[str]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="outreach-requests-") as tmp:
            os.chdir(tmp)
            os.environ.update(
                {
                    "LEMLIST_API_KEY": "requests-bench-key",
                    "OUTREACH_LEMLIST_URL": running.url + PREFIX,
                    "OUTREACH_RATE_LIMIT": "off",
                }
            )

            def step(name: str, n: int, status: str, flag: str, *cmd: str) -> None:
                Path("c.yaml").write_text(DOC.format(n=n, status=status, flag=flag))
                before = len(log)
                code, err = run(*cmd, "c.yaml")
                if code not in (0, 2):
                    raise SystemExit(f"{name}: exit {code}\n{err}")
                sent = log[before:]
                measured[name] = len(sent)
                detail[name] = Counter(f"{m} {p}" for m, p, _ in sent)

            step("create paused", 1, "paused", "false", "apply", "--yes")
            step("plan", 1, "paused", "false", "plan")
            step("update one field", 1, "paused", "true", "apply", "--yes")
            Path(".outreach").rename("state-1")
            step("create active", 2, "active", "false", "apply", "--yes")
            step("pause", 2, "paused", "false", "apply", "--yes")
            new = Path("new")
            new.mkdir()
            for i in range(NEW):
                (new / f"c{i}.yaml").write_text(
                    DOC.format(n=100 + i, status="paused", flag="false").replace(
                        "key: requests-bench", f"key: new-{i}"
                    )
                )
            before = len(log)
            code, err = run("plan", str(new))
            if code != 0:
                raise SystemExit(f"plan {NEW} new: exit {code}\n{err}")
            measured[f"plan {NEW} new"] = len(log) - before
            detail[f"plan {NEW} new"] = Counter(f"{m} {p}" for m, p, _ in log[before:])
    finally:
        running.stop()

    rows = {
        k: {
            "measured": measured[k],
            "minimum": MINIMUM[k],
            "ratio": round(measured[k] / MINIMUM[k], 3),
        }
        for k in MINIMUM
    }
    if args.json:
        print(json.dumps(rows, sort_keys=True))
        return
    print("requests per lemlist campaign (5 steps, 1 A/B test, 1 schedule, 2 senders)")
    print(f"{'operation':<18}{'measured':>9}{'minimum':>9}{'ratio':>7}")
    for k, r in rows.items():
        print(f"{k:<18}{r['measured']:>9}{r['minimum']:>9}{r['ratio']:>7.2f}")
    if args.detail:
        for k, c in detail.items():
            print(f"\n{k}:")
            for path, n in sorted(c.items()):
                print(f"  {n:>3}  {path}")


if __name__ == "__main__":
    main()
