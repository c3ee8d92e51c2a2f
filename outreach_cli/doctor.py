"""`outreach doctor`: for each configured platform, whether its key works and where it leads.

One function, `targets()`, says what to check (provider, label, key variable, base URL); today
that is the keys in the environment (or the sandbox's), and a project file's workspaces can be
fed to `check()` the same way. `check()` reads who the key belongs to (the adapter's
`whoami()`), times the answers, keeps the rate-limit headers seen and says where state lives.
Nothing here prints, and no key is ever part of a result.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ApiError, NetworkError, OutreachError
from .providers import PROVIDERS, provider_class

if TYPE_CHECKING:
    from .project import Project

RATE_HEADERS = (
    "retry-after",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "ratelimit-policy",
)


@dataclass(frozen=True)
class Target:
    """One workspace to check: which platform, how people call it, the environment variable
    that holds its key, and the API root. `sandbox`: the embedded emulator's demo key."""

    provider: str
    label: str
    key_var: str
    base_url: str
    sandbox: bool = False
    # A project workspace: the workspace id its key must belong to ("" when none is bound).
    expect: str | None = None


def targets(
    env: Mapping[str, str],
    *,
    providers: tuple[str, ...] = (),
    sandbox_url: str | None = None,
    project: Project | None = None,
) -> list[Target]:
    """The workspaces to check: a project's workspaces (of the named `providers`), else the
    named `providers` (all three with the sandbox), else every platform whose key variable
    is set. With `sandbox_url`, each platform's emulator."""
    if project is not None and project.bound:
        out = []
        for ws in project.workspaces:
            if providers and ws.provider not in providers:
                continue
            cls = provider_class(ws.provider)
            base = (
                sandbox_url + cls.sandbox_prefix
                if sandbox_url is not None
                else env.get(f"OUTREACH_{ws.provider.upper()}_URL") or cls.default_url
            )
            out.append(
                Target(
                    ws.provider,
                    ws.name,
                    ws.key_env,
                    base,
                    sandbox_url is not None,
                    ws.workspace or "",
                )
            )
        return out
    names = providers or tuple(
        n for n in PROVIDERS if sandbox_url is not None or env.get(provider_class(n).key_env_var)
    )
    out = []
    for name in names:
        cls = provider_class(name)
        if sandbox_url is not None:
            base = sandbox_url + cls.sandbox_prefix
        else:
            base = env.get(f"OUTREACH_{name.upper()}_URL") or cls.default_url
        out.append(Target(name, name, cls.key_env_var, base, sandbox_url is not None))
    return out


def key_of(target: Target, env: Mapping[str, str]) -> str:
    """The key a target is used with ("" when its variable is unset). Never to be shown."""
    if target.sandbox:
        from .session import SANDBOX_KEYS

        # As the session does: one demo workspace per project workspace.
        suffix = f"_{target.label}" if target.expect is not None else ""
        return SANDBOX_KEYS[target.provider] + suffix
    return env.get(target.key_var, "")


def rate_doc(provider: str) -> str:
    """What the platform documents of its rate limits (its rules module's RATE_DOC)."""
    rules = importlib.import_module(f"outreach_cli.providers.{provider}.rules")
    return str(getattr(rules, "RATE_DOC", ""))


class Watch:
    """What an API client saw: requests, time to each answer's headers, rate headers."""

    def __init__(self) -> None:
        self.started: dict[int, float] = {}
        self.seconds: list[float] = []
        self.statuses: list[int] = []
        self.rate: dict[str, str] = {}

    def request(self, request: Any) -> None:
        self.started[id(request)] = time.perf_counter()

    def response(self, response: Any) -> None:
        t0 = self.started.pop(id(response.request), None)
        if t0 is not None:
            self.seconds.append(time.perf_counter() - t0)
        self.statuses.append(response.status_code)
        for name, value in response.headers.items():
            if name.lower() in RATE_HEADERS:
                self.rate[name] = value

    def summary(self) -> dict[str, Any]:
        ms = [round(s * 1000, 1) for s in self.seconds]
        return {
            "requests": len(self.statuses),
            "statuses": list(self.statuses),
            "milliseconds": ms,
            "slowestMs": max(ms) if ms else None,
        }


def state_of(state_dir: str | os.PathLike[str], provider: str) -> dict[str, Any]:
    """Where state lives and how many of this platform's campaigns it records (read only:
    a missing directory is reported, never made)."""
    directory = Path(state_dir).resolve()
    path = directory / "state.json"
    out: dict[str, Any] = {"dir": str(directory), "exists": path.exists(), "campaigns": 0}
    if path.exists():
        from .state import State

        out["campaigns"] = sum(1 for a in State(directory).entries if a.startswith(provider + "/"))
    return out


