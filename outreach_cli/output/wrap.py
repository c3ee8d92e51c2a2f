"""Styled lines laid out for a width: broken only between words, continuation lines hanging
under the text, nothing ever cut.

rich's `Text.wrap` breaks at every space (inside a fold marker `…(71 unchanged chars)…` too)
and cuts a word longer than the line; `textwrap` keeps no styles. Here a line breaks only at a
run of spaces or beside an atom the caller marks unbreakable, and a word (an id, a URL) longer
than the room stays whole on a line of its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from rich.text import Text

_WORD = re.compile(r"\S+")


def units(text: str, atoms: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """The unbreakable pieces of `text` as (start, end): its words, each atom whole, and
    the leading spaces with the first piece (an indented line keeps its indent)."""
    out: list[tuple[int, int]] = []
    at = 0
    for a, b in sorted(atoms):
        out.extend((at + m.start(), at + m.end()) for m in _WORD.finditer(text[at:a]))
        out.append((a, b))
        at = b
    out.extend((at + m.start(), at + m.end()) for m in _WORD.finditer(text[at:]))
    if out:
        out[0] = (0, out[0][1])
    return out


def spans(
    text: str, room: int, first: int | None = None, atoms: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """Where to cut `text` into lines of at most `room` characters (`first` for the first
    line), between its units; a unit longer than the room gets a line of its own."""
    pieces = units(text, atoms) or [(0, len(text))]
    lines: list[tuple[int, int]] = []
    start, end = pieces[0]
    limit = room if first is None else first
    for a, b in pieces[1:]:
        if b - start <= limit:
            end = b  # the spaces between stay, as written
        else:
            lines.append((start, end))
            start, end, limit = a, b, room
    lines.append((start, end))
    return lines


def wrap(
    head: Text,
    body: Text,
    width: int | None,
    hang: int | None = None,
    atoms: Sequence[tuple[int, int]] = (),
) -> list[Text]:
    """`head` + `body` in lines of at most `width` columns, later lines indented by `hang`
    (default: the head's length); one line when `width` is None (a pipe: a line per
    message, for grep). `atoms` are spans of `body` never broken (fold markers)."""
    if width is None or len(head) + len(body) <= width:
        return [head + body]
    hang = len(head) if hang is None else hang
    room = max(20, width - hang)
    cuts = spans(body.plain, room, max(1, width - len(head)), atoms)
    out = [head + body[cuts[0][0] : cuts[0][1]]]
    out.extend(Text(" " * hang) + body[a:b] for a, b in cuts[1:])
    return out


def grid(items: Sequence[str], room: int, gap: int = 2) -> list[str]:
    """Short items in aligned columns, row by row in their order, as many columns as fit
    `room` (`ls` lays out names so); one item a line when even two do not fit."""
    if not items:
        return []

    def widths(cols: int) -> list[int]:
        return [max(len(x) for x in items[c::cols]) for c in range(cols)]

    def fits(cols: int) -> bool:
        return sum(widths(cols)) + gap * (cols - 1) <= room

    most = next((n for n in range(len(items), 1, -1) if fits(n)), 1)
    # As few rows as the most columns give, in as few columns as give them: rows alike in
    # length rather than a full row and a short one.
    lines = math.ceil(len(items) / most)
    cols = next(n for n in range(math.ceil(len(items) / lines), most + 1) if n == most or fits(n))
    rows = [items[i : i + cols] for i in range(0, len(items), cols)]
    size = widths(cols)
    return [(" " * gap).join(x.ljust(size[c]) for c, x in enumerate(r)).rstrip() for r in rows]
