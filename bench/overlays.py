"""Bases and overlays (issue 24): `python bench/overlays.py [N]`.

Validates N client campaigns written two ways, each in a fresh process, median of 5 rounds:
as N full copies of examples/agency's playbook, and as N overlays of its base (every overlay
reads its base, once per run: a merge and values filled on top of the reading). Prints both
times and their ratio. Nothing is asserted.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TIMED = (
    "import time, sys; from outreach_cli.validate import validate_paths; "
    "from outreach_cli.project import discover; p = discover(); t = time.perf_counter(); "
    "r = validate_paths(['clients'], project=p, keep=False); "
    "print(time.perf_counter() - t, r.count, len(r.errors))"
)


def layout(root: Path, n: int, overlays: bool) -> None:
    shutil.copytree(REPO / "examples" / "agency", root)
    clients = root / "clients"
    shutil.rmtree(clients)
    (clients / "acme").mkdir(parents=True)
    for i in range(n):
        text = f"base: ../../bases/playbook.yaml\nkey: c{i}\nvalues: {{segment: Segment {i}}}\n"
        (clients / "acme" / f"c{i}.yaml").write_text(text, "utf-8")
    if not overlays:  # the same campaigns, each written out whole (as `render` prints them)
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                (
                    "import sys; from outreach_cli.validate import validate_paths; "
                    "from outreach_cli.project import discover; from outreach_cli.render import "
                    "rendered; [open(d.file, 'w').write(rendered(d)) for d in "
                    "validate_paths(['clients'], project=discover()).documents]"
                ),
            ],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        del out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    times: dict[str, list[float]] = {"full copies": [], "overlays": []}
    with tempfile.TemporaryDirectory() as tmp:
        for name, overlays in (("full copies", False), ("overlays", True)):
            root = Path(tmp) / name.replace(" ", "-")
            layout(root, n, overlays)
            for _ in range(5):
                out = subprocess.run(
                    [sys.executable, "-c", TIMED],
                    cwd=root,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.split()
                assert int(out[1]) == n and out[2] == "0", out
                times[name].append(float(out[0]))
    full, over = (statistics.median(times[k]) for k in ("full copies", "overlays"))
    print(
        f"validate {n} campaigns: full copies {full * 1000:.0f} ms, overlays "
        f"{over * 1000:.0f} ms ({over / full:.2f}×, {over / n * 1e6:.0f} µs an overlay)"
    )


if __name__ == "__main__":
    main()
