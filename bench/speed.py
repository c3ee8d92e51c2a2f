"""The speed goals of issue 12 as ratios from one run: `python bench/speed.py [--only NAME]`.

Every figure is a median over R interleaved rounds (a round runs the measured work and its bound
back to back, so the noise of this shared machine hits both alike). Each measured command runs
in its own process, as a user runs it; the sandbox runs in another process (`_sandbox` below)
with an injected latency, so client and emulator do not share one interpreter lock.

  validate   `validate_paths` over N files ÷ reading + `yaml.load(…, CSafeLoader)` of the same
             files (both timed inside a fresh process after imports); peak RSS of each process
  plan       `outreach plan` of 200 SendKit campaigns at 50 ms ÷ (requests × 50 ms ÷ 16), and
             its speed-up over `--concurrency 1`; and the floor (FLOOR: the same reads by a
             script with no outreach code) on the same bound, and outreach ÷ floor
  apply      `outreach apply` of 200 new campaigns at 50 ms, concurrency 8, then a second apply
             with nothing to do, each ÷ (requests × 50 ms ÷ 8)
  leads      `outreach leads list` of 10,000 and 20,000 leads at 50 ms ÷ (pages × 50 ms), JSON
             and text; peak RSS
  startup    `outreach --version`, `--help`, `plan --help` and one TAB completion
             ÷ `python -c "import typer"`

The package is measured as installed, its bytecode compiled (as_installed). Nothing is
asserted. The goals: validate ≤ 2×, plan ≤ 1.3× and ≥ 8× speed-up, apply ≤ 1.3×,
leads ≤ 1.3× and linear, startup ≤ 2× (issue 26).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
OUTREACH = str(Path(PY).parent / "outreach")
LATENCY_MS = 50.0

SENDKIT_DOC = """\
provider: sendkit
key: bench-{i:05d}
status: active
campaign:
  name: Bench campaign {i:05d}
  sequence:
    - {{type: email, subject: "Hi {{{{firstName}}}} ({i})", body: "Line one\\n\\nLine two {i}"}}
    - {{type: wait, waitDays: 2}}
    - {{type: email, subject: "Re: hi", body: "<p>Bump {i}</p>"}}
  schedule: {{timezone: Europe/Paris, startTime: "09:00", endTime: "17:00", workingDays: [1, 2, 3]}}
  settings: {{dailySendLimit: 50, trackOpens: true}}
  mailboxTags: [outreach]
"""


def write_corpus(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"c{i:05d}.yaml").write_text(SENDKIT_DOC.format(i=i))


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# -- child processes ------------------------------------------------------------------------------


def child_parse(folder: str) -> None:
    import yaml

    files = sorted(str(p) for p in Path(folder).rglob("*.yaml"))
    t0 = time.perf_counter()
    for f in files:
        with open(f, encoding="utf-8") as fh:
            list(yaml.load_all(fh.read(), Loader=yaml.CSafeLoader))
    elapsed = time.perf_counter() - t0
    print(json.dumps({"seconds": elapsed, "rss_mb": peak_rss_mb()}))


def child_validate(folder: str) -> None:
    sys.path.insert(0, str(REPO))
    from outreach_cli.validate import validate_paths

    t0 = time.perf_counter()
    result = validate_paths([folder], keep=False)
    elapsed = time.perf_counter() - t0
    assert not result.errors, result.errors[:3]
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "rss_mb": peak_rss_mb(),
                "documents": result.count,
                "httpx": "httpx" in sys.modules,
            }
        )
    )


def child_phase(mode: str, folder: str, state: str, url: str, conc: str) -> None:
    """The network phase alone (plan.build, and apply.run for `apply`), after imports and
    validation: what the command spends beyond its fixed start."""
    sys.path.insert(0, str(REPO))
    from outreach_cli import apply as applier
    from outreach_cli import plan as planner
    from outreach_cli.session import Session
    from outreach_cli.validate import validate_paths

    docs = validate_paths([folder]).documents
    with Session(sandbox=True, state_dir=state, sandbox_url=url) as session:
        session.provider("sendkit")
        t0 = time.perf_counter()
        plan = planner.build(docs, session.provider, session.state, concurrency=int(conc))
        if mode == "apply":
            applier.run(plan, session.provider, session.state, concurrency=int(conc))
        elapsed = time.perf_counter() - t0
    print(json.dumps({"seconds": elapsed}))


# The same reads with nothing of outreach: the CLI framework imported, every file parsed with
# the C loader (outreach checks every file before its first request), then each campaign's GET
# sent through one httpx client, 16 at once. What any tool on this stack pays before its own
# work; run with `python -c`, so it loads nothing this script does.
FLOOR = """
import typer  # noqa: F401
import glob, json, sys
from concurrent.futures import ThreadPoolExecutor
import httpx, yaml
folder, state, url, conc = sys.argv[1:]
ids = {k.split("/", 1)[1]: v["id"]
       for k, v in json.load(open(state + "/state.json"))["campaigns"].items()}
