"""lemlist's rate limit under load, run by hand: `python bench/lemlist_rate.py [--campaigns N]`.

Starts the sandbox in-process, writes N lemlist campaign files (an email + LinkedIn sequence
with an A/B-tested opener, a schedule, senders, `status: active`) into a temp dir, then plans
and applies them through the library (plan.build, apply.run) with the given concurrency, all
on one API key, so every request shares one limiter of 20 requests per 2 s.

Printed: requests sent, 429s received (by the client and as counted by the emulator), elapsed
seconds, and the achieved rate over the busy period (first request sent → last request sent):

    rate = requests / (busy seconds + one window)

A limiter that sends exactly 20 requests every 2 s sends N requests in a busy period of
2·(N/20 − 1) s, so this formula gives it exactly 10 req/s, the limit, i.e. a fraction of 1.0.
The "sustained" figure leaves out the requests of the last window (a partial burst when N is
not a multiple of 20). The limiter itself (http.RateLimiter) widens its window by a 0.05 s
margin, so its ceiling is 20 / 2.05 s, a fraction of 0.976. Nothing is asserted; the targets
are 0 429s and a fraction of at least 0.9.
"""

from __future__ import annotations

import argparse
import bisect
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PREFIX = "/lemlist/api"

DOC = """\
provider: lemlist
key: rate-{i:03d}
status: active
campaign:
  name: Rate bench {i:03d}
  timezone: Europe/Paris
  sendUserIds: [usr_2aBCdEfGHiJkLmNOp, usr_7xYzAbCdEfGhIjKlM]
  stopOnEmailReplied: true
  tracking: {{trackOpens: false}}
  steps:
    - type: email
      delay: 0
      subject: "{{{{firstName}}}}, a question ({i})"
      message: "<p>Hi {{{{firstName}}}}, campaign {i}.</p>"
      abTest: {{subject: "Quick one, {{{{firstName}}}} ({i})"}}
    - {{type: linkedinVisit, delay: 1}}
    - {{type: linkedinInvite, delay: 1, message: "Hi {{{{firstName}}}}, glad to connect."}}
    - {{type: email, delay: 3, subject: "Re: a question ({i})", message: "<p>Bump</p>"}}
    - {{type: linkedinSend, delay: 2, message: "Thanks for connecting, {{{{firstName}}}}."}}
  schedules:
    - {{name: Office hours, timezone: Europe/Paris, start: "09:00", end: "17:00",
       weekdays: [1, 2, 3, 4, 5], secondsToWait: 900}}
"""


class Timed(httpx.HTTPTransport):
    """Record when each request leaves (after the limiter let it go) and how it was answered."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[float, str, int]] = []  # (monotonic send time, phase, status)
        self.phase = "plan"
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        t = time.monotonic()
        response = super().handle_request(request)
        with self._lock:
            self.sent.append((t, self.phase, response.status_code))
        return response


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best = 0
    for i, t in enumerate(times):
        j = bisect.bisect_left(times, t + window)
        best = max(best, j - i)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--campaigns", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    from outreach_cli import apply as applier
    from outreach_cli import plan as planner
    from outreach_cli.http import Api, RetryPolicy, shared_limiter
    from outreach_cli.providers.lemlist import Lemlist
    from outreach_cli.providers.lemlist import rules as lemlist_rules
    from outreach_cli.sandbox import server
    from outreach_cli.state import State
    from outreach_cli.validate import validate_paths

    limit, window = lemlist_rules.RATE_LIMIT
    running = server.start(":memory:", rate_limit=True)  # the limit under test
    emulator: Any = next(e for e in running.sandbox.emulators if e.prefix == PREFIX)
    timed = Timed()
    key = "bench-" + uuid.uuid4().hex[:8]
    # As Lemlist.connect builds it (Basic auth, the per-key shared limiter), plus the timing
    # transport.
    api = Api(
        "lemlist",
        running.url + PREFIX,
        auth=("", key),
        limiter=shared_limiter("lemlist", key, limit, window),
        retry=RetryPolicy(),
        transport=timed,
    )
    provider = Lemlist(api)
    try:
        with tempfile.TemporaryDirectory(prefix="outreach-lemlist-rate-") as tmp:
            folder = Path(tmp) / "campaigns"
            folder.mkdir()
            for i in range(args.campaigns):
                (folder / f"c{i:03d}.yaml").write_text(DOC.format(i=i))
            result = validate_paths([str(folder)])
            if result.errors:
                raise SystemExit("\n".join(str(d) for d in result.errors))
            state = State(Path(tmp) / ".outreach")

            t0 = time.monotonic()
            plan = planner.build(
                result.documents, lambda _: provider, state, concurrency=args.concurrency
            )
            t_plan = time.monotonic()
            timed.phase = "apply"
            report = applier.run(plan, lambda _: provider, state, concurrency=args.concurrency)
            t_apply = time.monotonic()
    finally:
        api.close()
        running.stop()

    sent = timed.sent
    times = sorted(t for t, _, _ in sent)
    busy = times[-1] - times[0]
    n = len(sent)
    rate = n / (busy + window)
    limit_rate = limit / window
    # The same without the last window's requests, which may be a partial burst.
    tail = [t for t in times if t > times[-1] - window]
    sustained = (n - len(tail)) / (tail[0] - times[0]) if tail[0] > times[0] else rate
    assert api.limiter is not None
    ceiling = limit / api.limiter.window  # the limiter's own window includes its margin

    def row(name: str, phase: str | None, seconds: float) -> str:
        mine = [s for s in sent if phase is None or s[1] == phase]
        r429 = sum(1 for s in mine if s[2] == 429)
        return (
            f"{name:<8}{len(mine):>9}{r429:>7}{seconds:>10.1f}"
            f"{len(mine) / seconds if seconds else 0:>9.2f}"
        )

    outcomes = {
        k: report.count(k) for k in ("applied", "unchanged", "blocked", "failed", "drifted")
    }
    print(
        f"lemlist rate bench: {args.campaigns} campaigns, concurrency {args.concurrency}, "
        f"one key, limit {limit} requests / {window:g} s ({limit_rate:g} req/s)"
    )
    print(f"apply outcomes: {outcomes}")
    print()
    print(f"{'phase':<8}{'requests':>9}{'429s':>7}{'seconds':>10}{'req/s':>9}")
    print(row("plan", "plan", t_plan - t0))
    print(row("apply", "apply", t_apply - t_plan))
    print(row("total", None, t_apply - t0))
    print()
    print(f"requests sent (client counter)      {api.requests_sent}")
    print(f"429s received (client / emulator)   {api.rate_limited} / {emulator.rate_limited}")
    print(f"busy period, first → last request   {busy:.2f} s")
    print(f"achieved rate = {n} / ({busy:.2f} + {window:g}) s  {rate:.2f} req/s")
    print(f"fraction of the limit ({limit_rate:g} req/s)     {rate / limit_rate:.3f}")
    print(
        f"sustained, last {window:g} s left out          {sustained:.2f} req/s = "
        f"{sustained / limit_rate:.3f}"
    )
    print(
        f"limiter ceiling {limit} / {api.limiter.window:g} s (margin)   {ceiling:.2f} req/s = "
        f"{ceiling / limit_rate:.3f}"
    )
    print(f"most requests sent in any {window:g} s       {max_in_window(times, window)}")


if __name__ == "__main__":
    main()
