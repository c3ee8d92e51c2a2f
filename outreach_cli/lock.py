"""File locks (filelock: an OS lock on every platform): the apply, create and state locks."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import OutreachError
from .statefiles import open_private, private_dir

POLL = 0.002  # seconds between tries of a busy lock (filelock's 0.05 would idle threads)
DEFAULT_TIMEOUT = 10.0  # seconds a second apply waits before giving up
TIMEOUT_ENV = "OUTREACH_LOCK_TIMEOUT"


class LockBusy(OutreachError):
    """Another apply holds the state dir's lock."""


def timeout_from(env: dict[str, str] | os._Environ[str]) -> float:
    raw = env.get(TIMEOUT_ENV)
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


@contextlib.contextmanager
def file_lock(path: Path, timeout: float = -1) -> Iterator[None]:
    """Hold the OS lock on `path` (created 0600), waiting up to `timeout` seconds (-1: as
    long as it takes; filelock.Timeout after that). Released when the process dies, even by
    kill -9; each call takes its own hold, so threads of one process take turns too."""
    from filelock import FileLock

    lock = FileLock(str(path), mode=0o600)
    lock.acquire(timeout=timeout, poll_interval=POLL)
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def apply_lock(
    state_dir: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT
) -> Iterator[None]:
    """Hold `<state_dir>/apply.lock` (an OS lock: released when the process dies, even by
    kill -9). Waits up to `timeout` seconds, then fails naming the holder (pid, host, since)."""
    from filelock import Timeout

    directory = Path(state_dir)
    private_dir(directory)  # 0700: the state folder (issue 19)
    holder = directory / "apply.lock.holder"
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(file_lock(directory / "apply.lock", timeout))
        except Timeout:
            raise LockBusy(
                f"another apply is running on {directory}: {_describe(holder)}",
                hint=f"wait for it to finish (waited {timeout:g} s; set "
                f"{TIMEOUT_ENV} to wait longer); nothing was sent",
            ) from None
        try:
            with (
                contextlib.suppress(OSError),
                os.fdopen(
                    open_private(holder, os.O_WRONLY | os.O_TRUNC), "w", encoding="utf-8"
                ) as fh,
            ):
                fh.write(
                    json.dumps(
                        {
                            "pid": os.getpid(),
                            "host": socket.gethostname(),
                            "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        }
                    )
                    + "\n"
                )
            yield
        finally:
            with contextlib.suppress(OSError):
                holder.unlink()


def _describe(holder: Path) -> str:
    try:
        info = json.loads(holder.read_text("utf-8"))
        return f"pid {info['pid']} on {info['host']} since {info['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "holder unknown (it may be starting)"


def cache_path(env: dict[str, str] | os._Environ[str] | None = None) -> Path:
    """The user's cache folder for outreach (OUTREACH_CACHE_DIR, else XDG's, else ~/.cache),
    not created. It holds data only (locks, rate budgets), never code."""
    env = os.environ if env is None else env
    return Path(
        env.get("OUTREACH_CACHE_DIR")
        or os.path.join(
            env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "outreach"
        )
    )


def cache_dir(env: dict[str, str] | os._Environ[str] | None = None) -> Path:
    """cache_path(), created 0700: what it holds is shared by every outreach process of this
    user."""
    path = cache_path(env)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)
    return path


@contextlib.contextmanager
def create_lock(name: str, timeout: float = 60.0) -> Iterator[None]:
    """Hold the create lock of one campaign name in one workspace (`name` is an opaque digest
    of both), shared by every outreach process of this user whatever its checkout or state
    dir: the look-up by name before a create's POST and the create itself are one step, so
    two applies of the same files on one machine never both create a campaign, while
    creates of other names go on at once."""
    from filelock import Timeout

    folder = cache_dir() / "locks"
    folder.mkdir(exist_ok=True, mode=0o700)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(file_lock(folder / f"create-{name[:32]}.lock", timeout))
        except Timeout:
            raise LockBusy(
                f"another outreach process has been creating a campaign of this name in "
                f"this workspace for {timeout:g} s",
                hint="wait for it, then apply again; nothing was sent",
            ) from None
        yield
