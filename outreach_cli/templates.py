"""Template variables in copy: scan text for them, check them against a platform's table, render.

Platform-neutral: each platform's syntax, fields and text fields are data in
`providers/<name>/templates.py`. No terminal code, no I/O.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DocPath = tuple[str | int, ...]

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*$")


@dataclass(frozen=True)
class Syntax:
    """How a variable is written in one kind of text field: `{{name}}` or `%name%`."""

    name: str
    open: str
    close: str

    def write(self, var: str) -> str:
        return f"{self.open}{var}{self.close}"


BRACES = Syntax("braces", "{{", "}}")
PERCENT = Syntax("percent", "%", "%")

_BRACE_MARK = re.compile(r"\{\{|\}\}")
_PERCENT_TOKEN = re.compile(r"%([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)%")
_SINGLE = re.compile(r"(?<!\{)\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}(?!\})")
_STYLE = re.compile(r"<style\b.*?</style\s*>", re.S | re.I)


@dataclass(frozen=True)
class Variables:
    """One platform's variable table: the lead fields its copy may use, with where the docs
    show each, and the choices made where the docs leave the set open."""

    platform: str
    fields: Mapping[str, str]  # name → source
    aliases: Mapping[str, str] = field(default_factory=dict)  # name → field whose value it takes
    custom_prefix: str = ""  # how a custom field is named in copy ("" bare, "custom_fields.")
    sender_prefix: str = ""  # names of the sender, not the lead (Puffle `%sender_*%`)
    sender_syntax: Syntax | None = None  # the only syntax sender names are documented in
    # Text kinds whose documented variables are fewer (Puffle's signature): kind → fields.
    limited: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""

    def canonical(self, name: str) -> str:
        return self.aliases.get(name, name)

    def known(self, custom: Sequence[str] = (), kind: str = "") -> list[str]:
        own = self.limited.get(kind)
        names = [*self.fields, *self.aliases] if own is None else list(own)
        return [*names, *(self.custom_prefix + c for c in custom)]

    def is_sender(self, name: str) -> bool:
        return (
            bool(self.sender_prefix)
            and name.startswith(self.sender_prefix)
            and len(name) > len(self.sender_prefix)
        )


@dataclass(frozen=True)
class Condition:
    """A SendKit conditional variable as outreach reads it (shape: the schema's note)."""

    variable: str
    operator: str
    value: str = ""
    content: str | None = None
    fallback: str | None = None

    def holds(self, current: str) -> bool:
        op, v = self.operator, self.value
        return {
            "has_value": bool(current),
            "no_value": not current,
            "equals": current == v,
            "not_equals": current != v,
            "contains": v in current,
            "not_contains": v not in current,
        }.get(op, False)


@dataclass(frozen=True)
class Spot:
    """One text field of a campaign that may hold variables."""

    path: DocPath
    text: str
    kind: str  # subject | body | message | signature
    syntax: Syntax
    wrong: Syntax | None = None  # the platform's other syntax, an error here
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Token:
    name: str
    start: int  # offset of the raw text in the field
    raw: str


@dataclass(frozen=True)
class Finding:
    """A problem in one text field, at an offset of its text."""

    offset: int
    raw: str
    message: str
    severity: str = "error"


def blank_styles(text: str) -> str:
    """`text` with <style> blocks blanked (same length): CSS braces are not variables."""
    return _STYLE.sub(lambda m: " " * len(m.group(0)), text) if "<style" in text.lower() else text


def _marked(text: str) -> bool:
    """Whether `text` has any mark of either syntax (a brace or a percent sign)."""
    return "{" in text or "}" in text or "%" in text


def scan(text: str, syntax: Syntax) -> tuple[list[Token], list[Finding]]:
    """The variables written in `syntax` in `text`, and its unbalanced or malformed ones."""
    if not _marked(text):
        return [], []
    if syntax is PERCENT:
        return [Token(m.group(1), m.start(), m.group(0)) for m in _PERCENT_TOKEN.finditer(text)], []
    tokens: list[Token] = []
    problems: list[Finding] = []
    source = blank_styles(text)
    opened: int | None = None
    for m in _BRACE_MARK.finditer(source):
        if m.group(0) == "{{":
            if opened is not None:
                problems.append(_unclosed(text, opened))
            opened = m.start()
            continue
        if opened is None:
            problems.append(Finding(m.start(), "}}", "'}}' without an opening '{{'"))
            continue
        raw = text[opened : m.end()]
        inner = raw[2:-2].strip()
        if inner.startswith("{") or inner.endswith("}"):
            problems.append(
                Finding(
                    opened, raw, f"{raw}: unbalanced braces (write {{{{{inner.strip('{} ')}}}}})"
                )
            )
        elif not NAME.match(inner):
            problems.append(
                Finding(
                    opened,
                    raw,
                    f"{raw} is not a variable (a variable is "
                    "{{name}}: letters, digits, _ and .)",
                )
            )
        else:
            tokens.append(Token(inner, opened, raw))
        opened = None
    if opened is not None:
        problems.append(_unclosed(text, opened))
    return tokens, problems


def _unclosed(text: str, at: int) -> Finding:
    snippet = text[at : at + 30].split("\n")[0]
    return Finding(at, snippet, f"'{{{{' without a closing '}}}}': {snippet!r}")


def suggest(name: str, known: Sequence[str]) -> str | None:
    """The known name `name` is probably a misspelling of, or None."""
    if not known:
        return None
    key = _squash(name)
    same = [k for k in known if _squash(k) == key]
    if same:
        return same[0]
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.8)
    if close:
        return close[0]
    if len(key) >= 4:  # a field written short: {{company}} for companyName
        longer = [k for k in known if _squash(k).startswith(key)]
        if len(longer) == 1:
            return longer[0]
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.8)
    return lowered[close[0]] if close else None


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", name.lower())


