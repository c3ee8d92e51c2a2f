"""The live counter of a long run ("12/200 read, 9 s") on a terminal's stderr.

One line, redrawn in place each second and whenever the count moves, erased before any other
line is written (by `write`, under the same lock) and when the run ends: a transcript or a
pipe never holds it. Off the terminal it does nothing at all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TextIO

CLEAR = "\r\x1b[K"  # back to the line's start, erase to its end


def elapsed(seconds: float) -> str:
    """`9 s`, `2 min 5 s`, `1 h 3 min`: whole units, no decimals."""
    s = int(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    return f"{s // 3600} h {s % 3600 // 60} min"


class Ticker:
    """A counter of `total` things done (`verb`: "read", "applied"), with the time since it
    started; thread-safe (workers advance it, the main thread writes through it)."""

    def __init__(
        self,
        stream: TextIO | None,
        total: int,
        verb: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream  # None: off (not a terminal)
        self.total, self.verb, self.done = total, verb, 0
        self._clock = clock
        self._start = clock()
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._shown = False
        self._thread: threading.Thread | None = None

    def text(self) -> str:
        return f"{self.done}/{self.total} {self.verb}, {elapsed(self._clock() - self._start)}"

    def start(self) -> Ticker:
        if self.stream is not None and self.total > 0:
            self._draw()
            self._thread = threading.Thread(target=self._tick, daemon=True, name="outreach-ticker")
            self._thread.start()
        return self

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n
            self._draw()

    def write(self, emit: Callable[[], None]) -> None:
        """Run `emit` (which prints whole lines) with the counter off the screen, then put
        the counter back under what it printed."""
        with self._lock:
            self._erase()
            emit()
            self._draw()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._lock:
            self._erase()
            self.stream = None

    def __enter__(self) -> Ticker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            with self._lock:
                self._draw()

    def _draw(self) -> None:
        if self.stream is None or self._stop.is_set():
            return
        self.stream.write(CLEAR + self.text())
        self.stream.flush()
        self._shown = True

    def _erase(self) -> None:
        if self.stream is not None and self._shown:
            self.stream.write(CLEAR)
            self.stream.flush()
            self._shown = False
