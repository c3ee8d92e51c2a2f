"""Saved plan files (`plan --out`, `apply --plan`, `show`): versioned, checksummed, no secret."""

from __future__ import annotations

import contextlib
import copy
import hmac
import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path as FsPath
from typing import Any

from . import __version__
from .apply import Outcome, Report
from .documents import Source, format_path
from .environment import expand_vars
from .errors import OutreachError
from .plan import CampaignPlan, Plan, PlannedChange, ProviderFor
from .planseal import checksum, keyed_hash, seal, workspace_fingerprint
from .providers import PROVIDERS, provider_class
from .providers.base import Change, Lifecycle, Provider, Remote, Verdict
from .state import State
from .validate import Document

FORMAT = "outreach-plan"
FORMAT_VERSION = 1
SECRET = "$secret"  # the key of a placeholder that stands where a secret value was

KeyFor = Callable[[str], str]  # provider name → the workspace credential it is used with


class PlanFileError(OutreachError):
    """A saved plan that cannot be used: unreadable, edited, from another version or key."""


# -- paths --------------------------------------------------------------------------------------

Path = tuple[str | int, ...]


def _related(a: Path, b: Path) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _get(data: Any, path: Path) -> tuple[bool, Any]:
    cur = data
    for p in path:
        if (isinstance(p, int) and isinstance(cur, list) and 0 <= p < len(cur)) or (
            isinstance(p, str) and isinstance(cur, dict) and p in cur
        ):
            cur = cur[p]  # type: ignore[index]
        else:
            return False, None
    return True, cur


def _set(data: Any, path: Path, value: Any) -> None:
    cur = data
    for p in path[:-1]:
        cur = cur[p]
    cur[path[-1]] = value


def _secret_paths(doc: Document, provider: Provider) -> dict[Path, str | None]:
    """Campaign paths whose value must not be stored → the `${VAR}` template, if any."""
    out: dict[Path, str | None] = {}
    for path in doc.source.env_paths:
        if path and path[0] == "campaign":
            out[tuple(path[1:])] = doc.source.env_templates.get(path)
    for dotted in provider.sensitive():
        path = tuple(dotted.split("."))
        found, value = _get(doc.campaign, path)
        if found and path not in out and value is not None:
            raise PlanFileError(
                f"{doc.file}: {doc.address}: {dotted} is sensitive and written in the file "
                "itself; a saved plan holds no secret, so it cannot re-read this one",
                hint=f'write it as "${{VAR}}" (e.g. {dotted.rsplit(".", 1)[-1].upper()}) '
                "and export VAR when planning and applying (outreach's rule)",
            )
    return out


# -- writing ------------------------------------------------------------------------------------


def dump(plan: Plan, providers: Callable[[str], Provider], key_for: KeyFor) -> dict[str, Any]:
    """The plan as a saved-plan object (see `write`)."""
    # One key per workspace (a project may bind several workspaces of one platform).
    names = sorted({cp.doc.connection for cp in plan.campaigns})
    keys = {n: key_for(n) for n in names}
    body: dict[str, Any] = {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "toolVersion": __version__,
        "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "workspaces": {n: workspace_fingerprint(n, keys[n]) for n in names},
        "campaigns": [
            _dump_one(cp, providers(cp.doc.connection), keys[cp.doc.connection])
            for cp in plan.campaigns
        ],
    }
    body["seal"] = seal(body, keys) if keys else None  # no campaign: nothing to seal
    body["checksum"] = checksum(body)
    return body