def check(spot: Spot, table: Variables, custom: Sequence[str] = ()) -> list[Finding]:
    """Every problem of the variables in one text field: unknown names (an error with the
    close known one, a warning otherwise), the wrong syntax, unbalanced braces."""
    if not _marked(spot.text):
        return []  # no brace and no percent sign: nothing of either syntax to look at
    tokens, out = (
        scan(spot.text, spot.syntax)
        if spot.syntax is BRACES
        else (scan(spot.text, spot.syntax)[0], [])
    )
    known = table.known(custom, spot.kind)
    where = f"{table.platform} {spot.kind}"
    for tok in tokens:
        out.extend(_check_name(tok, spot.syntax, table, known, custom, where))
    if spot.wrong is not None:
        for tok in scan(spot.text, spot.wrong)[0]:
            # `%first_name%` in a node, `{{first_name}}` in a signature: the platform's other
            # syntax (a `%word%` in prose that names no field is left alone). A warning, as
            # the README lists it: the platform stores the text as written, and the lead
            # reads the variable unfilled.
            fix: str | None = (
                tok.name
                if tok.name in known or table.is_sender(tok.name)
                else suggest(tok.name, known)
            )
            if fix is None and spot.wrong is BRACES:
                fix = tok.name
            if fix is not None:
                out.append(
                    Finding(
                        tok.start,
                        tok.raw,
                        f"{tok.raw} is written the wrong way for a {where}: "
                        f"write {spot.syntax.write(fix)}",
                        "warning",
                    )
                )
    if spot.syntax is BRACES:
        names = {t.name for t in tokens}
        for m in _SINGLE.finditer(blank_styles(spot.text)):
            if m.group(1) in known and m.group(1) not in names | {"_"}:
                out.append(
                    Finding(
                        m.start(),
                        m.group(0),
                        f"{m.group(0)} has single braces: write {BRACES.write(m.group(1))}",
                        "warning",
                    )
                )
    return out


