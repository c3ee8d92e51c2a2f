"""A big plain table drawn as rich draws it, at a fraction of rich's cost per cell.

rich's Table measures, pads and renders every cell through its segment machinery: ~0.25 ms a
row, 5 s for 20,000 leads. When nothing rich does matters (one line per cell, the table fits the
width, a UTF-8 console), the same characters are written here directly: the heavy-head box, one
space of padding, left-justified cells, the title on its own line; on a terminal, with the only
styles rich's default table theme gives them (the title italic, the header bold, each padding
run styled on its own, as rich writes it). In every other case `render` returns None and the
caller hands the table to rich. `tests/output/test_fasttable.py` holds the two to the same
bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from rich.cells import cell_len

from .sanitize import Trusted, escape

# The escape codes rich writes for its table theme's title (italic) and header (bold) styles.
_ITALIC, _BOLD, _RESET = "\x1b[3m", "\x1b[1m", "\x1b[0m"
_STYLED_SYSTEMS = ("standard", "256", "truecolor")  # not "windows": rich's legacy console


def render(
    console: Any, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> str | None:
    """The table as rich would print it on `console`, or None when rich must draw it."""
    widths = measure(columns, rows)
    if widths is None or not fits(console, title, widths):
        return None
    return "".join(draw(title, columns, widths, rows, styled=styled(console)))


def styled(console: Any) -> bool:
    """Whether rich would write the table's styles on `console` (a terminal)."""
    return console.color_system is not None


def measure(
    columns: Sequence[str], rows: Iterable[Sequence[str]], widths: list[int] | None = None
) -> list[int] | None:
    """The columns' widths over `rows` (added to `widths` when given, for rows read in
    parts), or None when a cell needs rich (a line break, tab, or a character the sanitiser
    escapes: rich's output is escaped by SafeConsole)."""
    widths = widths if widths is not None else [cell_len(c) for c in columns]
    for row in rows:
        for i, cell in enumerate(row):
            if not cell.isprintable():  # a line break, tab, control or bidi character
                return None
            n = len(cell) if cell.isascii() else cell_len(cell)
            if n > widths[i]:
                widths[i] = n
    return widths


def fits(console: Any, title: str, widths: Sequence[int]) -> bool:
    """Whether this drawing is what rich would print on `console`: no console or a terminal
    of a standard colour system (not legacy Windows), a UTF-8 box, and nothing rich would wrap
    or shrink."""
    if console.color_system not in (
        None,
        *_STYLED_SYSTEMS,
    ) or not console.encoding.lower().startswith("utf"):
        return False  # a legacy Windows console, or an ASCII box: rich's job
    total = sum(widths) + 3 * len(widths) + 1
    return bool(widths) and total <= console.width and cell_len(escape(title)) <= total


def draw(
    title: str,
    columns: Sequence[str],
    widths: list[int],
    rows: Iterable[Sequence[str]],
    *,
    styled: bool = False,
) -> Iterator[str]:
    """The table's lines (each with its newline), a row at a time; `styled`: as on a
    terminal. The cells are those `measure` passed; the title is escaped here, and the lines
    that carry a style code are `Trusted` (written as they are by the SafeStream)."""
    bars = ["━" * (w + 2) for w in widths]
    title = escape(title)
    if title:
        yield Trusted(_ITALIC + title + _RESET + "\n") if styled else title + "\n"
    yield "┏" + "┳".join(bars) + "┓\n"
    if styled:
        yield Trusted(
            "┃"
            + "┃".join(
                _bold(" ") + _bold(c + " " * (w - cell_len(c))) + _bold(" ")
                for c, w in zip(columns, widths, strict=True)
            )
            + "┃\n"
        )
    else:
        yield _row(columns, widths, "┃") + "\n"
    yield "┡" + "╇".join(bars) + "┩\n"
    for r in rows:
        yield _row(r, widths, "│") + "\n"
    yield "└" + "┴".join("─" * (w + 2) for w in widths) + "┘\n"


def _bold(text: str) -> str:
    return _BOLD + text + _RESET


def _row(cells: Sequence[str], widths: list[int], bar: str) -> str:
    parts = [
        " " + c + " " * (w - (len(c) if c.isascii() else cell_len(c)) + 1)
        for c, w in zip(cells, widths, strict=True)
    ]
    return bar + bar.join(parts) + bar