def connect(target: Target, env: Mapping[str, str]) -> Any:
    """An adapter bound to the target's key, or OutreachError when it has none."""
    from .errors import MissingKeyError

    cls = provider_class(target.provider)
    key = key_of(target, env)
    if not key:
        raise MissingKeyError(cls.title, target.key_var)
    return cls(cls.connect(target.base_url, key, dict(env)))  # type: ignore[attr-defined]


def check(
    target: Target, env: Mapping[str, str], state_dir: str | os.PathLike[str]
) -> dict[str, Any]:
    """One target's health: key set, workspace (whoami), API answers and timing, rate limits
    and headers, state; `problems` says what is off (empty: all well)."""
    result: dict[str, Any] = {
        "provider": target.provider,
        "label": target.label,
        "keyVariable": target.key_var,
        "baseUrl": target.base_url,
        "sandbox": target.sandbox,
        "keySet": bool(key_of(target, env)),
        "workspace": None,
        "api": {
            "answers": False,
            "requests": 0,
            "statuses": [],
            "milliseconds": [],
            "slowestMs": None,
        },
        "rateLimits": {"documented": rate_doc(target.provider), "headers": {}},
        "state": state_of(state_dir, target.label),
        "problems": [],
        "warnings": [],
    }
    if not result["keySet"]:
        result["problems"].append(f"{target.key_var} is not set")
        return result
    watch = Watch()
    adapter = None
    try:
        adapter = connect(target, env)
        # One retry, quickly: a doctor reports a failing API rather than waiting it out.
        from .http import RetryPolicy

        adapter.client.retry = RetryPolicy(attempts=2, base=0.1)
        adapter.client.watch(watch.request, watch.response)
        ident = adapter.whoami()
        result["workspace"] = {
            "id": ident.id,
            "name": ident.name,
            "detail": ident.detail,
            "proxy": ident.proxy,
        }
        if ident.proxy and not ident.id:
            result["warnings"].append(f"{target.provider}: {ident.detail}")
        if target.expect is not None and not target.sandbox:
            # The project's binding, as plan and apply check it before any campaign read.
            if not target.expect:
                result["problems"].append(
                    f"workspace {target.label} names no `workspace:` in the project file; "
                    f"the key in {target.key_var} belongs to {ident.label()}: bind "
                    f"`workspace: {ident.id}` if that is the right one"
                )
            elif target.expect != ident.id and not (
                ident.proxy and target.expect in ident.accounts
            ):
                result["problems"].append(
                    f"the key in {target.key_var} belongs to {ident.label()}, not to "
                    f"workspace {target.label}'s {target.expect}"
                )
    except ApiError as exc:
        refused = exc.status in (401, 403)
        result["problems"].append(
            f"the key in {target.key_var} was refused: {exc.message}" if refused else exc.message
        )
    except NetworkError as exc:
        result["problems"].append(f"unreachable: {exc.message}")
    except OutreachError as exc:
        result["problems"].append(exc.message)
    finally:
        if adapter is not None:
            adapter.client.close()
    result["api"] = {"answers": bool(watch.statuses), **watch.summary()}
    result["rateLimits"]["headers"] = dict(watch.rate)
    return result


class NothingConfigured(OutreachError):
    def __init__(self) -> None:
        names = ", ".join(provider_class(n).key_env_var for n in PROVIDERS)
        super().__init__(
            f"no platform configured: none of {names} is set",
            hint="export one of them, name a platform (outreach doctor sendkit), "
            "or run with --sandbox",
        )


def contract(target: Target, env: Mapping[str, str]) -> Any:
    """The target's contract check (outreach_cli.contract), on a client of its own."""
    from .contract import ContractReport, check_contract

    try:
        adapter = connect(target, env)
    except OutreachError as exc:
        return ContractReport(target.provider, [], [], [], exc.message)
    try:
        return check_contract(adapter)
    finally:
        adapter.client.close()


def errors(results: list[dict[str, Any]], reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The envelope's errors: each problem and contract difference (error), each warning."""
    from .output.envelope import error_entry

    out = []
    for r in results:
        code = "missing-key" if not r["keySet"] else "doctor"
        out += [error_entry(f"{r['label']}: {p}", code=code) for p in r["problems"]]
        out += [error_entry(w, code="doctor", severity="warning") for w in r["warnings"]]
    for rep in reports:
        out += [
            error_entry(d["message"], code="contract-differs", field=d["where"] or None)
            for d in rep["differences"]
        ]
        if rep["problem"]:
            out.append(error_entry(f"{rep['provider']}: {rep['problem']}", code="doctor"))
    return out