def _dump_one(cp: CampaignPlan, provider: Provider, key: str) -> dict[str, Any]:
    doc = cp.doc
    secrets = _secret_paths(doc, provider)
    desired = copy.deepcopy(doc.campaign)
    stored_secrets = []
    for path, template in sorted(secrets.items(), key=lambda kv: [str(p) for p in kv[0]]):
        found, value = _get(desired, path)
        if not found:
            continue
        h = keyed_hash(key, value)
        stored_secrets.append({"path": list(path), "hash": h, "env": template})
        _set(desired, path, {SECRET: h})
    changes = []
    for pc in cp.changes:
        c = pc.change
        hidden = c.sensitive or any(_related(c.path, p) for p in secrets)
        changes.append(
            {
                "path": list(c.path),
                "op": c.op,
                "sensitive": hidden,
                "source": None if c.source is None else list(c.source),
                "how": c.how,
                "old": ({SECRET: keyed_hash(key, c.old)} if c.old is not None else None)
                if hidden
                else c.old,
                "new": ({SECRET: keyed_hash(key, c.new)} if c.new is not None else None)
                if hidden
                else c.new,
                "verdict": {
                    "allowed": pc.verdict.allowed,
                    "reason": pc.verdict.reason,
                    "remedy": pc.verdict.remedy,
                    "note": pc.verdict.note,
                    "ignored": pc.verdict.ignored,
                },
                "note": pc.note,
            }
        )
    r = cp.remote
    return {
        "address": doc.address,
        "file": doc.file,
        "index": doc.index,
        "provider": doc.provider,
        "key": doc.key,
        "id": doc.id,
        "status": doc.status,
        "ignore": list(doc.ignore),
        "action": cp.action,
        "error": cp.error,
        "workspace": doc.workspace,
        "adopt": cp.adopt,
        "moved": cp.moved,
        "movedFrom": list(doc.moved_from),
        "notes": list(cp.notes),
        "remote": None
        if r is None
        else {
            "id": r.id,
            "name": doc.hide(r.name),
            "status": r.status,
            "revision": r.revision,
            "ctype": r.ctype,
        },
        "desired": desired,
        "secrets": stored_secrets,
        "changes": changes,
        "lifecycle": {
            "actions": list(cp.lifecycle.actions),
            "blocked": cp.lifecycle.blocked,
            "remedy": cp.lifecycle.remedy,
        },
    }


