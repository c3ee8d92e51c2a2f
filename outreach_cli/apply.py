"""Execute a Plan: exactly the changes it shows, then verify and record state."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from .errors import ApiError, DriftError, ExitCode, NetworkError, OutreachError
from .plan import CampaignPlan, Plan, ProviderFor, compare
from .providers.base import Provider, Remote
from .state import State

Result = Literal["applied", "unchanged", "blocked", "failed", "drifted"]


@dataclass(frozen=True)
class Outcome:
    address: str
    result: Result
    id: str | None = None
    message: str = ""
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    outcomes: tuple[Outcome, ...]

    def count(self, result: Result) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    def exit_code(self) -> ExitCode:
        """Failed, then drifted, then blocked campaigns decide it; else OK."""
        if self.count("failed"):
            return ExitCode.ERROR
        if self.count("drifted"):
            return ExitCode.DRIFT
        if self.count("blocked"):
            return ExitCode.BLOCKED
        return ExitCode.OK


Progress = Callable[[str, str], None]


def run(plan: Plan, provider_for: ProviderFor, state: State, *, concurrency: int = 4,
        progress: Progress | None = None) -> Report:
    """Apply every campaign of `plan` independently; one failing does not stop the others."""
    def one(cp: CampaignPlan) -> Outcome:
        try:
            outcome = apply_one(cp, provider_for(cp.doc.provider), state)
        except DriftError as exc:
            outcome = Outcome(cp.address, "drifted", message=exc.message)
        except OutreachError as exc:
            outcome = Outcome(cp.address, "failed",
                              message=exc.message + (f" ({exc.hint})" if exc.hint else ""))
        if progress is not None:
            progress(cp.address, outcome.result)
        return outcome

    try:
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            outcomes = tuple(pool.map(one, plan.campaigns))
    finally:
        state.compact()  # the journal of this apply, folded into state.json once
    return Report(outcomes)


def apply_one(cp: CampaignPlan, provider: Provider, state: State) -> Outcome:
    if cp.action == "error":
        return Outcome(cp.address, "failed", message=cp.error or "plan failed")
    if cp.blocked:
        return Outcome(cp.address, "blocked", cp.remote.id if cp.remote else None,
                       "holds changes the campaign's status forbids; nothing was sent")
    if not cp.has_changes:
        return Outcome(cp.address, "unchanged", cp.remote.id if cp.remote else None)

    doc = cp.doc
    if cp.action == "create":
        remote = _create(cp, provider)
    else:
        assert cp.remote is not None
        fresh = provider.fetch(cp.remote.id)
        if fresh is None:
            raise DriftError(f"campaign {cp.remote.id} disappeared since the plan")
        remote = fresh
        if cp.remote.revision is not None and remote.revision != cp.remote.revision:
            raise DriftError(
                f"the campaign changed on {provider.title} since the plan "
                f"(revision {cp.remote.revision} → {remote.revision}); plan again")
    actions = cp.lifecycle.actions
    pre = [a for a in actions if a in provider.PRE_UPDATE_ACTIONS]
    post = [a for a in actions if a not in provider.PRE_UPDATE_ACTIONS]
    for action in pre:
        provider.transition(remote, action)
    if cp.action == "update" and cp.changes:
        if pre:
            remote = provider.fetch(remote.id) or remote
        provider.update(remote, doc.campaign, [pc.change for pc in cp.changes])
    for action in post:
        fresh = provider.fetch(remote.id) or remote
        provider.transition(fresh, action)

    after = provider.fetch(remote.id)
    if after is None:
        raise OutreachError(f"campaign {remote.id} vanished right after apply")
    # One journal line and one fsync, not a rewrite of the whole state file per campaign.
    state.record_now(cp.address, after.id, after.revision, cp.hashes)
    check = compare(doc, provider, after, state)
    leftover = [pc.change.dotted for pc in check.changes]
    if leftover or check.lifecycle.actions:
        what = ", ".join(leftover[:5]) + (" …" if len(leftover) > 5 else "")
        if check.lifecycle.actions:
            what = (what + "; " if what else "") + f"status is still {after.status}"
        raise OutreachError(
            f"applied, but reading it back still differs: {what}",
            hint="the platform did not keep what was sent; run plan to see the difference")
    # E.g. a Puffle resume that lands in `completed`: reported, not a failure.
    message = f"now {after.status}: {check.lifecycle.blocked}" if check.lifecycle.blocked else ""
    return Outcome(cp.address, "applied", after.id, message, tuple(actions))


def _create(cp: CampaignPlan, provider: Provider) -> Remote:
    """Create the campaign. A create whose answer was lost is never blindly repeated: look the
    campaign up by name first, so a retry cannot make a duplicate."""
    doc = cp.doc
    try:
        new_id = provider.create(doc.campaign)
    except (NetworkError, ApiError) as exc:
        if isinstance(exc, ApiError) and exc.status < 500:
            raise
        name = str(doc.campaign.get("name") or "")
        found = provider.find_by_name(name) if name else []
        if len(found) != 1:
            raise
        new_id = found[0].id
    remote = provider.fetch(new_id)
    if remote is None:
        raise OutreachError(f"created {new_id} but cannot read it back")
    return remote
