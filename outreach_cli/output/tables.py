"""Rows laid out for a width: a table when it fits, else one block per row; nothing cut.

Columns come in three kinds. `keep` columns (addresses, ids, timestamps: copied from here)
are never wrapped. A `lists` column holds short items joined by ", " (a campaign's stats):
it breaks only between items, and in a block its items stand in aligned columns. Any other
column is prose, wrapped between words. The table is tried whole, then without each `drop`
column in turn (the least useful first); when no table fits, each row becomes a block: the
first column and its `head` columns on one line, the others below, label by label. Through
a pipe the width is unlimited: a table, one line per row, every cell whole.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text

from .wrap import grid, spans, units, wrap

LINES = 3  # a wrapped cell of more lines than this makes the table the wrong layout
PROSE = 10  # a prose column narrower than this (when its text is longer) reads badly


@dataclass(frozen=True)
class Layout:
    """How a table's columns behave when the width is short (see the module's text)."""

    keep: tuple[str, ...] = ("campaign", "id", "status")
    lists: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    head: tuple[str, ...] = ()


def _atoms(text: str, listed: bool) -> list[tuple[int, int]]:
    """A list cell's items, each with its comma, as unbreakable spans."""
    if not listed:
        return []
    out, at = [], 0
    for item in text.split(", "):
        end = at + len(item) + (1 if at + len(item) < len(text) else 0)
        out.append((at, end))
        at += len(item) + 2
    return out


def _cell_lines(text: str, width: int, listed: bool) -> list[str]:
    return [text[a:b] for a, b in spans(text, width, atoms=_atoms(text, listed))] or [""]


def _widths(
    columns: Sequence[str], cells: list[list[str]], layout: Layout, width: int
) -> list[int] | None:
    """Each column's width in a table that fits `width`, or None when none does."""
    natural = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    least = []
    for i, c in enumerate(columns):
        if c in layout.keep:
            least.append(natural[i])
            continue
        longest = max(
            [len(c)]
            + [b - a for r in cells for a, b in units(r[i], _atoms(r[i], c in layout.lists))]
        )
        least.append(max(longest, math.ceil(natural[i] / LINES), min(natural[i], PROSE)))
    spare = width - (sum(least) + 3 * len(columns) + 1)
    if spare < 0:
        return None
    got = list(least)
    # The rest to the wrapped columns, the nearest to their natural width first: a short
    # cell whole on one line before a long one gets a line less.
    for short, i in sorted((natural[i] - got[i], i) for i in range(len(columns))):
        more = min(short, spare)
        got[i] += more
        spare -= more
    return got


def table_lines(
    title: str, columns: list[str], cells: list[list[str]], layout: Layout, width: int
) -> tuple[list[Any], list[str]]:
    """The rows laid out for `width`, and the columns dropped to fit it (said on stderr)."""
    shown = list(columns)
    for gone in (None, *layout.drop):
        if gone is not None:
            shown.remove(gone)
        index = [columns.index(c) for c in shown]
        sub = [[r[i] for i in index] for r in cells]
        widths = _widths(shown, sub, layout, width)
        if widths is None:
            continue
        t = Table(title=title, title_justify="left")
        for c, w in zip(shown, widths, strict=True):
            t.add_column(c, width=w, no_wrap=True)
        for r in sub:
            t.add_row(
                *[
                    Text("\n".join(_cell_lines(v, w, c in layout.lists)))
                    for c, v, w in zip(shown, r, widths, strict=True)
                ]
            )
        return [t], [c for c in columns if c not in shown]
    return [Text(title, style="italic"), *_blocks(columns, cells, layout, width)], []


def _blocks(columns: list[str], cells: list[list[str]], layout: Layout, width: int) -> list[Text]:
    """One block per row: the first column (and its `head` columns when they fit on its
    line), then each other non-empty field under its label, wrapped, never cut."""
    out: list[Text] = []
    index = [columns.index(c) for c in layout.head if c in columns]
    # The head columns beside the first on every row, or on none: blocks that read alike.
    beside = all(
        len("  ".join(x for x in [r[0], *(r[i] for i in index)] if x)) <= width for r in cells
    )
    fields = [c for c in columns[1:] if not (beside and c in layout.head)]
    label = max((len(c) for c in fields), default=0)  # aligned in every block
    for r in cells:
        row = dict(zip(columns, r, strict=False))
        heading = Text(r[0], style="bold")
        if beside:
            heading.append("".join(f"  {r[i]}" for i in index if r[i]))
        out.append(heading)
        for c in (c for c in fields if row[c]):
            head = f"  {c + ':':<{label + 1}} "
            if c in layout.lists:
                items = row[c].split(", ")
                laid = grid(items, max(width - len(head), 1))
                out.append(Text(head + laid[0]))
                out.extend(Text(" " * len(head) + x) for x in laid[1:])
            elif c in layout.keep:
                out.append(Text(head + row[c]))
            else:
                out.extend(wrap(Text(head), Text(row[c]), width))
    return out


STATE = ["campaign", "id", "revision", "applied at"]
# Every cell of `state list` is copied from here whole; the revision (the remote's last
# change, which plan reads) is the one a person needs least: it goes first when narrow.
STATE_LAYOUT = Layout(keep=tuple(STATE), drop=("revision",), head=("id",))
STATUS = ["campaign", "id", "status", "leads", "stats"]
# The stats are the platform's counters joined by ", " (Provider.summary: "sent 40, replied
# 2"): items, which stand in aligned columns when a campaign's row becomes a block.
STATUS_LAYOUT = Layout(lists=("stats",), head=("id", "status"))
