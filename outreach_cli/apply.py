"""Execute a Plan: exactly the changes it shows, then verify and record state.

A create is recorded in state the moment the campaign exists (a mark even before its first
POST leaves), and stays in the platform's non-sending status until a read-back matches the
file: a create cut short by an error, a kill or Ctrl-C is completed by the next run, never
started half-built. Nothing is started, launched or resumed before that read-back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .errors import ApiError, DriftError, ExitCode, NetworkError, OutreachError
from .hashing import digest
from .lock import create_lock
from .plan import CampaignPlan, Plan, ProviderFor, compare, differences, write_only_hashes
from .providers.base import Provider, Remote
from .state import State

Result = Literal["applied", "unchanged", "blocked", "failed", "drifted", "interrupted", "skipped"]
START_ACTIONS = frozenset({"start", "launch", "resume"})
CREATE_ATTEMPTS = 3  # a create whose failure left no campaign is sent again, up to this


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
    interrupted: bool = False
    # Requests the platforms answered 429 during the command, each retried after Retry-After
    # (another tool on the same key; outreach's own processes share one budget per key).
    rate_limited: int = 0

    def count(self, result: Result) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    def exit_code(self) -> ExitCode:
        """Interrupted, then failed, drifted, blocked campaigns decide it; else OK."""
        if self.interrupted:
            return ExitCode.INTERRUPTED
        if self.count("failed"):
            return ExitCode.ERROR
        if self.count("drifted"):
            return ExitCode.DRIFT
        if self.count("blocked"):
            return ExitCode.BLOCKED
        return ExitCode.OK


Progress = Callable[["Outcome"], None]
Notice = Callable[[str], None]


def run(
    plan: Plan,
    provider_for: ProviderFor,
    state: State,
    *,
    concurrency: int = 4,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> Report:
    """Apply every campaign of `plan` independently; one failing does not stop the others.

    `progress` gets each campaign's outcome the moment it is known (on a worker's thread).
    A first Ctrl-C starts no further campaign and lets those in flight finish (`notice` says
    which); a second stops now: what was in flight is reported `interrupted` (state holds
    every campaign that exists, marked unfinished), what never began `skipped`.
    """
    todo = list(plan.campaigns)
    results: dict[int, Outcome] = {}
    in_flight: dict[int, str] = {}
    stop = threading.Event()
    lock = threading.Lock()
    queue = iter(range(len(todo)))

    def one(cp: CampaignPlan) -> Outcome:
        try:
            outcome = apply_one(cp, provider_for(cp.doc.connection), state)
        except DriftError as exc:
            outcome = Outcome(cp.address, "drifted", message=exc.message)
        except OutreachError as exc:
            outcome = Outcome(
                cp.address, "failed", message=exc.message + (f" ({exc.hint})" if exc.hint else "")
            )
        except Exception as exc:  # a bug in one campaign must not lose the others' report
            outcome = Outcome(cp.address, "failed", message=f"internal error: {exc!r}")
        if progress is not None:
            progress(outcome)  # from the worker's thread, as soon as it is known
        return outcome

    def worker() -> None:
        while not stop.is_set():
            with lock:
                # Checked again under the lock: once the main thread has seen what is in
                # flight after a Ctrl-C, no worker may start another campaign.
                if stop.is_set():
                    return
                i = next(queue, None)
                if i is None:
                    return
                in_flight[i] = todo[i].address
            try:
                outcome = one(todo[i])
            except BaseException:  # the thread is being torn down: leave it in flight
                stop.set()
                return
            with lock:
                in_flight.pop(i, None)
                results[i] = outcome

    def run_worker(done: threading.Event) -> None:
        try:
            worker()
        finally:
            done.set()

    # Daemon threads: a second Ctrl-C must not wait for a request's 30 s timeout. The main
    # thread waits on an Event per worker, not on Thread.join: a join interrupted by Ctrl-C can
    # leave Python (3.11, 3.12) reporting a still-running thread as finished.
    finished = [threading.Event() for _ in range(max(1, min(concurrency, len(todo) or 1)))]
    threads = [
        threading.Thread(target=run_worker, args=(done,), daemon=True, name=f"apply-{n}")
        for n, done in enumerate(finished)
    ]
    for t in threads:
        t.start()
    interrupts = 0
    while True:
        try:
            for done in finished:
                while not done.wait(0.1):
                    pass
            break
        except KeyboardInterrupt:
            interrupts += 1
            with lock:
                stop.set()
                busy = sorted(in_flight.values())
            if interrupts >= 2:
                break
            if busy and notice is not None:
                notice(
                    f"interrupted: finishing {len(busy)} campaign(s) in flight "
                    f"({', '.join(busy[:5])}{' …' if len(busy) > 5 else ''}); no other "
                    "campaign starts. Press Ctrl-C again to stop now."
                )
    with lock:
        outcomes = []
        for i, cp in enumerate(todo):
            if i in results:
                outcomes.append(results[i])
            elif i in in_flight:
                outcomes.append(
                    Outcome(
                        cp.address,
                        "interrupted",
                        message=(
                            "stopped mid-way; state records the campaign if it exists, and "
                            "the next apply completes it"
                        ),
                    )
                )
            else:
                outcomes.append(Outcome(cp.address, "skipped", message="not started (interrupted)"))
        cut_short = interrupts > 0 or bool(in_flight)
    state.compact()  # the journal of this apply, folded into state.json once
    return Report(tuple(outcomes), interrupted=cut_short)


def apply_one(cp: CampaignPlan, provider: Provider, state: State) -> Outcome:
    if cp.action == "error":
        return Outcome(cp.address, "failed", message=cp.error or "plan failed")
    if cp.blocked:
        return Outcome(
            cp.address,
            "blocked",
            cp.remote.id if cp.remote else None,
            "holds changes the campaign's status forbids; nothing was sent",
        )
    if not cp.has_changes:
        return Outcome(cp.address, "unchanged", cp.remote.id if cp.remote else None)

    doc = cp.doc
    if cp.moved and state.get(cp.address) is None:
        state.move_now(cp.moved, cp.address)  # the rename the file states (moved_from)
    entry = state.get(cp.address)
    # `unwritten`: the last read of the whole campaign while nothing has been sent to it since.
    # The gate and the final read-back use it rather than reading what was just read.
    unwritten: Remote | None
    if cp.action == "create":
        remote = unwritten = _create(cp, provider, state)
        unfinished = True
        # What the create left to do (all of it after a lost answer): the same diff as a plan.
        left = compare(doc, provider, remote, state)
        if left.blocked:
            raise OutreachError(
                f"created {remote.id}, but it cannot be completed: "
                + (
                    left.lifecycle.blocked
                    or "; ".join(pc.verdict.reason for pc in left.changes if not pc.verdict.allowed)
                ),
                hint="it stays in its non-sending status; fix the file and apply again",
            )
        changes = [pc.change for pc in left.changes]
        actions = left.lifecycle.actions
    else:
        assert cp.remote is not None
        unfinished = bool(entry and entry.creating and entry.id in ("", cp.remote.id))
        fresh = provider.fetch(cp.remote.id)
        if fresh is None:
            raise DriftError(f"campaign {cp.remote.id} disappeared since the plan")
        remote = unwritten = fresh
        if cp.remote.revision is not None and remote.revision != cp.remote.revision:
            raise DriftError(
                f"the campaign changed on {provider.title} since the plan "
                f"(revision {cp.remote.revision} → {remote.revision}); plan again"
            )
        if unfinished:  # make sure the id is on record before anything else is sent
            state.record_now(cp.address, remote.id, remote.revision, complete=False)
        changes = [pc.change for pc in cp.changes]
        actions = cp.lifecycle.actions
    hold = provider.HOLD.get(remote.status, ("", ""))[0] if unfinished else ""
    pre = [a for a in actions if a in provider.PRE_UPDATE_ACTIONS or (hold and a == hold)]
    post = [a for a in actions if a not in pre]
    for action in pre:
        provider.transition(remote, action)
        unwritten = None
    if changes:
        if pre:
            remote = provider.fetch(remote.id) or remote
        provider.update(remote, doc.campaign, changes)
        unwritten = None
    gated = _gate(cp, provider, remote, state, post, unwritten) if post else None
    for action in post:
        fresh = gated or provider.fetch(remote.id) or remote
        gated = unwritten = None
        provider.transition(fresh, action)

    # The read-back the README promises: what was written must read back as the file says.
    after = unwritten or provider.fetch(remote.id)
    if after is None:
        raise OutreachError(f"campaign {remote.id} vanished right after apply")
    # One journal line and one fsync, not a rewrite of the whole state file per campaign.
    state.record_now(
        cp.address,
        after.id,
        after.revision,
        write_only_hashes(doc, provider, state),
        file=state.relative(doc.file),
    )
    leftover = [c.dotted for c in differences(doc, provider, after)]
    status = provider.lifecycle(after.status, doc.status)  # the status table, read only
    if leftover or (status.actions and not cp.adopt):
        what = ", ".join(leftover[:5]) + (" …" if len(leftover) > 5 else "")
        if status.actions and not cp.adopt:
            what = (what + "; " if what else "") + f"status is still {after.status}"
        raise OutreachError(
            f"applied, but reading it back still differs: {what}",
            hint="the platform did not keep what was sent; run plan to see the difference",
        )
    if unfinished:
        state.record_now(cp.address, after.id, after.revision, complete=True)
    # E.g. a Puffle resume that lands in `completed`: reported, not a failure.
    message = f"now {after.status}: {status.blocked}" if status.blocked else ""
    return Outcome(cp.address, "applied", after.id, message, tuple(actions))


def _gate(
    cp: CampaignPlan,
    provider: Provider,
    remote: Remote,
    state: State,
    post: list[str],
    unwritten: Remote | None,
) -> Remote | None:
    """Before a start, launch or resume: the campaign as read back must match the file (a
    write-only value, never read back, is trusted to the request that set it). The read
    (`unwritten` when nothing was sent since that one)."""
    if not START_ACTIONS.intersection(post):
        return None
    now = unwritten or provider.fetch(remote.id)
    if now is None:
        raise OutreachError(f"campaign {remote.id} vanished before it could be started")
    differ = [c.dotted for c in differences(cp.doc, provider, now)]
    if differ:
        what = ", ".join(differ[:5]) + (" …" if len(differ) > 5 else "")
        raise OutreachError(
            f"not started: reading {remote.id} back still differs from the file: {what}",
            hint=f"it stays {now.status}; run apply again (plan shows the difference)",
        )
    return now


def _create(cp: CampaignPlan, provider: Provider, state: State) -> Remote:
    """Create the campaign, recording it before the first POST leaves and again the moment
    its id is known. A create whose answer was lost is never blindly repeated: look the
    campaign up by name first, so a retry cannot make a duplicate."""
    doc = cp.doc
    created: list[str] = []

    def on_created(new_id: str) -> None:
        created.append(new_id)
        state.record_now(cp.address, new_id, None, complete=False)

    name = str(doc.campaign.get("name") or "")
    # One lock per campaign name in the workspace: creates of other names never wait for it.
    with create_lock(digest([getattr(provider.api, "identity", "") or provider.name, name])):
        # Looked up again right before the POST, under a lock every outreach process of
        # this user shares: another run of these files (another checkout, CI on this
        # machine) may have created it since this plan. It is never created twice, and
        # never adopted without a plan that shows it.
        there = provider.find_by_name(name) if name else []
        owned = state.get(cp.address)
        if there and not (owned and owned.creating and owned.id in ("", there[0].id)):
            raise DriftError(
                f"a {provider.title} campaign named {name!r} ({there[0].id}) exists now: it "
                "was created since this plan (by another run of these files?); nothing was "
                "sent for it. Plan again: the plan shows it found, to adopt or rename"
            )
        return _post(cp, provider, state, created, on_created)


def _post(
    cp: CampaignPlan,
    provider: Provider,
    state: State,
    created: list[str],
    on_created: Callable[[str], None],
) -> Remote:
    doc = cp.doc
    before = state.get(cp.address)
    state.begin_create(cp.address)
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            provider.create(doc.campaign, on_created)
        except (NetworkError, ApiError) as exc:
            if created:
                raise _unfinished(created[0], exc) from exc
            if isinstance(exc, ApiError) and exc.status < 500:
                # Refused: nothing exists. The mark goes, so that no later run takes a
                # campaign someone else creates with this name for an interrupted create.
                if before is None:
                    state.drop_now(cp.address)
                raise
            name = str(doc.campaign.get("name") or "")
            found = provider.find_by_name(name) if name else []
            if len(found) == 1:
                on_created(found[0].id)  # it landed: the rest is completed below
                break
            if found or not name or attempt == CREATE_ATTEMPTS:
                raise
            continue  # it did not land: sending it again cannot make a second one
        except OutreachError as exc:
            if created:
                raise _unfinished(created[0], exc) from exc
            raise
        # Every field went with the create: its write-only values are known to be set.
        state.record_now(cp.address, created[0], None, write_only_hashes(doc, provider, state))
        break
    remote = provider.fetch(created[0])
    if remote is None:
        raise OutreachError(
            f"created {created[0]} but cannot read it back",
            hint="state records it: the next apply completes it",
        )
    return remote


def _unfinished(new_id: str, exc: OutreachError) -> OutreachError:
    return OutreachError(
        f"created {new_id}, but the create did not finish: {exc.message}",
        hint="state records it; it is not started, and the next apply completes it",
    )
