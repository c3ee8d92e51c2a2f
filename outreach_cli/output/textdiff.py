"""Word-level diffs of long text (bodies, subjects): changed words marked, long unchanged
stretches folded with a count. Pure: rows of segments that plan_text and markdown render."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

# A token is a run of word characters or one other character, each with the spaces before
# it (so HTML tags split at < / > and a one-word edit in a one-line HTML body stays one
# word). Spaces as tokens of their own were every other token, and the matcher's search for
# the longest match went quadratic on them (85 ms for one 400-word line, 34 s for a plan of
# 200 such bodies).
_TOKEN = re.compile(r"\s*(?:\w+|[^\w\s])|\s+")
KEEP = 30  # characters of unchanged text kept on each side of a change inside a line
CONTEXT = 2  # unchanged lines kept around a changed group of lines


@dataclass(frozen=True)
class Segment:
    """A piece of one line: "=" unchanged, "-" removed, "+" added, "…" a folded stretch."""

    op: str
    text: str


@dataclass(frozen=True)
class Row:
    """One rendered line: "=" unchanged, "-" removed, "+" added, "~" changed within the line
    (segments hold both sides), "…" folded unchanged lines (text says how many)."""

    kind: str
    segments: tuple[Segment, ...]

    def side(self, which: str) -> tuple[Segment, ...]:
        """The segments of a "~" row as one side sees them: "-" the old line, "+" the new."""
        drop = "+" if which == "-" else "-"
        return tuple(s for s in self.segments if s.op != drop)


def _fold_equal(text: str, first: bool, last: bool) -> list[Segment]:
    """An unchanged stretch inside a changed line, cut to KEEP characters beside changes."""
    head = 0 if first else KEEP
    tail = 0 if last else KEEP
    if len(text) <= head + tail + 40:
        return [Segment("=", text)]
    out = []
    if head:
        out.append(Segment("=", text[:head]))
    out.append(Segment("…", f"{len(text) - head - tail:,} unchanged chars"))
    if tail:
        out.append(Segment("=", text[len(text) - tail :]))
    return out


def _merge(
    ops: Sequence[tuple[str, int, int, int, int]], a: list[str]
) -> list[tuple[str, int, int, int, int]]:
    """Two edits separated only by spaces read as one: `[-a day-]{+two days+}`."""
    out: list[tuple[str, int, int, int, int]] = []
    for op in ops:
        if (
            len(out) >= 2
            and out[-1][0] == "equal"
            and out[-2][0] != "equal"
            and op[0] != "equal"
            and "".join(a[out[-1][1] : out[-1][2]]).isspace()
        ):
            _, i1, _, j1, _ = out[-2]
            out[-2:] = [("replace", i1, op[2], j1, op[4])]
        else:
            out.append(op)
    return out


def word_segments(old: str, new: str) -> tuple[Segment, ...]:
    """One line against another, word by word."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    ops = _merge(difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes(), a)
    parts: list[tuple[str, str, str]] = []  # (tag, old text, new text)
    for tag, i1, i2, j1, j2 in ops:
        gone, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "replace":  # the spaces both sides start with are unchanged text
            same = min(len(gone) - len(gone.lstrip()), len(added) - len(added.lstrip()))
            if same and gone[:same] == added[:same]:
                if parts and parts[-1][0] == "equal":
                    parts[-1] = ("equal", parts[-1][1] + gone[:same], "")
                else:
                    parts.append(("equal", gone[:same], ""))
                gone, added = gone[same:], added[same:]
        parts.append((tag, gone, added))
    out: list[Segment] = []
    for n, (tag, gone, added) in enumerate(parts):
        if tag == "equal":
            out.extend(_fold_equal(gone, n == 0, n == len(parts) - 1))
            continue
        if tag in ("delete", "replace"):
            out.append(Segment("-", gone))
        if tag in ("insert", "replace"):
            out.append(Segment("+", added))
    return tuple(out)


def text_rows(old: str, new: str) -> list[Row]:
    """Line diff first, then words inside each changed pair of lines; unchanged runs of
    lines longer than 2 × CONTEXT + 1 folded into one row."""
    a, b = old.splitlines() or [""], new.splitlines() or [""]
    rows: list[Row] = []
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            same = a[i1:i2]
            keep_head = 0 if n == 0 else CONTEXT
            keep_tail = 0 if n == len(ops) - 1 else CONTEXT
            if len(same) > keep_head + keep_tail + 1:
                rows.extend(Row("=", (Segment("=", s),)) for s in same[:keep_head])
                folded = len(same) - keep_head - keep_tail
                rows.append(
                    Row(
                        "…",
                        (Segment("…", f"{folded} unchanged line" + ("s" if folded != 1 else "")),),
                    )
                )
                rows.extend(Row("=", (Segment("=", s),)) for s in same[len(same) - keep_tail :])
            else:
                rows.extend(Row("=", (Segment("=", s),)) for s in same)
            continue
        olds, news = a[i1:i2], b[j1:j2]
        paired = min(len(olds), len(news)) if tag == "replace" else 0
        for k in range(paired):
            rows.append(Row("~", word_segments(olds[k], news[k])))
        rows.extend(Row("-", (Segment("-", s),)) for s in olds[paired:])
        rows.extend(Row("+", (Segment("+", s),)) for s in news[paired:])
    return rows


def plain(segments: tuple[Segment, ...], marks: bool = True) -> str:
    """Segments as text: `[-removed-]`, `{+added+}` (git's --word-diff=plain), `…(n)…`."""
    parts = []
    for s in segments:
        if s.op == "=":
            parts.append(s.text)
        elif s.op == "…":
            parts.append(f"…({s.text})…")
        elif not marks:
            parts.append(s.text)
        else:
            parts.append(f"[-{s.text}-]" if s.op == "-" else f"{{+{s.text}+}}")
    return "".join(parts)