def write(path: str | os.PathLike[str], body: dict[str, Any]) -> None:
    """Write atomically: a reader never sees half a plan."""
    target = FsPath(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".plan-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(body, fh, indent=2, sort_keys=True, ensure_ascii=False)
            fh.write("\n")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# -- reading ------------------------------------------------------------------------------------


def read(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Load and check a saved plan: JSON, format, versions, checksum. Sends nothing."""
    name = str(path)
    try:
        text = FsPath(path).read_text("utf-8")
    except FileNotFoundError:
        raise PlanFileError(
            f"{name}: no such plan file", hint="write one with `outreach plan PATH… --out FILE`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(f"{name}: cannot read the plan file: {exc}") from None
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise PlanFileError(
            f"{name}: not a complete plan file (truncated or not JSON: {exc})",
            hint="plan again with --out",
        ) from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise PlanFileError(f'{name}: not an outreach plan file (no "format": "{FORMAT}")')
    if body.get("formatVersion") != FORMAT_VERSION:
        raise PlanFileError(
            f"{name}: plan format version {body.get('formatVersion')!r}; this "
            f"outreach reads version {FORMAT_VERSION}",
            hint="plan again with --out",
        )
    if body.get("toolVersion") != __version__:
        raise PlanFileError(
            f"{name}: made by outreach {body.get('toolVersion')}, this is "
            f"outreach {__version__}; a plan is applied by the version that made "
            "it",
            hint="plan again with --out, or install that version",
        )
    if body.get("checksum") != checksum(body):
        raise PlanFileError(
            f"{name}: checksum mismatch: the plan file was edited or corrupted "
            "since it was written",
            hint="plan again with --out; never edit a saved plan by hand",
        )
    if not isinstance(body.get("campaigns"), list) or not isinstance(body.get("workspaces"), dict):
        raise PlanFileError(f"{name}: not an outreach plan file (no campaigns)")
    return body


def touched(body: dict[str, Any], name: str) -> list[str]:
    """The workspaces (or providers) the plan's campaigns touch: what apply will send to,
    hence whose keys must have sealed it (the file's own `workspaces` list is only checked
    against this, never trusted for it)."""
    out = set()
    for entry in body["campaigns"]:
        provider = entry.get("provider") if isinstance(entry, dict) else None
        if not isinstance(provider, str):
            raise PlanFileError(f"{name}: malformed campaign entry (no provider)")
        if provider not in PROVIDERS:
            raise PlanFileError(f"{name}: a campaign names an unknown provider {provider[:40]!r}")
        # A project workspace (several may share a platform), else the platform's one.
        workspace = entry.get("workspace") or provider
        if not isinstance(workspace, str):
            raise PlanFileError(f"{name}: malformed campaign entry (workspace)")
        out.add(workspace)
    return sorted(out)


def check_workspaces(body: dict[str, Any], key_for: KeyFor, name: str) -> None:
    """Refuse a plan not sealed with the key of every workspace its campaigns touch, or made
    against another workspace key (before any request)."""
    providers = touched(body, name)
    listed = sorted(body["workspaces"])
    if listed != providers:
        raise PlanFileError(
            f"{name}: the plan's campaigns touch the {', '.join(providers)} workspace(s), "
            "which its own workspace list does not name exactly: it is not a plan as outreach "
            "wrote it; nothing was sent",
            hint="plan again with --out; never edit a saved plan by hand",
        )
    keys = {p: key_for(p) for p in providers}
    for provider in providers:
        if (
            not keys[provider]
            or workspace_fingerprint(provider, keys[provider]) != body["workspaces"][provider]
        ):
            raise PlanFileError(
                f"{name}: the plan was made with another {provider} workspace key than the one "
                "set now; nothing was sent",
                hint="apply it with the key it was planned with, or plan again",
            )
    if not providers:
        return  # no campaign: nothing will be sent, nothing to seal
    if not hmac.compare_digest(str(body.get("seal")), seal(body, keys)):
        raise PlanFileError(
            f"{name}: the plan file was changed after it was written (its seal "
            "does not match); nothing was sent",
            hint="plan again with --out; never edit a saved plan by hand",
        )


def to_plan(
    body: dict[str, Any],
    *,
    key_for: KeyFor | None = None,
    environ: Mapping[str, str] | None = None,
    name: str = "plan",
) -> Plan:
    """The saved plan as a Plan. With `key_for` (apply), secrets are re-read from `environ`
    and checked against their hashes, all offline; without (show), they stay as placeholders,
    which every output shows as (sensitive)."""
    env = os.environ if environ is None else environ
    out = []
    for entry in body["campaigns"]:
        try:
            out.append(_load_one(entry, key_for, env, name))
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise PlanFileError(f"{name}: malformed campaign entry ({exc!r})") from None
    return Plan(tuple(out))


def _load_one(
    entry: dict[str, Any], key_for: KeyFor | None, env: Mapping[str, str], name: str
) -> CampaignPlan:
    address = entry["address"]
    desired = copy.deepcopy(entry["desired"])
    env_paths = set()
    restoring = key_for is not None
    offline = provider_class(entry["provider"])()  # comparable/write_only: no request
    key = key_for(entry.get("workspace") or entry["provider"]) if key_for is not None else ""
    for s in entry["secrets"]:
        path = tuple(s["path"])
        if s["env"] is not None:
            env_paths.add(("campaign", *path))
        if not restoring:
            continue
        if s["env"] is None:
            raise PlanFileError(f"{name}: {address}: {format_path(path)} has no source to re-read")
        value, _, missing, refused = expand_vars(s["env"], env)
        if refused:
            raise PlanFileError(
                f"{name}: {address}: {format_path(path)}: {refused[0]}; nothing was sent"
            )
        if missing:
            raise PlanFileError(
                f"{name}: {address}: {format_path(path)} comes from "
                f"{', '.join(missing)}, which is not set; nothing was sent",
                hint="export it as it was when the plan was made",
            )
        if keyed_hash(key, value) != s["hash"]:
            raise PlanFileError(
                f"{name}: {address}: {format_path(path)} ({s['env']}) is not the "
                "value the plan was made with; nothing was sent",
                hint="export the value it was planned with, or plan again",
            )
        _set(desired, path, value)
    source = Source(entry["file"], int(entry["index"]), 1, None, env_paths=env_paths)
    doc = Document(
        entry["file"],
        int(entry["index"]),
        entry["provider"],
        entry["key"],
        entry["id"],
        entry["status"],
        tuple(entry["ignore"]),
        desired,
        source,
        str(entry.get("workspace") or ""),
        tuple(entry.get("movedFrom") or ()),
    )
    comparable = offline.comparable(copy.deepcopy(desired)) if restoring else None
    changes = []
    for c in entry["changes"]:
        path = tuple(c["path"])
        old, new = c["old"], c["new"]
        if c["sensitive"]:
            old = None
            if restoring and new is not None:
                found, value = _get(comparable, path)
                if not found or keyed_hash(key, value) != new[SECRET]:
                    raise PlanFileError(
                        f"{name}: {address}: {format_path(path)} does not match "
                        "the value the plan was made with; nothing was sent"
                    )
                new = value
        v = c["verdict"]
        verdict = Verdict(
            bool(v["allowed"]), v["reason"], v["remedy"], v["note"], bool(v["ignored"])
        )
        source = c.get("source")
        changes.append(
            PlannedChange(
                Change(
                    path,
                    c["op"],
                    old,
                    new,
                    bool(c["sensitive"]),
                    None if source is None else tuple(source),
                    c.get("how") or "",
                ),
                verdict,
                c["note"],
            )
        )
    r = entry["remote"]
    remote = (
        None
        if r is None
        else Remote(r["id"], r["name"], r["status"], r["revision"], {}, {}, r["ctype"])
    )
    lc = entry["lifecycle"]
    # Write-only values' keyed hashes are recomputed by apply when it records the campaign.
    return CampaignPlan(
        doc,
        entry["action"],
        remote,
        tuple(changes),
        Lifecycle(tuple(lc["actions"]), lc["blocked"], lc["remedy"]),
        tuple(entry["notes"]),
        entry["error"],
        adopt=bool(entry.get("adopt")),
        moved=entry.get("moved"),
    )


def apply(
    plan: Plan,
    provider_for: ProviderFor,
    state: State,
    *,
    concurrency: int = 4,
    notice: Callable[[str], None] | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> Report:
    """Apply a saved plan through apply.run. A campaign the plan creates is refused as drift
    (exit 4) when the state or the platform now has one for it: creating it anyway would make
    a duplicate, and adopting it would be a decision the plan did not show."""
    from . import apply as applier

    drifted: dict[str, Outcome] = {}
    for cp in plan.runnable:
        if cp.action != "create":
            continue
        entry = state.get(cp.address)
        name = str(cp.doc.campaign.get("name") or "")
        provider = provider_for(cp.doc.connection)
        found = [entry.id] if entry is not None and provider.fetch(entry.id) is not None else []
        if not found and name and not cp.doc.id:
            found = [r.id for r in provider.find_by_name(name)]
        if found:
            drifted[cp.address] = Outcome(
                cp.address,
                "drifted",
                found[0],
                f"the plan creates it, but {provider.title} now has {found[0]} for it; plan again",
            )
    rest = Plan(tuple(cp for cp in plan.campaigns if cp.address not in drifted))
    for outcome in drifted.values():
        if progress is not None:
            progress(outcome)
    report = applier.run(
        rest, provider_for, state, concurrency=concurrency, notice=notice, progress=progress
    )
    done = {o.address: o for o in report.outcomes}
    return Report(
        tuple(drifted.get(cp.address) or done[cp.address] for cp in plan.campaigns),
        interrupted=report.interrupted,
    )
