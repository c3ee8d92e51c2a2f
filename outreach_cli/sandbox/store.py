"""SQLite-backed document store shared by the provider emulators.

Each record is a JSON document keyed by (workspace, kind, id). The emulators hold the store's
lock for a whole request, so every request is atomic, as it is on a real API.
"""

from __future__ import annotations

import builtins
import json
import os
import re
import secrets
import sqlite3
import string
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    workspace TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (workspace, kind, id)
);
CREATE INDEX IF NOT EXISTS docs_kind ON docs (workspace, kind, seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_BASE62 = string.digits + string.ascii_letters
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Store:
    """A tiny JSON document store on SQLite; one connection, serialised by a lock."""

    def __init__(self, path: str | os.PathLike[str] = ":memory:") -> None:
        if str(path) != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL") if str(path) != ":memory:" else None
        self._db.executescript(_SCHEMA)
        self.lock = threading.RLock()
        self._in_tx = False
        self._indexes: set[tuple[str, ...]] = set()

    def close(self) -> None:
        with self.lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Hold the lock and one SQLite transaction: all of a request's writes or none."""
        with self.lock:
            if self._in_tx:
                yield self
                return
            self._db.execute("BEGIN")
            self._in_tx = True
            try:
                yield self
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                self._in_tx = False

    # -- documents -------------------------------------------------------------------------

    def get(self, ws: str, kind: str, id: str) -> dict[str, Any] | None:
        with self.lock:
            row = self._db.execute(
                "SELECT body FROM docs WHERE workspace=? AND kind=? AND id=?", (ws, kind, id)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, ws: str, kind: str, id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            row = self._db.execute(
                "SELECT seq FROM docs WHERE workspace=? AND kind=? AND id=?", (ws, kind, id)
            ).fetchone()
            seq = row[0] if row else self._next_seq()
            self._db.execute(
                "INSERT OR REPLACE INTO docs (workspace, kind, id, seq, body) VALUES (?,?,?,?,?)",
                (ws, kind, id, seq, json.dumps(body, sort_keys=True)),
            )
        return body

    def delete(self, ws: str, kind: str, id: str) -> bool:
        with self.lock:
            cur = self._db.execute(
                "DELETE FROM docs WHERE workspace=? AND kind=? AND id=?", (ws, kind, id)
            )
        return cur.rowcount > 0

    def list(self, ws: str, kind: str) -> builtins.list[dict[str, Any]]:
        """All documents of a kind in insertion order."""
        with self.lock:
            rows = self._db.execute(
                "SELECT body FROM docs WHERE workspace=? AND kind=? ORDER BY seq", (ws, kind)
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def where(self, ws: str, kind: str, match: dict[str, Any]) -> builtins.list[dict[str, Any]]:
        """Documents of a kind whose top-level fields equal `match`, in insertion order; an
        index on those fields answers it without reading the others."""
        cond, args = self._match(ws, kind, match)
        with self.lock:
            rows = self._db.execute(
                f"SELECT body FROM docs WHERE {cond} ORDER BY seq", args
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def count(self, ws: str, kind: str, match: dict[str, Any]) -> int:
        cond, args = self._match(ws, kind, match)
        with self.lock:
            return int(
                self._db.execute(f"SELECT COUNT(*) FROM docs WHERE {cond}", args).fetchone()[0]
            )

    def page(
        self, ws: str, kind: str, match: dict[str, Any], *, after: str | None, limit: int
    ) -> tuple[builtins.list[dict[str, Any]], int]:
        """Up to `limit` matching documents with an id greater than `after`, by id, and how
        many match in all: one page costs the page, not the whole collection."""
        cond, args = self._match(ws, kind, match)
        with self.lock:
            total = int(
                self._db.execute(f"SELECT COUNT(*) FROM docs WHERE {cond}", args).fetchone()[0]
            )
            rows = self._db.execute(
                f"SELECT body FROM docs WHERE {cond} AND id > ? ORDER BY id LIMIT ?",
                (*args, after or "", limit),
            ).fetchall()
        return [json.loads(r[0]) for r in rows], total

    def _match(self, ws: str, kind: str, match: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
        fields = sorted(match)
        for f in fields:
            if not _FIELD.match(f):
                raise ValueError(f"not a plain field name: {f!r}")
        if fields and tuple(fields) not in self._indexes:
            cols = ", ".join(f"json_extract(body, '$.{f}')" for f in fields)
            with self.lock:
                self._db.execute(
                    f"CREATE INDEX IF NOT EXISTS docs_by_{'_'.join(fields)} "
                    f"ON docs (workspace, kind, {cols}, id)"
                )
            self._indexes.add(tuple(fields))
        cond = "workspace=? AND kind=?" + "".join(
            f" AND json_extract(body, '$.{f}')=?" for f in fields
        )
        return cond, (ws, kind, *(match[f] for f in fields))

    def workspaces(self) -> builtins.list[str]:
        with self.lock:
            rows = self._db.execute("SELECT DISTINCT workspace FROM docs").fetchall()
        return [r[0] for r in rows]

    def _next_seq(self) -> int:
        n = int(self.meta_get("seq", "0") or 0) + 1
        self.meta_set("seq", str(n))
        return n

    # -- metadata and simulated time ---------------------------------------------------------

    def meta_get(self, key: str, default: str | None = None) -> str | None:
        with self.lock:
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def meta_set(self, key: str, value: str) -> None:
        with self.lock:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def now(self) -> float:
        """Simulated time: wall clock plus whatever `sandbox tick` has advanced."""
        return time.time() + float(self.meta_get("clock_offset", "0") or 0)

    def advance(self, seconds: float) -> None:
        with self.lock:
            offset = float(self.meta_get("clock_offset", "0") or 0)
            self.meta_set("clock_offset", str(offset + seconds))

    def iso_now(self) -> str:
        return iso(self.now())


def iso(ts: float) -> str:
    """Format a UNIX time as the APIs do: `2025-06-10T10:30:00.000Z`."""
    ms = int(round(ts * 1000))  # whole milliseconds first: truncating a float loses one
    t = time.gmtime(ms // 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + f".{ms % 1000:03d}Z"


def object_id() -> str:
    """A 24-hex MongoDB-style ObjectId (SendKit)."""
    return secrets.token_hex(12)


def prefixed_id(prefix: str) -> str:
    """A lemlist-style id: prefix plus 17 base62 characters (`cam_…`)."""
    return prefix + "".join(secrets.choice(_BASE62) for _ in range(17))


def uuid4() -> str:
    """A version-4 UUID (Puffle)."""
    return str(uuid.uuid4())
