"""A big plain table drawn as rich draws it, at a fraction of rich's cost per cell.

rich's Table measures, pads and renders every cell through its segment machinery: ~0.25 ms a
row, 5 s for 20,000 leads. When nothing rich does matters (no colour or style to emit, one line
per cell, the table fits the width, a UTF-8 console), the same characters are written here
directly: the heavy-head box, one space of padding, left-justified cells, the title on its own
line. In every other case `render` returns None and the caller hands the table to rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len


def render(console: Any, title: str, columns: Sequence[str],
           rows: Sequence[Sequence[str]]) -> str | None:
    """The table as rich would print it on `console`, or None when rich must draw it."""
    if console.color_system is not None or not console.encoding.lower().startswith("utf"):
        return None  # styles to emit, or an ASCII box: rich's job
    widths = [cell_len(c) for c in columns]
    for row in rows:
        for i, cell in enumerate(row):
            if "\n" in cell or "\t" in cell or "\r" in cell or "\x1b" in cell:
                return None
            n = len(cell) if cell.isascii() else cell_len(cell)
            if n > widths[i]:
                widths[i] = n
    total = sum(widths) + 3 * len(widths) + 1
    if total > console.width or cell_len(title) > total or not columns:
        return None  # rich would wrap or shrink cells
    bars = ["━" * (w + 2) for w in widths]
    lines = [title] if title else []
    lines.append("┏" + "┳".join(bars) + "┓")
    lines.append(_row(columns, widths, "┃"))
    lines.append("┡" + "╇".join(bars) + "┩")
    lines.extend(_row(r, widths, "│") for r in rows)
    lines.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    return "\n".join(lines) + "\n"


def _row(cells: Sequence[str], widths: list[int], bar: str) -> str:
    parts = [
        " " + c + " " * (w - (len(c) if c.isascii() else cell_len(c)) + 1)
        for c, w in zip(cells, widths, strict=True)
    ]
    return bar + bar.join(parts) + bar