docs = [yaml.load(open(f, "rb"), Loader=yaml.CSafeLoader)
        for f in sorted(glob.glob(folder + "/*.yaml"))]
client = httpx.Client(base_url=url + "/sendkit/v1",
                      headers={"Authorization": "Bearer sk_sandbox_demo"})
with ThreadPoolExecutor(int(conc)) as pool:
    answers = list(pool.map(lambda d: client.get("/campaigns/" + ids[d["key"]]).json(), docs))
assert all(a.get("success") for a in answers), answers[:1]
"""


def child_sandbox(db: str, latency_ms: str) -> None:
    """Serve the sandbox; answer `count` on stdin with the number of requests served."""
    sys.path.insert(0, str(REPO))
    from outreach_cli.sandbox import server

    running = server.start(db, faults=server.Faults(float(latency_ms)))
    print(running.url, flush=True)
    for line in sys.stdin:
        if line.strip() == "count":
            print(len(running.sandbox.request_log), flush=True)
    running.stop()


# -- helpers --------------------------------------------------------------------------------------


class SandboxProcess:
    def __init__(self, db: Path, latency_ms: float) -> None:
        self.proc = subprocess.Popen(
            [PY, __file__, "_sandbox", str(db), str(latency_ms)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None and self.proc.stdin is not None
        self.url = self.proc.stdout.readline().strip()

    def count(self) -> int:
        assert self.proc.stdout is not None and self.proc.stdin is not None
        self.proc.stdin.write("count\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "OUTREACH_SENDKIT_URL": self.url + "/sendkit/v1",
                "SENDKIT_API_KEY": "sk_sandbox_demo",
                "NO_COLOR": "1",
                "COLUMNS": "120",
            }
        )
        return env

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def timed(
    cmd: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    ok: tuple[int, ...] = (0,),
) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return elapsed, proc


def timed_rss(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall time, this child's own peak RSS (from wait4) and its stdout's size."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}")
        size = out.tell()
    return elapsed, usage.ru_maxrss / 1024.0, size


# -- benchmarks -----------------------------------------------------------------------------------


def bench_validate(work: Path, rounds: int) -> None:
    for n in (1000, 10000):
        folder = work / f"validate-{n}"
        write_corpus(folder, n)
        ratios, vt, pt, vrss, prss = [], [], [], [], []
        httpx_loaded = False
        for _ in range(rounds):
            _, p = timed([PY, __file__, "_parse", str(folder)])
            _, v = timed([PY, __file__, "_validate", str(folder)])
            pj, vj = json.loads(p.stdout), json.loads(v.stdout)
            pt.append(pj["seconds"])
            vt.append(vj["seconds"])
            ratios.append(vj["seconds"] / pj["seconds"])
            prss.append(pj["rss_mb"])
            vrss.append(vj["rss_mb"])
            httpx_loaded = httpx_loaded or vj["httpx"]
        print(
            f"validate {n} files: {median(vt):.3f} s; C-loader parse {median(pt):.3f} s; "
            f"ratio {median(ratios):.2f}x (goal <= 2x); peak RSS validate "
            f"{median(vrss):.1f} MB, parse {median(prss):.1f} MB; httpx imported: "
            f"{httpx_loaded}",
            flush=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def bench_plan_apply(work: Path, rounds: int, which: set[str]) -> None:
    n = 200
    folder = work / "campaigns"
    write_corpus(folder, n)
    plan_ratio, plan1_t, plan16_t, speedups, ap_ratio, ap2_ratio = [], [], [], [], [], []
    plan_rounds: list[float] = []
    floor_ratio: list[float] = []
    over_floor: list[float] = []
    phases: dict[str, list[float]] = {"phase_apply": [], "phase_again": [], "phase_plan": []}
    for r in range(rounds):
        state = work / f"state-{r}"
        sb = SandboxProcess(work / f"sandbox-{r}.sqlite3", LATENCY_MS)
        env = sb.env()
        try:
            base = [OUTREACH]
            # apply of 200 new campaigns (plan phase included: the command as a user runs it)
            c0 = sb.count()
            t_apply, _ = timed(
                [
                    *base,
                    "apply",
                    str(folder),
                    "--yes",
                    "--concurrency",
                    "8",
                    "--state-dir",
                    str(state),
                ],
                env=env,
            )
            req = sb.count() - c0
            ap_ratio.append(t_apply / (req * LATENCY_MS / 1000 / 8))
            if r == 0:
                print(f"  apply (new) round 0: {t_apply:.2f} s, {req} requests", flush=True)
            c0 = sb.count()
            t_again, _ = timed(
                [
                    *base,
                    "apply",
                    str(folder),
                    "--yes",
                    "--concurrency",
                    "8",
                    "--state-dir",
                    str(state),
                ],
                env=env,
            )
            req = sb.count() - c0
            ap2_ratio.append(t_again / (req * LATENCY_MS / 1000 / 8))
            if r == 0:
                print(
                    f"  apply (nothing to do) round 0: {t_again:.2f} s, {req} requests", flush=True
                )
            # The network phase alone, in a fresh state dir and a fresh sandbox database.
            sb_phase = SandboxProcess(work / f"phase-{r}.sqlite3", LATENCY_MS)
            try:
                pstate = str(work / f"phase-state-{r}")
                for mode, key in (
                    ("apply", "phase_apply"),
                    ("apply", "phase_again"),
                    ("plan", "phase_plan"),
                ):
                    conc = "16" if mode == "plan" else "8"
                    c0 = sb_phase.count()
                    _, out = timed(
                        [PY, __file__, "_phase", mode, str(folder), pstate, sb_phase.url, conc]
                    )
                    req = sb_phase.count() - c0
                    phases[key].append(
                        json.loads(out.stdout)["seconds"] / (req * LATENCY_MS / 1000 / int(conc))
                    )
            finally:
                sb_phase.close()
            if "plan" in which:
                c0 = sb.count()
                t16, _ = timed(
                    [*base, "plan", str(folder), "--concurrency", "16", "--state-dir", str(state)],
                    env=env,
                )
                req16 = sb.count() - c0
                plan_ratio.append(t16 / (req16 * LATENCY_MS / 1000 / 16))
                # Reads go out in rounds of 16: 200 need 13 rounds, not 12.5.
                plan_rounds.append(t16 / (-(-req16 // 16) * LATENCY_MS / 1000))
                plan16_t.append(t16)
                c0 = sb.count()
                t_floor, _ = timed([PY, "-c", FLOOR, str(folder), str(state), sb.url, "16"])
                assert sb.count() - c0 == req16, "the floor sends the plan's reads, no other"
                floor_ratio.append(t_floor / (req16 * LATENCY_MS / 1000 / 16))
                over_floor.append(t16 / t_floor)
                if r == 0:
                    c0 = sb.count()
                    t1, _ = timed(
                        [
                            *base,
                            "plan",
                            str(folder),
                            "--concurrency",
                            "1",
                            "--state-dir",
                            str(state),
                        ],
                        env=env,
                    )
                    plan1_t.append(t1)
                    print(
                        f"  plan round 0: --concurrency 16 {t16:.2f} s ({req16} requests); "
                        f"--concurrency 1 {t1:.2f} s ({sb.count() - c0} requests)",
                        flush=True,
                    )
        finally:
            sb.close()
    print(
        f"apply 200 new campaigns, 50 ms, concurrency 8: {median(ap_ratio):.2f}x of "
        f"requests x latency / concurrency (goal <= 1.3x); network phase alone "
        f"{median(phases['phase_apply']):.2f}x"
    )
    print(
        f"second apply (nothing to do): {median(ap2_ratio):.2f}x (goal <= 1.3x); network "
        f"phase alone {median(phases['phase_again']):.2f}x"
    )
    print(
        f"plan network phase alone (plan.build, --concurrency 16): "
        f"{median(phases['phase_plan']):.2f}x"
    )
    if "plan" in which:
        speedups = [plan1_t[0] / t for t in plan16_t]
        print(
            f"plan 200 campaigns, 50 ms, --concurrency 16: {median(plan_ratio):.2f}x "
            f"(goal <= 1.3x; {median(plan_rounds):.2f}x of the whole rounds of 16 reads "
            f"it needs); speed-up over --concurrency 1: {median(speedups):.1f}x "
            f"(goal >= 8x)",
            flush=True,
        )
        print(
            f"plan floor (the same reads with no outreach code: typer imported, C-loader "
            f"parse of every file, then httpx): {median(floor_ratio):.2f}x of the bound; "
            f"outreach plan / floor: {median(over_floor):.2f}x",
            flush=True,
        )


LEADS_CAMPAIGN = """\
provider: sendkit
key: leads-bench
status: active
campaign:
  name: Leads bench
  sequence:
    - {type: email, subject: "Hi", body: "Hello"}
  schedule: {timezone: Europe/Paris, startTime: "09:00", endTime: "17:00", workingDays: [1, 2, 3]}
  mailboxTags: [outreach]
