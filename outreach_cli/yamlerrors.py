"""YAML syntax errors in words: what is wrong (a tab, an indentation, a quote or bracket never
closed), at the line and column to fix, and that line with a caret under the column.

PyYAML's C and Python readers word errors as parser states ("found character that cannot
start any token", "mapping values are not allowed in this context", "did not find expected
key"); this module looks at the text where the reader stopped and says it as a person would.
"""

from __future__ import annotations

from typing import Any

QUOTES = {'"': 'double quote (")', "'": "single quote (')"}
OPENERS = {"[": "]", "{": "}"}


def explain(exc: Any, text: str) -> tuple[int, int, str]:
    """(line, column, message) of a MarkedYAMLError, 1-based, at the place to fix."""
    problem, context = exc.problem_mark, exc.context_mark
    what = str(exc.problem or "").strip()
    during = str(exc.context or "").strip()
    lines = text.splitlines()
    mark = problem or context
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    here = _char(lines, line, col)

    if (
        context is not None
        and problem is not None
        and during.startswith(("while scanning a quoted", "while parsing a flow"))
        and (problem.line > context.line or "end of stream" in what)
    ):
        return _unclosed(lines, context.line + 1, context.column + 1, problem)
    if "cannot start any token" in what:
        if here == "\t":
            where = "in the indentation" if not _line(lines, line)[: col - 1].strip() else "here"
            return (
                line,
                col,
                (
                    f"a tab character {where}: YAML indents with spaces only "
                    "(replace the tab with spaces)"
                ),
            )
        return line, col, (f'{here!r} cannot start a value: put the value in quotes ("{here}…")')
    if "mapping values are not allowed" in what:
        return _colon(lines, line, col)
    if "expected key" in what or "expected <block end>" in what or "'-' indicator" in what:
        if here in ("]", "}"):
            return line, col, f"a {here!r} that closes nothing: remove it, or add its opening"
        start = _indent(_line(lines, line))
        if col - 1 > start:  # the reader stopped inside the line, after a complete value
            return line, col, ("text after a complete value: quote the whole value if it is one")
        return _misaligned(lines, line)
    message = what + (f" ({during})" if during and problem is not context else "")
    return line, col, message or "invalid YAML"


def excerpt(file: str, line: int, col: int) -> list[str]:
    """The file's `line` and a caret under `col` (control characters shown, never sent)."""
    import itertools

    try:
        with open(file, encoding="utf-8") as f:
            text = next(itertools.islice(f, line - 1, None), None)
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    if text is None:
        return []
    shown = "".join(
        "→" if ch == "\t" else ("·" if ord(ch) < 32 or ord(ch) == 127 else ch)
        for ch in text.rstrip("\r\n")
    )
    gutter = f"{line:>5} | "
    return [gutter + shown, " " * (len(gutter) - 2) + "| " + " " * (col - 1) + "^"]


def _line(lines: list[str], line: int) -> str:
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _char(lines: list[str], line: int, col: int) -> str:
    text = _line(lines, line)
    return text[col - 1] if 0 < col <= len(text) else ""


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _key_column(text: str) -> int:
    """Where a line's key starts: after its indentation and any `- ` list marks."""
    i = _indent(text)
    while text[i : i + 2] == "- ":
        i += 2
        while text[i : i + 1] == " ":
            i += 1
    return i


def _content(text: str) -> bool:
    return bool(text.strip()) and not text.lstrip().startswith("#")


def _unclosed(lines: list[str], line: int, col: int, problem: Any) -> tuple[int, int, str]:
    opener = _char(lines, line, col)
    if opener in QUOTES:
        what, closer = QUOTES[opener], opener
    elif opener in OPENERS:
        what, closer = f"{opener!r}", OPENERS[opener]
    else:
        return line, col, "a value starting here is not closed"
    stopped = (
        "the end of the file"
        if problem.line >= len(lines)
        else f"line {problem.line + 1}, column {problem.column + 1}"
    )
    return (
        line,
        col,
        (
            f"a {what} opened here is never closed: add the closing {closer!r} "
            f"(YAML read on to {stopped} looking for it)"
        ),
    )


def _colon(lines: list[str], line: int, col: int) -> tuple[int, int, str]:
    text = _line(lines, line)
    before = text[: col - 1]
    key = _key_column(text)
    if ": " in before[key:] or before[key:].rstrip().endswith(":"):
        return (
            line,
            col,
            (
                "a second ': ' on one line: a value that contains ': ' must be "
                'quoted (key: "a: b")'
            ),
        )
    above = _previous(lines, line)
    if above and _indent(text) > _key_column(_line(lines, above)):
        return (
            line,
            key + 1,
            (
                f"this key is indented {_indent(text)} spaces, more than the key on line {above} "
                f"({_key_column(_line(lines, above))}), so YAML reads it as part of that key's "
                "value: indent it as the key it belongs with"
            ),
        )
    return line, col, "a ':' YAML cannot place here: quote the value that contains it"


def _previous(lines: list[str], line: int) -> int:
    for n in range(line - 1, 0, -1):
        if _content(lines[n - 1]):
            return n
    return 0


def _misaligned(lines: list[str], line: int) -> tuple[int, int, str]:
    text = _line(lines, line)
    indent = _indent(text)
    levels: list[int] = []
    bound = 1 << 30
    for n in range(line - 1, 0, -1):
        above = lines[n - 1]
        if not _content(above):
            continue
        key = _key_column(above)
        if key < bound:
            levels.append(key)
            bound = key
        if key == 0:
            break
    said = ", ".join(str(n) for n in levels)
    return (
        line,
        indent + 1,
        (
            f"this line is indented {indent} space{'s' if indent != 1 else ''}, which lines up "
            f"with no key above it (those are at {said or '0'}): indent it as the key it "
            "belongs with"
        ),
    )
