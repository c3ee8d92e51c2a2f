"""`.outreach/state.json`: remote ids, revisions and write-only hashes; atomic and locked."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import OutreachError

STATE_VERSION = 1


@dataclass
class Entry:
    id: str
    revision: str | None = None
    hashes: dict[str, str] = field(default_factory=dict)
    applied_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "revision": self.revision, "hashes": dict(sorted(self.hashes.items())),
                "appliedAt": self.applied_at}


class State:
    """The state file of one working directory. Losing it loses nothing the remote cannot
    rebuild: ids are found again by name, write-only values are simply set again."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.dir = Path(directory)
        self.path = self.dir / "state.json"
        self.entries: dict[str, Entry] = {}
        self._load()

    def _load(self) -> None:
        try:
            raw = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            raise OutreachError(f"{self.path}: unreadable state file: {exc}",
                                hint="move it aside; the next plan finds campaigns by name") from exc
        if not isinstance(raw, dict):
            raise OutreachError(f"{self.path}: unreadable state file: not a JSON object",
                                hint="move it aside; the next plan finds campaigns by name")
        version = raw.get("version")
        if version != STATE_VERSION:
            raise OutreachError(f"{self.path}: state version {version!r} is not {STATE_VERSION}")
        try:
            for address, e in (raw.get("campaigns") or {}).items():
                self.entries[address] = Entry(e["id"], e.get("revision"),
                                              dict(e.get("hashes") or {}), e.get("appliedAt"))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise OutreachError(
                f"{self.path}: unreadable state file: bad entry ({exc!r})",
                hint="move it aside; the next plan finds campaigns by name") from exc

    def get(self, address: str) -> Entry | None:
        return self.entries.get(address)

    @contextlib.contextmanager
    def locked(self) -> Iterator[State]:
        """Hold the state lock, re-read the file, and write it back atomically on exit."""
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.dir / "state.lock", "a+") as lock:
            _lock(lock)
            try:
                self.entries.clear()
                self._load()
                yield self
                self._save()
            finally:
                _unlock(lock)

    def record(self, address: str, id: str, revision: str | None,
               hashes: dict[str, str] | None = None) -> None:
        entry = self.entries.get(address)
        if entry is None or entry.id != id:
            entry = self.entries[address] = Entry(id)
        entry.revision = revision
        if hashes:
            entry.hashes.update(hashes)
        entry.applied_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    def _save(self) -> None:
        data = {"version": STATE_VERSION,
                "campaigns": {k: v.to_json() for k, v in sorted(self.entries.items())}}
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".state-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _lock(fh: Any) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: best effort, no lock
        return
    fcntl.flock(fh.fileno(), fcntl.LOCK_EX)


def _unlock(fh: Any) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return
    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
