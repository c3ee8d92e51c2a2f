"""What a campaign file may read from the environment (`${VAR}`), and the values it read.

`${VAR}` reads a variable only if the `EnvPolicy` given to the reader lets it: the keys outreach
itself reads are never expandable into a campaign (a pull request's file could otherwise send
one to a platform, or print it in the plan comment), and a project may narrow the rest to an
allow-list or deny more. Every value read is remembered here (`reveal`), so that whatever
outreach writes (terminal, files) can mask it (`mask`) wherever it turns up.
"""

from __future__ import annotations

import fnmatch
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass

# The variables outreach itself reads (its keys, its settings, the CI runner's token): never
# expanded into a campaign, whatever a project allows. tests/security/test_env_policy.py holds
# it to every platform's key variable.
OUTREACH_OWN = (
    "SENDKIT_API_KEY",
    "SENDKIT_WORKSPACE_ID",
    "LEMLIST_API_KEY",
    "PUFFLE_API_KEY",
    "OUTREACH_*",
    "GITHUB_TOKEN",
    "ACTIONS_*",
)

MASK = "(sensitive)"
# A value read from the environment shorter than this is masked where outreach knows the field
# (plans show "(sensitive)"), not searched for in free text: "1" or "true" would mask every
# number or flag of the output.
MIN_MASKED = 6


@dataclass(frozen=True)
class EnvPolicy:
    """Which variables `${VAR}` may read (fnmatch patterns, case-sensitive).

    `allow` None: any variable that is not denied; else only those matching one of its
    patterns. `deny` adds to OUTREACH_OWN (a project names its workspaces' key variables
    there). An allowed pattern never re-opens one of OUTREACH_OWN.
    """

    allow: tuple[str, ...] | None = None
    deny: tuple[str, ...] = ()

    def refusal(self, name: str) -> str:
        """Why `${name}` may not be read (a sentence naming the rule, never the value), or ""."""
        own = _first(name, OUTREACH_OWN)
        if own:
            return (
                f"environment variable {name} is never read into a campaign "
                f"(outreach's rule: the variables outreach itself reads, "
                f"{', '.join(OUTREACH_OWN)}, hold its keys)"
            )
        denied = _first(name, self.deny)
        if denied:
            return (
                f"environment variable {name} is denied by the project ({denied}: a "
                "workspace's key variable is never read into a campaign)"
            )
        if self.allow is not None and not _first(name, self.allow):
            allowed = ", ".join(self.allow) or "nothing"
            return f"environment variable {name} is not in the project file's env.allow ({allowed})"
        return ""


DEFAULT_POLICY = EnvPolicy()

_ENV = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_vars(
    value: str, env: Mapping[str, str], policy: EnvPolicy = DEFAULT_POLICY
) -> tuple[str, bool, list[str], list[str]]:
    """`${VAR}`, `${VAR:-default}` and `$$` in `value`: the result, whether a variable was
    used, the names of the unset variables without a default (replaced by ""), and why each
    variable `policy` refuses was not read (replaced by "", its value never looked at). Each
    value read is remembered, so that every output masks it (environment.reveal)."""
    used = False
    missing: list[str] = []
    refused: list[str] = []

    def sub(m: re.Match[str]) -> str:
        nonlocal used
        if m.group(0) == "$$":
            return "$"
        name, default = m.group(1), m.group(2)
        used = True
        refusal = policy.refusal(name)
        if refusal:
            refused.append(refusal)
            return ""
        if name in env:
            reveal(env[name])
            return env[name]
        if default is not None:
            return default
        missing.append(name)
        return ""

    return _ENV.sub(sub, value), used, missing, refused


def env_parts(template: str, value: str) -> list[str]:
    """What each `${VAR}` of `template` stands for in `value`, its expansion."""
    pattern, pos = "", 0
    for m in _ENV.finditer(template):
        pattern += re.escape(template[pos : m.start()])
        pattern += re.escape("$") if m.group(0) == "$$" else "(.*?)"
        pos = m.end()
    found = re.fullmatch(pattern + re.escape(template[pos:]), value, re.S) if pattern else None
    return [g for g in found.groups() if g] if found else []


def _first(name: str, patterns: tuple[str, ...]) -> str:
    return next((p for p in patterns if fnmatch.fnmatchcase(name, p)), "")


# -- the values read: masked in every output ------------------------------------------------------

_lock = threading.Lock()
_revealed: set[str] = set()
_pattern: re.Pattern[str] | None = None


def reveal(value: str) -> None:
    """Remember a value read from the environment (a `${VAR}`, an API key): `mask` hides it."""
    global _pattern
    if len(value) < MIN_MASKED or value in _revealed:
        return
    with _lock:
        _revealed.add(value)
        # Longest first: a value that holds another is masked whole.
        _pattern = re.compile(
            "|".join(re.escape(v) for v in sorted(_revealed, key=len, reverse=True))
        )


def mask(text: str) -> str:
    """`text` with every value read from the environment replaced by MASK."""
    pattern = _pattern
    if pattern is None or not text:
        return text
    return pattern.sub(MASK, text)


def revealed() -> frozenset[str]:
    """The values remembered so far."""
    return frozenset(_revealed)


def forget_all() -> None:
    """Forget every value (a test's isolation; a process keeps them until it ends)."""
    global _pattern
    with _lock:
        _revealed.clear()
        _pattern = None


# -- import: a value the platform holds that is a variable's value ------------------------------

# Variables no campaign takes its values from: their values (paths, a locale, the terminal) are
# not looked for in what import writes.
NOT_SECRETS = (
    "PATH",
    "HOME",
    "PWD",
    "OLDPWD",
    "SHELL",
    "TERM",
    "TERM_*",
    "COLORTERM",
    "LANG",
    "LANGUAGE",
    "LC_*",
    "USER",
    "LOGNAME",
    "HOSTNAME",
    "MAIL",
    "TMPDIR",
    "TEMP",
    "TMP",
    "EDITOR",
    "VISUAL",
    "PAGER",
    "SHLVL",
    "_",
    "PS1",
    "TZ",
    "DISPLAY",
    "XDG_*",
    "SSH_*",
    "PYTHON*",
    "PYTEST_*",
    "VIRTUAL_ENV",
    "PIP_*",
    "COLUMNS",
    "LINES",
)


def references(
    environ: Mapping[str, str], policy: EnvPolicy = DEFAULT_POLICY
) -> dict[str, tuple[str, bool]]:
    """Each value of `environ` worth looking for (at least MIN_MASKED characters, not one of
    NOT_SECRETS) → (the variable holding it, whether `policy` lets a campaign file read it)."""
    out: dict[str, tuple[str, bool]] = {}
    for name, value in sorted(environ.items()):
        if len(value) >= MIN_MASKED and not _first(name, NOT_SECRETS) and value not in out:
            out[value] = (name, not policy.refusal(name))
    return out


def hide(text: str, values: tuple[str, ...]) -> str:
    """`text` with each of `values` (a document's values from the environment) replaced by
    MASK: a long one wherever it stands, a short one (under MIN_MASKED) only quoted, as
    messages quote values ('1', "1")."""
    if not text:
        return text
    for value in sorted(values, key=len, reverse=True):
        if not value:
            continue
        if len(value) >= MIN_MASKED:
            text = text.replace(value, MASK)
        else:
            for quoted in (repr(value), '"' + value + '"'):
                text = text.replace(quoted, MASK)
    return text