def _check_name(
    tok: Token,
    syntax: Syntax,
    table: Variables,
    known: list[str],
    custom: Sequence[str],
    where: str,
) -> list[Finding]:
    name = tok.name
    if name in known:
        return []
    if table.is_sender(name):
        if table.sender_syntax in (None, syntax):
            return []
        return [
            Finding(
                tok.start,
                tok.raw,
                f"{tok.raw}: {table.platform} documents sender "
                f"variables only in the signature "
                f"({PERCENT.write(name)})",
                "warning",
            )
        ]
    close = suggest(name, known)
    declare = "declare it under `variables:` if it is a custom field"
    if close is not None:
        return [
            Finding(
                tok.start,
                tok.raw,
                f"unknown variable {tok.raw}: not a {table.platform} lead field; did "
                f"you mean {syntax.write(close)}? ({declare})",
            )
        ]
    return [
        Finding(
            tok.start,
            tok.raw,
            f"unknown variable {tok.raw}: not a {table.platform} "
            f"lead field nor a declared custom field ({declare})",
            "warning",
        )
    ]


# -- rendering ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: tuple[str, ...]  # variables with no value and no fallback


def render(spot: Spot | None, values: Mapping[str, str], table: Variables) -> Rendered:
    """The field as a lead receives it. A variable the lead has no value for renders empty
    (and is reported) unless a condition of the step gives it a fallback. Sender variables
    render as a placeholder: they are the sender's, not the lead's."""
    if spot is None:
        return Rendered("", ())
    missing: list[str] = []
    conditions = {c.variable: c for c in reversed(spot.conditions)}
    tokens = scan(spot.text, spot.syntax)[0]
    out: list[str] = []
    at = 0
    for tok in tokens:
        out.append(spot.text[at : tok.start])
        at = tok.start + len(tok.raw)
        out.append(_value(tok.name, values, table, conditions, spot, missing))
    out.append(spot.text[at:])
    return Rendered("".join(out), tuple(dict.fromkeys(missing)))


def _value(
    name: str,
    values: Mapping[str, str],
    table: Variables,
    conditions: Mapping[str, Condition],
    spot: Spot,
    missing: list[str],
) -> str:
    if table.is_sender(name):
        return f"[{name}]"
    field_name = table.canonical(name)
    current = values.get(field_name, "") or ""
    cond = conditions.get(name) or conditions.get(field_name)
    if cond is not None:
        chosen = next(
            (c for c in spot.conditions if c.variable in (name, field_name) and c.holds(current)),
            None,
        )
        text = (
            (chosen.content if chosen.content is not None else current)
            if chosen
            else (cond.fallback)
        )
        if text is None:
            if not current:
                missing.append(field_name)
            return ""
        inner = render(Spot(spot.path, text, spot.kind, spot.syntax), values, table)
        missing.extend(inner.missing)
        return inner.text
    if not current:
        missing.append(field_name)
    return current


def conditions_of(step: Mapping[str, Any]) -> tuple[Condition, ...]:
    """A SendKit step's conditional variables, when the step turns them on."""
    if step.get("useConditionalVariables") is not True:
        return ()
    out = []
    for c in step.get("conditionalVariables") or ():
        if isinstance(c, dict) and isinstance(c.get("variable"), str):
            out.append(
                Condition(
                    c["variable"],
                    str(c.get("operator") or ""),
                    str(c.get("value") or ""),
                    c.get("content") if isinstance(c.get("content"), str) else None,
                    c.get("fallback") if isinstance(c.get("fallback"), str) else None,
                )
            )
    return tuple(out)


@dataclass(frozen=True)
class Email:
    """One message of the copy as a lead receives it: a step, an A/B variant, a subsequence
    step (`kind` email, or message for LinkedIn/SMS steps)."""

    label: str  # "step 1", "step 1 variant B", "subsequence 'First reply' step 1"
    step: int | None  # the main-sequence step number (1-based, as listed); None in subsequences
    kind: str
    subject: Spot | None
    body: Spot | None
    signature: Spot | None = None
    reply: bool = False  # sent in the thread of the previous email, without a subject


def text(value: Any) -> str | None:
    """`value` when it is a string (the schema reports other types)."""
    return value if isinstance(value, str) else None
