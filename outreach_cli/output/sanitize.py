"""One sanitiser for text that did not come from outreach: server answers, file contents,
campaign names, keys, field names, file names.

Such text must never drive the terminal or a spreadsheet. Every byte the Output writes goes
through a `SafeStream`, so no caller can forget it:

- C0 and C1 control characters (ESC, BEL, U+009B CSI, …) and the bidi overrides and isolates
  (U+202A–U+202E, U+2066–U+2069, "Trojan Source") are shown escaped: `\\x1b`, `\\u009b`,
  `\\u202e`. Tab and newline are kept. Everything from DEL up is written `\\uXXXX`, which is
  also a JSON string escape: a JSON document stays valid and holds the same data (JSON itself
  escapes the C0 characters).
- Every value read from the environment is masked (environment.mask).
- `SafeConsole` escapes the text of what rich renders before rich adds its own style codes, and
  marks the result `Trusted`, the one kind of text a SafeStream writes as it is (masked still).

CSV cells are neutralised as OWASP recommends (`csv_cell`): a cell beginning with `=`, `+`,
`-`, `@`, tab or carriage return gets a leading `'`, so a spreadsheet reads it as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TextIO, cast

from rich.console import Console
from rich.segment import Segment

from ..environment import mask

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _escaped(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """`text` with control characters and bidi overrides shown escaped (tab, newline kept)."""
    return _UNSAFE.sub(_escaped, text) if _UNSAFE.search(text) else text


def unsafe(text: str) -> bool:
    """Whether `escape` would change `text`."""
    return _UNSAFE.search(text) is not None


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet cannot run (OWASP's CSV injection advice): text beginning with
    `=`, `+`, `-`, `@`, tab or CR gets a leading `'`. Other values are left as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


class Trusted(str):
    """Text outreach rendered itself (rich's output), its foreign parts already escaped."""

    __slots__ = ()


class SafeStream:
    """A text stream that escapes (`escape`) and masks (environment.mask) whatever is written
    to it; `Trusted` text is only masked."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    @property
    def stream(self) -> TextIO:
        return self._stream

    def write(self, text: str) -> int:
        safe = mask(text if isinstance(text, Trusted) else escape(text))
        self._stream.write(safe)
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("rich_"):  # rich's FileProxy would lead it around this stream
            raise AttributeError(name)
        return getattr(self._stream, name)


def safe(stream: TextIO) -> TextIO:
    """`stream` wrapped once (a SafeStream is returned as it is)."""
    return stream if isinstance(stream, SafeStream) else cast(TextIO, SafeStream(stream))


class SafeConsole(Console):
    """A rich Console whose rendered text is escaped before rich's own codes are added."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        clean = (
            seg
            if seg.control or not unsafe(seg.text)
            else Segment(escape(seg.text), seg.style, seg.control)
            for seg in buffer
        )
        return Trusted(super()._render_buffer(clean))
