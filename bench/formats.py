"""Format checks' cost, run by hand: `python bench/formats.py [--files N]`.

Validates N SendKit files whose settings carry emails, a webhook URL and a tracking domain,
once with outreach's format checker (outreach_cli/formats.py) and once with jsonschema's
default one, in the same run; the ratio is what to compare between runs. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DOC = """provider: sendkit
key: b-{i}
campaign:
  name: B {i}
  sequence:
    - {{type: email, subject: S, body: B}}
  settings:
    replyNotificationEmails: [ops{i}@example.com, sales{i}@example.co.uk]
    cc: [a{i}@example.com]
    webhook: {{enabled: true, url: "https://hooks.example.com/{i}"}}
    cnameTracking: {{enabled: true, domain: track{i}.example.com}}
"""


def _best(folder: Path, runs: int = 3) -> float:
    from outreach_cli.validate import validate_paths

    validate_paths([str(folder)])  # warm the cached validators
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        validate_paths([str(folder)])
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=400)
    n = parser.parse_args().files
    from jsonschema import Draft202012Validator

    from outreach_cli import formats, validate

    folder = Path(tempfile.mkdtemp())
    for i in range(n):
        (folder / f"c{i}.yaml").write_text(DOC.format(i=i))
    ours = _best(folder)
    real = formats.checker
    formats.checker = lambda: Draft202012Validator.FORMAT_CHECKER  # type: ignore[assignment]
    validate._validator.cache_clear()
    try:
        default = _best(folder)
    finally:
        formats.checker = real  # type: ignore[assignment]
        validate._validator.cache_clear()
    print(
        f"validate {n} files: outreach's format checks {ours:.3f} s "
        f"({ours / n * 1000:.2f} ms/file); jsonschema's defaults {default:.3f} s "
        f"({default / n * 1000:.2f} ms/file); ratio {ours / default:.2f}"
    )
    t0 = time.perf_counter()
    for i in range(20000):
        formats.is_email(f"a{i}@example.com")
    t1 = time.perf_counter()
    for i in range(20000):
        formats.is_uri(f"https://x.example.com/{i}")
    t2 = time.perf_counter()
    print(f"is_email {(t1 - t0) / 20000 * 1e6:.1f} µs, is_uri {(t2 - t1) / 20000 * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
