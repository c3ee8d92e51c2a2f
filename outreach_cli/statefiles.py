"""State files: created private whatever the umask; journal lines keyed, and checked on read.

The state folder is created 0700 and its files 0600 (state.py, lock.py). Each line of
state.journal carries an HMAC under state.key (`mac`); a line of another shape than the three
outreach writes (a record, a move, a drop) is refused, naming the file and line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from .errors import OutreachError

# The journal's three shapes (a record, a move, a drop), each with its `mac`.
_RECORD_FIELDS = {"address", "id", "revision", "hashes", "appliedAt", "complete", "file", "mac"}
_MOVE_FIELDS = {"address", "movedFrom", "mac"}
_DROP_FIELDS = {"address", "drop", "mac"}
_MOVE_ASIDE = "move it aside; the next plan finds campaigns by name"


def private_dir(path: Path) -> None:
    """Create `path` (and missing parents) 0700, whatever the umask."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def open_private(path: Path, flags: int) -> int:
    """os.open, a file it creates being 0600 whatever the umask."""
    return os.open(path, flags | os.O_CREAT, 0o600)


def line_mac(key: bytes, rec: dict[str, Any]) -> str:
    """HMAC-SHA256 of a journal record (all but its `mac`) under state.key."""
    body = {k: v for k, v in rec.items() if k != "mac"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (
        "hmac-sha256:"
        + hmac.new(key, b"outreach-journal\0" + text.encode("utf-8"), hashlib.sha256).hexdigest()
    )


def check_shape(rec: Any, where: str) -> None:
    """A journal line as outreach writes it (a record, a move or a drop), or refused."""
    problem = None
    if not isinstance(rec, dict):
        problem = "not a JSON object"
    else:
        fields = (
            _MOVE_FIELDS
            if "movedFrom" in rec
            else _DROP_FIELDS
            if "drop" in rec
            else _RECORD_FIELDS
        )
        texts = {"address", "id", "movedFrom"} & fields
        optional = {"revision", "appliedAt", "file"} & fields
        hashes = rec.get("hashes", {})
        if set(rec) - fields:
            problem = "unknown fields " + ", ".join(
                sorted(repr(k)[:40] for k in set(rec) - fields)[:3]
            )
        elif not all(isinstance(rec.get(k), str) for k in texts):
            problem = "no " + " or ".join(sorted(texts))
        elif not all(isinstance(rec.get(k), (str, type(None))) for k in optional):
            problem = "a revision, time or file that is not text"
        elif not isinstance(hashes, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in hashes.items()
        ):
            problem = "hashes that are not text"
        elif (
            not isinstance(rec.get("complete", False), bool)
            or rec.get("drop", True) is not True
            or not isinstance(rec.get("mac", ""), str)
        ):
            problem = "a mark or checksum of the wrong type"
    if problem:
        raise OutreachError(
            f"{where}: unreadable state journal line ({problem}): not a line "
            "outreach writes; nothing of the journal was replayed",
            hint=_MOVE_ASIDE,
        )


def only_ours(path: Path) -> bool:
    """Owned by this user and writable by no one else (POSIX; elsewhere, assumed)."""
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows: no modes to go by
        return True
    try:
        st = path.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022
