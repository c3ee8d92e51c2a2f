"""One rate budget per API key, shared by every outreach process of this user on the machine.

lemlist limits requests per key (20 per 2 s), not per process: a person's `leads add` while CI
applies, or two terminals, draw on one budget. Each process's limiter kept to the limit on its
own, and together they overran it (24 % of requests answered 429 with two processes).

The budget is a small file, `<cache>/ratelimit/<provider>-<hash>.json`, where `<cache>` is the
user's cache folder (`$OUTREACH_CACHE_DIR`, else `$XDG_CACHE_HOME/outreach` or
`~/.cache/outreach`) and `<hash>` a SHA-256 of the key (the key itself is never written); the
folder is made 0700 and the files 0600. It holds the slots of the requests of the last window,
read and rewritten under a file lock (filelock: an OS lock, released when a process dies).

A slot is taken when a request leaves and counts until `window` seconds after its answer came
back, as `http.RateLimiter` counts within one process (see there why: the server counts a
request when it arrives). A slot still in flight whose process is gone, or older than
STALE_IN_FLIGHT, is dropped, so a killed process cannot hold the budget. A pause asked for by
the server (Retry-After) is written to the file and holds every process.

Times are wall-clock seconds (time.time(), the one clock every process shares across a reboot
too). A clock stepped back makes the budget wait longer, never send more; one stepped forward
can let a burst through, which the server answers 429 and the client waits out.

Not covered: another user's processes, another machine (CI), another tool on the same key. The
429s that still come are retried after the server's Retry-After and counted in the summary.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .lock import cache_path

STALE_IN_FLIGHT = 300.0  # seconds: no request outreach sends is in flight this long
POLL = 0.002  # seconds between tries of a busy file lock (filelock's default is 0.05)
IDLE_POLL = 0.005  # seconds between looks when every slot is still in flight


def budget_path(provider: str, key: str, folder: Path | None = None) -> Path:
    """The budget file of `key` on `provider` (named by a hash: the key is never on disk)."""
    digest = hashlib.sha256(f"outreach-rate\0{provider}\0{key}".encode()).hexdigest()[:32]
    return (folder or cache_path() / "ratelimit") / f"{provider}-{digest}.json"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # it exists (another user's), or we cannot tell: keep its slot
    return True


class SharedRateLimiter:
    """At most `limit` requests in any `window` seconds across every process using `path`.

    The same interface as http.RateLimiter: `acquire()` → token, `release(token)`,
    `pause(seconds)`. Raises OSError from the constructor when the folder cannot be made."""

    def __init__(self, path: Path, limit: int, window: float) -> None:
        from filelock import FileLock

        self.limit, self.window = limit, window
        self.path = path
        folder = path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):  # not ours to change (a shared cache dir): keep
            if folder.stat().st_mode & 0o077:
                os.chmod(folder, 0o700)
        self._flock = FileLock(str(path) + ".lock", mode=0o600)
        self._local = threading.Lock()  # threads of this process take turns at the file
        self._pid = os.getpid()
        with self._locked() as data:  # fails here, not mid-command, if it cannot be written
            data.setdefault("pausedUntil", 0.0)

    @contextlib.contextmanager
    def _locked(self) -> Any:
        with self._local:
            self._flock.acquire(poll_interval=POLL)
            try:
                data = self._read()
                before = json.dumps(data, sort_keys=True)
                yield data
                if json.dumps(data, sort_keys=True) != before:
                    self._write(data)
            finally:
                self._flock.release()

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {"slots": []}  # none yet, or unreadable: start afresh
        if not isinstance(data, dict) or not isinstance(data.get("slots"), list):
            return {"slots": []}
        return data

    def _write(self, data: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".rate-")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, separators=(",", ":"))
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _live(self, slots: list[Any], now: float) -> list[dict[str, Any]]:
        out = []
        for s in slots:
            if not isinstance(s, dict):
                continue
            done, sent = s.get("done"), s.get("sent")
            if not isinstance(sent, (int, float)):
                continue
            if isinstance(done, (int, float)):
                if now - done < self.window:
                    out.append(s)
            elif now - sent < STALE_IN_FLIGHT and _alive(int(s.get("pid") or 0)):
                out.append(s)
        return out

    def acquire(self) -> str:
        """Wait for a free slot; pass the returned token to `release()` once answered."""
        while True:
            with self._locked() as data:
                now = time.time()
                slots = self._live(data["slots"], now)
                data["slots"] = slots
                paused = data.get("pausedUntil")
                wait = max(float(paused) - now, 0.0) if isinstance(paused, (int, float)) else 0.0
                if not wait and len(slots) < self.limit:
                    token = secrets.token_hex(8)
                    slots.append({"id": token, "pid": self._pid, "sent": now, "done": None})
                    return token
                if not wait:
                    done = [s["done"] for s in slots if isinstance(s.get("done"), (int, float))]
                    wait = self.window - (now - min(done)) if done else IDLE_POLL
            time.sleep(max(wait, 0.001))

    def release(self, token: str) -> None:
        with self._locked() as data:
            now = time.time()
            for s in data["slots"]:
                if isinstance(s, dict) and s.get("id") == token:
                    s["done"] = now
                    break

    def pause(self, seconds: float) -> None:
        """Hold every process on this key for `seconds` (the server said so)."""
        with self._locked() as data:
            until = time.time() + seconds
            paused = data.get("pausedUntil")
            data["pausedUntil"] = (
                max(float(paused), until) if isinstance(paused, (int, float)) else until
            )
