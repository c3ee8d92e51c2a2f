"""`.outreach/state.json` and its journal: remote ids, revisions, write-only hashes; locked.

Two ways to write. `locked()` is a transaction: re-read, change with `record`, and on a clean
exit write the whole file atomically (nothing on an error). `record_now` is durable at once and
costs one appended line and one fsync in `state.journal`, however big the state; `compact()`
(and every `locked()` exit) folds the journal into state.json. Loading reads state.json, then
replays the journal's complete lines (a line torn by a kill is ignored), so a process killed at
any point leaves a state that loads, and the next plan converges.

Every file and folder here is created 0600/0700 whatever the umask. Each journal line carries
an HMAC under this state dir's own key, state.key (`mac`); a complete line that does not
belong (a bad MAC, a foreign shape) is refused, naming the file and line, never replayed. A
journal of the previous version (lines without `mac`) is replayed only when no one else could
have written it: the journal and its folder owned by this user and writable by no one else.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import OutreachError
from .hashing import keyed_hash
from .lock import file_lock
from .statefiles import check_shape, line_mac, only_ours, open_private, private_dir

STATE_VERSION = 1
_KEY_LOCK = threading.Lock()
_MOVE_ASIDE = "move it aside; the next plan finds campaigns by name"


@dataclass
class Entry:
    id: str
    revision: str | None = None
    hashes: dict[str, str] = field(default_factory=dict)
    applied_at: str | None = None
    # A create that has not finished: the campaign (id, or "" while the first POST is in
    # flight) may exist half-built. The next apply completes it before anything starts it.
    creating: bool = False
    # The campaign file, relative to the project root (posix): a plan of a subset reports an
    # entry as an orphan only when its file lies inside what was planned.
    file: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "revision": self.revision,
            "hashes": dict(sorted(self.hashes.items())),
            "appliedAt": self.applied_at,
        }
        if self.creating:
            out["creating"] = True
        if self.file:
            out["file"] = self.file
        return out


class State:
    """The state file of one working directory. Losing it loses nothing the remote cannot
    rebuild: ids are found again by name, write-only values are simply set again."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        root: str | os.PathLike[str] | None = None,
        key: str | None = None,
    ) -> None:
        self.dir = Path(directory)
        # The project root the entries' files are relative to (the state dir's parent unless
        # the session says otherwise), and the shared hash key if the team set one.
        self.root = Path(os.path.abspath(root if root is not None else self.dir.parent))
        self._shared_key = key
        self.path = self.dir / "state.json"
        self.journal_path = self.dir / "state.journal"
        self.entries: dict[str, Entry] = {}
        self._mutex = threading.Lock()  # entries and the journal file, between threads
        self._holders = 0  # locked() blocks of this object holding the file lock right now
        self._hash_key: bytes | None = None
        self._journal_key: bytes | None = None
        self._load()

    def _load_file(self) -> None:
        try:
            raw = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            raise OutreachError(
                f"{self.path}: unreadable state file: {exc}",
                hint="move it aside; the next plan finds campaigns by name",
            ) from exc
        if not isinstance(raw, dict):
            raise OutreachError(
                f"{self.path}: unreadable state file: not a JSON object",
                hint="move it aside; the next plan finds campaigns by name",
            )
        version = raw.get("version")
        if version != STATE_VERSION:
            raise OutreachError(f"{self.path}: state version {version!r} is not {STATE_VERSION}")
        try:
            for address, e in (raw.get("campaigns") or {}).items():
                self.entries[address] = Entry(
                    str(e["id"]),
                    e.get("revision"),
                    dict(e.get("hashes") or {}),
                    e.get("appliedAt"),
                    bool(e.get("creating")),
                    e.get("file"),
                )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise OutreachError(
                f"{self.path}: unreadable state file: bad entry ({exc!r})",
                hint="move it aside; the next plan finds campaigns by name",
            ) from exc

    def _load(self) -> None:
        self._load_file()
        self._replay()

    def _replay(self) -> None:
        try:
            text = self.journal_path.read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:
            return
        except OSError as exc:
            raise OutreachError(
                f"{self.journal_path}: unreadable state journal: {exc}",
                hint="move it aside; the next plan finds campaigns by name",
            ) from exc
        records = []
        for n, line in enumerate(text.split("\n")[:-1], 1):  # the last piece has no newline:
            if not line.strip():  # torn, or ""
                continue
            where = f"{self.journal_path}:{n}"
            try:
                rec = json.loads(line)
            except ValueError as exc:
                raise OutreachError(
                    f"{where}: unreadable state journal line ({exc}); nothing "
                    "of the journal was replayed",
                    hint=_MOVE_ASIDE,
                ) from exc
            check_shape(rec, where)
            records.append((where, rec))
        # Lines without a checksum are the previous version's: only a journal made of such
        # lines alone, that no one else could have written, is replayed.
        keyed = any("mac" in rec for _, rec in records)
        legacy_ok = not keyed and only_ours(self.journal_path) and only_ours(self.dir)
        for where, rec in records:
            if "mac" in rec:
                key = self._line_key(create=False)
                if key is None or not hmac.compare_digest(rec["mac"], line_mac(key, rec)):
                    raise OutreachError(
                        f"{where}: a state journal line outreach did not write with this "
                        "state's key (bad checksum): refused, nothing of the journal was "
                        "replayed",
                        hint=_MOVE_ASIDE,
                    )
            elif not legacy_ok:
                raise OutreachError(
                    f"{where}: a state journal line without a checksum, "
                    + (
                        "among lines with one"
                        if keyed
                        else "in a journal or folder others can write"
                    )
                    + ": refused, nothing of the journal was replayed",
                    hint=_MOVE_ASIDE,
                )
        for _, rec in records:
            if "movedFrom" in rec:
                self._move(rec["movedFrom"], rec["address"])
            elif rec.get("drop"):
                self.entries.pop(rec["address"], None)
            else:
                self._apply(
                    rec["address"],
                    rec["id"],
                    rec.get("revision"),
                    dict(rec.get("hashes") or {}),
                    rec.get("appliedAt"),
                    rec.get("complete"),
                    rec.get("file"),
                )

    def get(self, address: str) -> Entry | None:
        # Under the mutex: a locked() block re-reading from another thread empties the
        # entries for a moment (an unfinished create must never read as absent).
        with self._mutex:
            return self.entries.get(address)

    @contextlib.contextmanager
    def locked(self) -> Iterator[State]:
        """Hold the state lock, re-read, and write state.json atomically on a clean exit
        (folding the journal into it); an error inside writes nothing of what `record` did."""
        with self._file_lock():
            with self._mutex:
                self._holders += 1
                self.entries.clear()
                self._load()
            try:
                yield self
                with self._mutex:
                    self._save()
            finally:
                with self._mutex:
                    self._holders -= 1

    def _file_lock(self) -> contextlib.AbstractContextManager[object]:
        """The state lock between processes (state.lock, an OS lock on every platform):
        held by a `locked()` block and by each durable write outside one."""
        private_dir(self.dir)
        return file_lock(self.dir / "state.lock")

    def compact(self) -> None:
        """Fold the journal into state.json (under the lock) and remove it. Inside a
        `locked()` block of this object it does nothing: that block's exit compacts."""
        with self._mutex:
            if self._holders:
                return
        if self.journal_path.exists():
            with self.locked():
                pass

    def record(
        self,
        address: str,
        id: str,
        revision: str | None,
        hashes: dict[str, str] | None = None,
        *,
        complete: bool | None = None,
    ) -> None:
        """Change the entry in memory; `locked()` writes it on exit. `complete` True ends a
        create, False marks one begun (None keeps the entry's mark)."""
        self._apply(
            address,
            id,
            revision,
            hashes or {},
            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            complete,
        )

    def begin_create(self, address: str) -> None:
        """Mark `address` as being created before its first POST leaves: if the answer is
        lost (or the process dies), the next run adopts the campaign as unfinished."""
        entry = self.entries.get(address)
        self.record_now(
            address, entry.id if entry else "", entry.revision if entry else None, complete=False
        )

    def record_now(
        self,
        address: str,
        id: str,
        revision: str | None = None,
        hashes: dict[str, str] | None = None,
        *,
        complete: bool | None = None,
        file: str | None = None,
    ) -> None:
        """Record and make it durable before returning: one journal line, one fsync, under
        the state lock (the one a `locked()` block of this object already holds, if any).
        Safe from several threads."""
        rec: dict[str, Any] = {
            "address": address,
            "id": id,
            "revision": revision,
            "hashes": dict(sorted((hashes or {}).items())),
            "appliedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        if complete is not None:
            rec["complete"] = complete
        if file:
            rec["file"] = file
        with self._mutex:
            if self._holders:
                self._append(rec)
                return
        with self._file_lock(), self._mutex:
            self._append(rec)

    def move_now(self, old: str, new: str) -> None:
        """Move the entry of `old` to `new` (a renamed key), durably: one journal line."""
        private_dir(self.dir)
        rec = {"address": new, "movedFrom": old}
        with self._mutex:
            if self._holders:
                self._write_line(rec)
                self._move(old, new)
                return
        with self._file_lock(), self._mutex:
            self._write_line(rec)
            self._move(old, new)

    def drop_now(self, address: str) -> None:
        """Drop the record of `address`, durably (a create the platform refused: nothing
        exists, and no mark may remain for a later run to misread)."""
        rec = {"address": address, "drop": True}
        with self._mutex:
            if self._holders:
                self._write_line(rec)
                self.entries.pop(address, None)
                return
        with self._file_lock(), self._mutex:
            self._write_line(rec)
            self.entries.pop(address, None)

    def _move(self, old: str, new: str) -> None:
        entry = self.entries.pop(old, None)
        if entry is not None:
            self.entries[new] = entry

    def _write_line(self, rec: dict[str, Any]) -> None:
        key = self._line_key(create=True)
        assert key is not None  # made when absent
        rec = {**rec, "mac": line_mac(key, rec)}
        line = json.dumps(rec, sort_keys=True, ensure_ascii=False) + "\n"
        with os.fdopen(open_private(self.journal_path, os.O_WRONLY | os.O_APPEND), "ab") as fh:
            fh.write(line.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())

    def _append(self, rec: dict[str, Any]) -> None:
        self._write_line(rec)
        self._apply(
            rec["address"],
            rec["id"],
            rec["revision"],
            rec["hashes"],
            rec["appliedAt"],
            rec.get("complete"),
            rec.get("file"),
        )

    def _apply(
        self,
        address: str,
        id: str,
        revision: str | None,
        hashes: dict[str, str],
        applied_at: str | None,
        complete: bool | None = None,
        file: str | None = None,
    ) -> None:
        entry = self.entries.get(address)
        if entry is None or entry.id != id:
            # A create begun with no id yet keeps its mark when its id arrives.
            creating = bool(entry and entry.creating and not entry.id)
            entry = self.entries[address] = Entry(str(id), creating=creating)
        entry.revision = revision
        if hashes:
            entry.hashes.update(hashes)
        if complete is not None:
            entry.creating = not complete
        if file:
            entry.file = file
        entry.applied_at = applied_at

    def view(self, aliases: dict[str, str]) -> State:
        """This state as a plan sees it with `aliases` (address → former address) moved
        already: reads only; apply moves the records for real (move_now)."""
        return _Aliased(self, aliases)  # type: ignore[return-value]

    def relative(self, file: str) -> str:
        """`file` relative to the project root, with forward slashes."""
        return Path(os.path.relpath(os.path.abspath(file), self.root)).as_posix()

    def keyed_hash(self, value: Any) -> str:
        """HMAC-SHA256 of a write-only value with the team's OUTREACH_STATE_KEY, else this
        state's own random key (state.key, 0600): a hash in state.json cannot confirm a
        guessed secret without that key."""
        return keyed_hash(self._key(), value)

    def _key(self) -> bytes:
        with _KEY_LOCK:
            if self._hash_key is None:
                self._hash_key = self._read_or_make_key()
            return self._hash_key

    def _line_key(self, *, create: bool) -> bytes | None:
        """The journal lines' key: this state dir's own state.key whatever OUTREACH_STATE_KEY
        says (the journal is this machine's), None if absent and not to be `create`d."""
        with _KEY_LOCK:
            if self._journal_key is None:
                if not create and not (self.dir / "state.key").exists():
                    return None
                self._journal_key = self._local_key()
            return self._journal_key

    def _read_or_make_key(self) -> bytes:
        if self._shared_key is not None:
            # OUTREACH_STATE_KEY: one key for the team and CI, so that every checkout's
            # hashes of a write-only value agree (state.key is one machine's own).
            if len(self._shared_key) < 16:
                raise OutreachError(
                    "OUTREACH_STATE_KEY is shorter than 16 characters",
                    hint="set it to a long random string, the same for the "
                    "whole team and CI (e.g. `openssl rand -hex 32`)",
                )
            return hashlib.sha256(b"outreach-state-key\0" + self._shared_key.encode()).digest()
        return self._local_key()

    def _local_key(self) -> bytes:
        path = self.dir / "state.key"
        try:
            if not path.exists():
                # Written whole to a temp file, then linked in place: a reader never sees a
                # half-written key, and of two processes racing, both keep the first one.
                private_dir(self.dir)
                fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".key-")  # mode 0600
                try:
                    with os.fdopen(fd, "w", encoding="ascii") as fh:
                        fh.write(os.urandom(32).hex() + "\n")
                    with contextlib.suppress(FileExistsError):
                        os.link(tmp, path)
                finally:
                    os.unlink(tmp)
            key = bytes.fromhex(path.read_text("ascii").strip())
            if len(key) < 16:
                raise ValueError("key too short")
        except (OSError, ValueError) as exc:
            raise OutreachError(
                f"{path}: unreadable hash key: {exc}",
                hint="delete it: write-only values are then set again once",
            ) from exc
        return key

    def _save(self) -> None:
        data = {
            "version": STATE_VERSION,
            "campaigns": {k: v.to_json() for k, v in sorted(self.entries.items())},
        }
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
        # Killed here, the journal only repeats what state.json now holds: replaying it is
        # harmless.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.journal_path)


class _Aliased:
    """A read-only view of a State with some records seen under their new address."""

    def __init__(self, state: State, aliases: dict[str, str]) -> None:
        self._state, self._aliases = state, aliases

    def get(self, address: str) -> Entry | None:
        return self._state.get(self._aliases.get(address, address))

    @property
    def entries(self) -> dict[str, Entry]:
        out = dict(self._state.entries)
        for new, old in self._aliases.items():
            if old in out:
                out[new] = out.pop(old)
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self._state, name)