"""


def seed_leads(db: Path, state: Path, folder: Path, count: int) -> None:
    """Create the campaign and add `count` leads through the API, at no latency."""
    sb = SandboxProcess(db, 0.0)
    try:
        timed([OUTREACH, "apply", str(folder), "--yes", "--state-dir", str(state)], env=sb.env())
        csv = folder.parent / f"leads-{count}.csv"
        with open(csv, "w") as fh:
            fh.write("email,firstName,lastName,companyName\n")
            for i in range(count):
                fh.write(f"lead{i:06d}@bench{i % 97}.example.com,First{i},Last{i},Co {i % 13}\n")
        timed(
            [
                OUTREACH,
                "leads",
                "add",
                str(folder / "leads.yaml"),
                "--from",
                str(csv),
                "--state-dir",
                str(state),
            ],
            env=sb.env(),
        )
    finally:
        sb.close()


def bench_leads(work: Path, rounds: int) -> None:
    results: dict[int, dict[str, list[float]]] = {}
    for count in (10000, 20000):
        folder = work / f"leads-{count}" / "campaigns"
        folder.mkdir(parents=True)
        (folder / "leads.yaml").write_text(LEADS_CAMPAIGN)
        state = work / f"leads-{count}" / "state"
        db = work / f"leads-{count}" / "sandbox.sqlite3"
        seed_leads(db, state, folder, count)
        sb = SandboxProcess(db, LATENCY_MS)
        res = results[count] = {"json": [], "text": [], "rss_json": [], "rss_text": [], "pages": []}
        try:
            for _ in range(rounds):
                for fmt in ("json", "text"):
                    c0 = sb.count()
                    t, rss, _ = timed_rss(
                        [
                            OUTREACH,
                            "leads",
                            "list",
                            str(folder / "leads.yaml"),
                            "--format",
                            fmt,
                            "--state-dir",
                            str(state),
                        ],
                        env=sb.env(),
                    )
                    req = sb.count() - c0
                    pages = -(-count // 100) + 1
                    res[fmt].append(t / (pages * LATENCY_MS / 1000))
                    res["rss_" + fmt].append(rss)
                    res["pages"].append(req)
        finally:
            sb.close()
        print(
            f"leads list {count} leads ({median(res['pages']):.0f} requests): JSON "
            f"{median(res['json']):.2f}x, text {median(res['text']):.2f}x of pages x 50 ms "
            f"(goal <= 1.3x); peak RSS JSON {median(res['rss_json']):.0f} MB, text "
            f"{median(res['rss_text']):.0f} MB",
            flush=True,
        )


def bench_startup(rounds: int) -> None:
    """`--version`, `--help`, `plan --help` and one TAB completion (bash, `outreach pl<TAB>`),
    each a ratio to `python -c "import typer"` measured in the same round."""
    tab = {
        **os.environ,
        "_OUTREACH_COMPLETE": "complete_bash",
        "COMP_WORDS": "outreach pl",
        "COMP_CWORD": "1",
    }
    runs = {
        "--version": ([OUTREACH, "--version"], None),
        "--help": ([OUTREACH, "--help"], None),
        "plan --help": ([OUTREACH, "plan", "--help"], None),
        "TAB completion": ([OUTREACH], tab),
    }
    ratios: dict[str, list[float]] = {name: [] for name in runs}
    absolute: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(max(rounds, 7)):
        t_typer, _ = timed([PY, "-c", "import typer"])
        for name, (cmd, env) in runs.items():
            t, _ = timed(cmd, env=env)
            ratios[name].append(t / t_typer)
            absolute[name].append(t)
    print(
        "startup (goal <= 2x of python -c 'import typer'): "
        + "; ".join(
            f"{name} {median(ratios[name]):.2f}x ({median(absolute[name]) * 1000:.0f} ms)"
            for name in runs
        ),
        flush=True,
    )


def as_installed() -> None:
    """Measure the package as pip leaves it: bytecode compiled and cached. A machine that sets
    PYTHONDONTWRITEBYTECODE (this one does) would otherwise have every measured command
    compile the whole package from source (~30 ms a command, and more for `--version`)."""
    import compileall

    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False
    compileall.compile_dir(str(REPO / "outreach_cli"), quiet=1)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        {
            "_parse": child_parse,
            "_validate": child_validate,
            "_phase": child_phase,
            "_sandbox": child_sandbox,
        }[sys.argv[1]](*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only", action="append", choices=["validate", "plan", "apply", "leads", "startup"]
    )
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    which = set(args.only or ["validate", "plan", "apply", "leads", "startup"])
    as_installed()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.rounds} rounds", flush=True
    )
    work = Path(tempfile.mkdtemp(prefix="outreach-speed-"))
    try:
        if "startup" in which:
            bench_startup(args.rounds)
        if "validate" in which:
            bench_validate(work, args.rounds)
        if which & {"plan", "apply"}:
            bench_plan_apply(work, args.rounds, which)
        if "leads" in which:
            bench_leads(work, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
