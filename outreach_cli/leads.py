"""Campaign leads: list, bulk add, update (status, AI tag), and the enrollment prediction.

No terminal code: functions return the values below, `output.py` renders them. The HTTP
calls live in the provider classes; what is here is the provider-neutral logic and the
shaping of each platform's lead records into `Lead`.

The heart is `decide()`: SendKit's "Update campaign lead" page
(shared/seeds/sendkit-update-campaign-lead.txt) as a table, row by row, so that
`leads update --dry-run` can say what a tag change will do to a lead's subsequence before
anything is sent. The sandbox implements the same page independently; a test runs every row
both ways.
"""

from __future__ import annotations

import csv
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from .errors import ApiError, OutreachError, UsageError
from .providers.base import Provider, Remote

Progress = Callable[[int], None]

# -- values ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadSubsequence:
    """A lead's subsequence state as the leads list reports it.

    `emails_sent` is None when the record does not say (the docs show no shape for it).
    A finished subsequence (`completed`) is history: its id is kept as a pointer, the lead is
    no longer in it.
    """

    id: str
    name: str
    status: str = "active"
    emails_sent: int | None = None
    completed_at: str | None = None

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class Lead:
    """One lead of a campaign (SendKit campaign lead, Puffle prospect, lemlist lead)."""

    id: str
    email: str | None
    status: str
    ai_tag: str | None = None
    step: Any = None
    subsequence: LeadSubsequence | None = None
    extras: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def record(self) -> dict[str, Any]:
        """The lead as one flat JSON/CSV record."""
        sub = self.subsequence
        return {
            "id": self.id, "email": self.email, "status": self.status, "aiTag": self.ai_tag,
            "step": self.step,
            "subsequence": sub.name if sub else None,
            "subsequenceId": sub.id if sub else None,
            "subsequenceStatus": sub.status if sub else None,
            "subsequenceEmailsSent": sub.emails_sent if sub else None,
            **self.extras,
        }


ACTIONS: tuple[str, ...] = ("enrolled", "switched", "exited", "skippedInProgress")


@dataclass(frozen=True)
class Outcome:
    """A subsequence enrollment change: what SendKit's `subsequenceEnrollment` reports."""

    action: str
    subsequence_name: str
    reason: str = ""
    row: int | None = None  # the row of the page's table (predictions only)
    subsequence_id: str | None = None

    def record(self) -> dict[str, Any]:
        return {"action": self.action, "subsequenceName": self.subsequence_name,
                "reason": self.reason, "row": self.row}


@dataclass(frozen=True)
class Decision:
    """Which row of the page's table applies, and its outcome (None: no enrollment change)."""

    row: int
    rule: str
    outcome: Outcome | None
    note: str = ""  # a reading where the page is silent
    certain: bool = True


# -- the decision table ---------------------------------------------------------------------------

# Where the lead is, relative to the subsequence the new tag matches (if any).
NONE, SAME, UNSENT, SENT = "none", "same", "unsent", "sent"


@dataclass(frozen=True)
class Row:
    number: int
    action: str | None  # None: no-op, `subsequenceEnrollment` omitted
    names: Literal["match", "current", ""]  # whose name `subsequenceName` carries
    rule: str  # the page's words
    why: str  # said to the user


# SendKit "Update campaign lead" (shared/seeds/sendkit-update-campaign-lead.txt), keyed by
# (the new aiTag matches an ai_tag trigger ignoring case, where the lead is). Rows 1-4 are the
# page's "when the new aiTag matches a subsequence" list, rows 5-7 its "matches NO subsequence"
# list, in the page's order.
TABLE: dict[tuple[bool, str], Row] = {
    (True, NONE): Row(1, "enrolled", "match",
                      "Lead has no subsequence → enrolled in the matching one and any pending "
                      "main-sequence send is canceled.",
                      "the tag matches its ai_tag trigger and the lead had no subsequence; the "
                      "pending main-sequence send is canceled"),
    (True, SAME): Row(2, None, "",
                      "Lead is already in the matching subsequence → no-op.",
                      "the lead is already in the subsequence this tag triggers"),
    (True, UNSENT): Row(3, "switched", "match",
                        "Lead is in a different subsequence with no emails sent from it → "
                        "switched into the matching subsequence (state reset).",
                        "the tag matches its trigger and the lead's subsequence had sent no "
                        "email yet"),
    (True, SENT): Row(4, "skippedInProgress", "current",
                      "Lead is in a different subsequence with at least one email already "
                      "sent → no switch (action skippedInProgress); tag still updates.",
                      "the tag matches another subsequence, but this one has already sent the "
                      "lead email: no switch, the tag still updates"),
    (False, NONE): Row(5, None, "",
                       "When the new tag matches NO subsequence: Lead has no subsequence → "
                       "no-op.",
                       "the tag matches no subsequence and the lead is in none"),
    (False, UNSENT): Row(6, "exited", "current",
                         "Lead is in a subsequence with no emails sent from it → exits cleanly "
                         "(subsequence.status: 'completed', completedAt set, lead status: "
                         "'completed', scheduling cleared; subsequence.id preserved).",
                         "the tag matches no subsequence and this one had sent no email: the "
                         "lead exits it and is completed"),
    (False, SENT): Row(7, "skippedInProgress", "current",
                       "Lead is in a subsequence with at least one email already sent → kept "
                       "in (action skippedInProgress); tag still updates.",
                       "the tag matches no subsequence, but this one has already sent the lead "
                       "email: the lead stays in it, the tag still updates"),
}

# Why, for an outcome the server reported (it does not say which row).
WHY: dict[str, str] = {
    "enrolled": TABLE[(True, NONE)].why,
    "switched": TABLE[(True, UNSENT)].why,
    "exited": TABLE[(False, UNSENT)].why,
    "skippedInProgress": "the lead's subsequence has already sent it email: it stays there, "
                         "the tag still updates",
}


def matching_subsequence(campaign_raw: dict[str, Any],
                         tag: str | None) -> dict[str, Any] | None:
    """The subsequence whose `trigger.type='ai_tag'` and `trigger.value` equals `tag`
    ignoring case. Archived subsequences trigger nothing; clearing the tag (None) matches
    none."""
    if tag is None:
        return None
    folded = tag.strip().casefold()
    for sub in campaign_raw.get("subsequences") or []:
        if not isinstance(sub, dict) or (sub.get("status") or "active") == "archived":
            continue
        trigger = sub.get("trigger") or {}
        if trigger.get("type") == "ai_tag" and \
                str(trigger.get("value") or "").strip().casefold() == folded:
            return sub
    return None


def decide(campaign_raw: dict[str, Any], lead: Lead, new_tag: str | None) -> Decision:
    """The page's row for setting `new_tag` on `lead` (None: clearing the tag), from the
    campaign's subsequences and the lead's current subsequence state."""
    match = matching_subsequence(campaign_raw, new_tag)
    history = lead.subsequence
    current = history if history is not None and history.active else None
    note = ""
    certain = True
    if current is None:
        where = NONE
        if match is not None and history is not None and history.id == _sid(match):
            # Silent on the page: a finished subsequence whose id is kept "as a historical
            # pointer". Read as row 2 (already in it): the same emails are not sent twice.
            where = SAME
            note = ("the lead already finished this subsequence (its id is kept as a "
                    "historical pointer); read as 'already in the matching subsequence'")
    elif match is not None and current.id == _sid(match):
        where = SAME
    elif current.emails_sent is None:
        where = SENT
        other = TABLE[(match is not None, UNSENT)]
        certain = False
        note = (f"the lead's record does not say whether its subsequence sent it email; if "
                f"none was sent, row {other.number} applies ({other.action})")
    else:
        where = SENT if current.emails_sent > 0 else UNSENT
    row = TABLE[(match is not None, where)]
    outcome = None
    if row.action is not None:
        if row.names == "match":
            assert match is not None
            name, sid = str(match.get("name") or ""), _sid(match)
        else:
            assert current is not None
            name, sid = _name_of(campaign_raw, current), current.id
        outcome = Outcome(row.action, name, row.why, row.number, sid)
    return Decision(row.number, row.rule, outcome, note, certain)


def predict_enrollment(campaign_raw: dict[str, Any], lead: Lead,
                       new_tag: str | None) -> Outcome | None:
    """What `subsequenceEnrollment` the PATCH would answer; None when it would be omitted."""
    return decide(campaign_raw, lead, new_tag).outcome


def after(lead: Lead, change: LeadChange, tag: str | None, outcome: Outcome | None) -> Lead:
    """The lead as the page says it will be after `change` (for chained predictions)."""
    new = lead
    if change.status:
        new = replace(new, status=change.status)
    if change.tag is not None or change.clear_tag:
        new = replace(new, ai_tag=tag)
    if outcome is None:
        return new
    if outcome.action in ("enrolled", "switched"):
        new = replace(new, subsequence=LeadSubsequence(
            outcome.subsequence_id or "", outcome.subsequence_name, "active", 0, None))
    elif outcome.action == "exited" and new.subsequence is not None:
        new = replace(new, status="completed",
                      subsequence=replace(new.subsequence, status="completed"))
    return new


def _sid(sub: dict[str, Any]) -> str:
    return str(sub.get("_id") or sub.get("id") or "")


def _name_of(campaign_raw: dict[str, Any], state: LeadSubsequence) -> str:
    for sub in campaign_raw.get("subsequences") or []:
        if isinstance(sub, dict) and _sid(sub) == state.id:
            return str(sub.get("name") or state.name)
    return state.name


# -- per-provider shapes --------------------------------------------------------------------------

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _norm(column: str) -> str:
    return re.sub(r"[^a-z0-9]", "", column.lower())


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _sendkit_lead(item: dict[str, Any]) -> Lead:
    person = item.get("leadId")
    email = person.get("email") if isinstance(person, dict) else item.get("email")
    sub = item.get("subsequence")
    state = None
    if isinstance(sub, dict) and (sub.get("id") or sub.get("_id") or sub.get("subsequenceId")):
        stats: dict[str, Any] = sub["stats"] if isinstance(sub.get("stats"), dict) else {}
        sent = next((v for v in (_int(sub.get("emailsSent")), _int(sub.get("sentCount")),
                                 _int(stats.get("sent"))) if v is not None), None)
        state = LeadSubsequence(
            str(sub.get("id") or sub.get("_id") or sub.get("subsequenceId")),
            str(sub.get("name") or ""), str(sub.get("status") or "active"), sent,
            sub.get("completedAt"))
    extras = {"leadId": person.get("_id") if isinstance(person, dict) else person,
              "emailsSent": item.get("emailsSent"), "replied": item.get("replied"),
              "addedAt": item.get("addedAt")}
    return Lead(str(item.get("_id") or item.get("id") or ""), email,
                str(item.get("status") or ""), item.get("aiTag"),
                item.get("currentSequenceStep"), state, extras)


def _puffle_lead(item: dict[str, Any]) -> Lead:
    extras = {k: item.get(k) for k in ("name", "company", "linkedin_url", "replied_at",
                                       "bounced_at")}
    return Lead(str(item.get("id") or ""), item.get("email"), str(item.get("status") or ""),
                None, item.get("current_node_id"), None, extras)


def _lemlist_lead(item: dict[str, Any]) -> Lead:
    # lemlist's campaign-leads list answers `[{_id, contactId, state}]` only.
    extras = {k: v for k, v in item.items() if k not in ("_id", "state", "email")}
    return Lead(str(item.get("_id") or ""), item.get("email"), str(item.get("state") or ""),
                None, None, None, extras)


@dataclass(frozen=True)
class Kind:
    """How one platform's leads are listed, written from CSV, and added."""

    name: str
    batch: int  # rows per add request
    columns: tuple[str, ...]  # the API's own field names a CSV column may use
    aliases: dict[str, str]
    extra: str | None  # where other columns go (None: top level, as strings)
    to_lead: Callable[[dict[str, Any]], Lead]
    updates: bool = False  # status / AI tag through the campaign-lead PATCH

    def column(self, header: str) -> str:
        """A CSV header → the API's field name (`First Name`, `first_name` → firstName)."""
        key = _norm(header)
        for name in self.columns:
            if _norm(name) == key:
                return name
        return self.aliases.get(key, header.strip())


KINDS: dict[str, Kind] = {
    "sendkit": Kind("sendkit", 5000,
                    ("email", "leadId", "firstName", "lastName", "companyName", "phone",
                     "title"),
                    {"company": "companyName", "jobtitle": "title", "id": "leadId"},
                    "customFields", _sendkit_lead, updates=True),
    "puffle": Kind("puffle", 1000,
                   ("email", "linkedin_url", "first_name", "last_name", "company", "position",
                    "headline"),
                   {"companyname": "company", "title": "position", "jobtitle": "position",
                    "linkedin": "linkedin_url"},
                   "custom_fields", _puffle_lead),
    # lemlist adds one lead per call; every other column is a custom variable (a string).
    "lemlist": Kind("lemlist", 1,
                    ("email", "firstName", "lastName", "companyName", "jobTitle",
                     "linkedinUrl", "phone", "companyDomain", "icebreaker", "timezone"),
                    {"company": "companyName", "title": "jobTitle", "linkedin": "linkedinUrl"},
                    None, _lemlist_lead),
}


def kind_for(provider: Provider | str) -> Kind:
    name = provider if isinstance(provider, str) else provider.name
    kind = KINDS.get(name)
    if kind is None:
        raise OutreachError(f"no lead operations for {name}")
    return kind


def _need(provider: Provider, method: str, what: str) -> Callable[..., Any]:
    fn = getattr(provider, method, None)
    if fn is None:
        raise OutreachError(f"{provider.title}: {what} is not supported by this build",
                            hint=f"the {provider.name} adapter has no {method}()")
    return fn  # type: ignore[no-any-return]


# -- list -----------------------------------------------------------------------------------------


def list_leads(provider: Provider, campaign_id: str, status: str | None = None) -> list[Lead]:
    """Every lead of the campaign (the provider's pagination followed to the end)."""
    kind = kind_for(provider)
    statuses: tuple[str, ...] = getattr(provider, "LEAD_STATUSES", ())
    if status and statuses and status not in statuses:
        raise UsageError(f"{provider.title} has no lead status {status!r}",
                         hint="one of: " + ", ".join(statuses))
    if provider.name == "puffle":
        items = _need(provider, "list_prospects", "listing prospects")(campaign_id, status)
    else:
        items = _need(provider, "list_campaign_leads", "listing campaign leads")(
            campaign_id, status)
    return [kind.to_lead(i) for i in items if isinstance(i, dict)]


# -- add ------------------------------------------------------------------------------------------

RowStatus = Literal["added", "skipped", "accepted", "failed"]


@dataclass(frozen=True)
class LeadRow:
    """One data row of a leads CSV: its line (where the record starts) and its fields."""

    line: int
    fields: dict[str, str] = field(compare=False, hash=False)

    @property
    def identity(self) -> str:
        f = self.fields
        return (f.get("email") or f.get("leadId") or f.get("linkedin_url")
                or f.get("linkedinUrl") or "")


@dataclass(frozen=True)
class RowResult:
    """What became of one CSV row. `accepted`: sent in a batch whose answer counted some
    rows added and some already present, without saying which."""

    line: int
    identity: str
    result: RowStatus
    reason: str = ""


@dataclass(frozen=True)
class AddReport:
    added: int
    skipped: int
    rows: tuple[RowResult, ...]
    requests: int = 0

    @property
    def failed(self) -> tuple[RowResult, ...]:
        return tuple(r for r in self.rows if r.result == "failed")


def read_rows(path: str, provider: Provider | str,
              ctype: str | None = None) -> tuple[list[LeadRow], list[RowResult]]:
    """Read a leads CSV: the rows to send, and the malformed ones (by line) not to send.

    The header names the fields (the API's own names, any case or separator: `First Name`,
    `first_name` and `firstName` are one column). A row is malformed when its field count
    differs from the header's or it lacks a usable identity (a valid email; SendKit: or a
    leadId; Puffle LinkedIn campaigns: a linkedin_url).
    """
    kind = kind_for(provider)
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        return _read(handle, path, kind, ctype)


def _read(handle: Iterable[str], path: str, kind: Kind,
          ctype: str | None) -> tuple[list[LeadRow], list[RowResult]]:
    # strict: a quote left open runs to the end of the file, swallowing the rows after it;
    # the reader must say so rather than hand back one long field.
    reader = csv.reader(handle, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise UsageError(f"{path} is empty: it needs a header row such as 'email'") from None
    except csv.Error as exc:
        raise UsageError(f"{path}:1: {exc}") from None
    columns = [kind.column(h) for h in header]
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        raise UsageError(f"{path}:1: column {dupes[0]!r} appears twice in the header")
    ids = ("email", "leadId", "linkedin_url", "linkedinUrl")
    if not any(c in ids for c in columns):
        raise UsageError(f"{path}:1: no email column in the header ({', '.join(header)})",
                         hint="name the column 'email'")
    rows: list[LeadRow] = []
    bad: list[RowResult] = []
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            end = reader.line_num
            what = (f"an unclosed quote: lines {start}-{end} were not read"
                    if "end of data" in str(exc) else f"unreadable CSV ({exc})")
            bad.append(RowResult(start, "", "failed", what))
            start = end + 1
            continue
        line, end = start, reader.line_num
        start = end + 1
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if len(record) != len(header):
            span = f" (the record runs to line {end}: an unclosed quote?)" if end > line else ""
            bad.append(RowResult(line, record[0].strip() if record else "", "failed",
                                 f"{len(record)} fields where the header has {len(header)}"
                                 + span))
            continue
        fields = {c: v.strip() for c, v in zip(columns, record, strict=True) if v.strip()}
        row = LeadRow(line, fields)
        problem = _row_problem(kind, fields, ctype)
        if problem:
            bad.append(RowResult(line, row.identity, "failed", problem))
        else:
            rows.append(row)
    return rows, bad


def _row_problem(kind: Kind, fields: dict[str, str], ctype: str | None) -> str:
    email = fields.get("email")
    if email and not EMAIL.match(email):
        return f"invalid email {email!r}"
    if kind.name == "sendkit" and not (email or fields.get("leadId")):
        return "needs an email or a leadId"
    if kind.name == "puffle" and ctype == "linkedin":
        url = fields.get("linkedin_url") or ""
        return "" if "linkedin.com" in url else "a LinkedIn campaign needs a linkedin_url"
    if kind.name == "lemlist" and not (email or fields.get("linkedinUrl")):
        return "needs an email or a linkedinUrl"
    if not email and kind.name == "puffle":
        return "an email campaign needs an email"
    return ""


def entry(kind: Kind, row: LeadRow) -> dict[str, Any]:
    """The API's object for one row: known fields as named, the rest as custom fields."""
    known: dict[str, Any] = {k: v for k, v in row.fields.items() if k in kind.columns}
    rest = {k: v for k, v in row.fields.items() if k not in kind.columns}
    if kind.name == "sendkit" and "leadId" in known:
        known.pop("email", None)  # "each needs leadId or email": the id names the lead
    if kind.extra is None:
        return {**known, **rest}
    if rest:
        known[kind.extra] = rest
    return known


@dataclass
class _Batch:
    added: int = 0
    skipped: int = 0
    rows: list[RowResult] = field(default_factory=list)
    requests: int = 0


def add_leads(provider: Provider, campaign_id: str, rows: Sequence[LeadRow],
              progress: Progress | None = None, *, concurrency: int = 4,
              rejected: Sequence[RowResult] = ()) -> AddReport:
    """Add `rows` in batches of the provider's maximum, `concurrency` batches at a time.

    Leads already in the campaign are skipped by the server (SendKit `skipped`, Puffle
    `duplicates`, lemlist 409), so re-running a file adds only what is missing. A batch that
    fails as a whole reports each of its rows as failed with the reason; nothing is dropped.
    `rejected` (rows `read_rows` found malformed) are reported with the rest, by line.
    """
    kind = kind_for(provider)
    size = max(1, int(getattr(provider, "LEADS_PER_ADD", kind.batch) or kind.batch))
    batches = [list(rows[i:i + size]) for i in range(0, len(rows), size)]
    send = {"sendkit": _send_sendkit, "puffle": _send_puffle, "lemlist": _send_lemlist}[kind.name]
    lock = threading.Lock()

    def one(batch: list[LeadRow]) -> _Batch:
        try:
            out = send(provider, kind, campaign_id, batch)
        except OutreachError as exc:
            out = _Batch(rows=[RowResult(r.line, r.identity, "failed", exc.message)
                               for r in batch], requests=1)
        if progress is not None:
            with lock:
                progress(len(batch))
        return out

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        done = list(pool.map(one, batches))
    results = sorted([*rejected, *(r for b in done for r in b.rows)], key=lambda r: r.line)
    return AddReport(sum(b.added for b in done), sum(b.skipped for b in done), tuple(results),
                     sum(b.requests for b in done))


def _settle(batch: list[LeadRow], failed: dict[int, str], added: int,
            skipped: int) -> list[RowResult]:
    """Per-row results of one batch: the failures by line; the rest added or skipped when
    the counts say which, else `accepted`."""
    ok = [r for r in batch if r.line not in failed]
    verdict: RowStatus = "added" if skipped == 0 else "skipped" if added == 0 else "accepted"
    reason = "" if verdict != "skipped" else "already in the campaign"
    return ([RowResult(r.line, r.identity, "failed", failed[r.line])
             for r in batch if r.line in failed]
            + [RowResult(r.line, r.identity, verdict, reason) for r in ok])


def _send_sendkit(provider: Provider, kind: Kind, campaign_id: str,
                  batch: list[LeadRow]) -> _Batch:
    add = _need(provider, "add_campaign_leads", "adding campaign leads")
    answer = add(campaign_id, [entry(kind, r) for r in batch])
    by_key: dict[str, list[LeadRow]] = {}
    for r in batch:
        by_key.setdefault(r.identity.lower(), []).append(r)
    failed: dict[int, str] = {}
    for err in answer.get("errors") or []:
        ent = err.get("entry") if isinstance(err, dict) else None
        key = ""
        if isinstance(ent, dict):
            key = str(ent.get("leadId") or ent.get("email") or "").lower()
        owners = by_key.get(key) or []
        target = next((r for r in owners if r.line not in failed), None)
        message = str(err.get("message") if isinstance(err, dict) else err)
        if target is not None:
            failed[target.line] = message
    added, skipped = int(answer.get("added") or 0), int(answer.get("skipped") or 0)
    return _Batch(added, skipped, _settle(batch, failed, added, skipped), 1)


PUFFLE_ROW_ERROR = re.compile(r"prospects\[(\d+)\]")


def _send_puffle(provider: Provider, kind: Kind, campaign_id: str,
                 batch: list[LeadRow]) -> _Batch:
    """Puffle refuses a whole batch for one bad row, naming its index: that row is reported
    and the rest sent again."""
    add = _need(provider, "add_prospects", "adding prospects")
    pending = list(batch)
    failed: dict[int, str] = {}
    requests = 0
    while pending:
        requests += 1
        try:
            answer = add(campaign_id, [entry(kind, r) for r in pending])
        except ApiError as exc:
            found = PUFFLE_ROW_ERROR.search(exc.detail) if exc.status == 400 else None
            if found is None or int(found.group(1)) >= len(pending):
                raise
            bad = pending.pop(int(found.group(1)))
            failed[bad.line] = exc.detail
            continue
        added = int(answer.get("imported") or 0)
        skipped = int(answer.get("duplicates") or 0)
        return _Batch(added, skipped, _settle(batch, failed, added, skipped), requests)
    return _Batch(0, 0, _settle(batch, failed, 0, 0), requests)


def _send_lemlist(provider: Provider, kind: Kind, campaign_id: str,
                  batch: list[LeadRow]) -> _Batch:
    add = _need(provider, "add_campaign_lead", "adding campaign leads")
    out = _Batch()
    for r in batch:
        out.requests += 1
        try:
            add(campaign_id, entry(kind, r))
        except ApiError as exc:
            if exc.status == 409:  # "Lead already in the campaign"
                out.skipped += 1
                out.rows.append(RowResult(r.line, r.identity, "skipped", exc.detail))
                continue
            if exc.status >= 500 or exc.status in (401, 403, 429):
                raise
            out.rows.append(RowResult(r.line, r.identity, "failed", exc.detail))
            continue
        out.added += 1
        out.rows.append(RowResult(r.line, r.identity, "added"))
    return out


# -- update ---------------------------------------------------------------------------------------

# The page: "Status can only be changed to active or paused".
SETTABLE_STATUSES = ("active", "paused")
UpdateStatus = Literal["updated", "predicted", "refused", "failed"]
CHANGE_COLUMNS = ("lead_id", "status", "tag", "clear_tag")


class LeadRefused(UsageError):
    """A change refused before any write: a status the API cannot set, an unknown tag."""


@dataclass(frozen=True)
class LeadChange:
    """One requested change: `tag` sets the AI tag, `clear_tag` removes it."""

    lead_id: str
    status: str | None = None
    tag: str | None = None
    clear_tag: bool = False
    line: int | None = None


@dataclass(frozen=True)
class UpdateResult:
    change: LeadChange
    result: UpdateStatus
    lead: Lead | None = None
    enrollment: Outcome | None = None  # the server's answer, or the prediction (dry run)
    decision: Decision | None = None  # dry run: the table's row
    reason: str = ""  # why refused or failed

    def record(self) -> dict[str, Any]:
        lead = self.lead.record() if self.lead else {"id": self.change.lead_id}
        out: dict[str, Any] = {
            "line": self.change.line, "leadId": self.change.lead_id, "result": self.result,
            "reason": self.reason or None, "lead": lead,
            "request": {"status": self.change.status,
                        "aiTag": None if self.change.clear_tag else self.change.tag,
                        "clearTag": self.change.clear_tag},
            "subsequenceEnrollment": self.enrollment.record() if self.enrollment else None,
        }
        if self.decision is not None:
            out["decision"] = {"row": self.decision.row, "rule": self.decision.rule,
                               "note": self.decision.note or None,
                               "certain": self.decision.certain}
        return out


@dataclass(frozen=True)
class UpdateReport:
    results: tuple[UpdateResult, ...]
    dry_run: bool = False

    def count(self, result: str) -> int:
        return sum(1 for r in self.results if r.result == result)

    def actions(self) -> dict[str, int]:
        out = dict.fromkeys(ACTIONS, 0)
        for r in self.results:
            if r.enrollment is not None:
                out[r.enrollment.action] = out.get(r.enrollment.action, 0) + 1
        return out


def check_change(change: LeadChange) -> str:
    """Why `change` is refused before any request ("" when it is not): its shape and status."""
    if change.status is None and change.tag is None and not change.clear_tag:
        return "nothing to change: give a status, a tag, or clear the tag"
    if change.tag is not None and change.clear_tag:
        return "set a tag or clear it, not both"
    if change.status is not None and change.status not in SETTABLE_STATUSES:
        return (f"status {change.status!r} refused: SendKit sets a campaign lead's status only "
                "to active or paused (the others are the server's to set)")
    return ""


def check_tag(tag: str, labels: Sequence[str]) -> tuple[str | None, str]:
    """(the tag as the workspace spells it, "") or (None, the refusal listing the labels).
    `labels` are the workspace's AI tag labels (SendKit: GET /tags)."""
    wanted = tag.strip().casefold()
    # Tag names are unique ignoring case (POST /tags): send the workspace's own spelling.
    found = next((lb for lb in labels if lb.casefold() == wanted), None)
    if found is None:
        shown = ", ".join(repr(lb) for lb in labels) or "(none)"
        return None, f"tag {tag!r} is not one of the workspace's AI tag labels: {shown}"
    return found, ""


def _labels(provider: Provider) -> list[str]:
    tags = _need(provider, "list_tags", "AI tags")()
    return [str(t.get("name")) for t in tags if isinstance(t, dict) and t.get("name")]


def _require_updates(provider: Provider) -> Kind:
    kind = kind_for(provider)
    if not kind.updates:
        raise UsageError(f"leads update: {provider.title} has no API to set a campaign lead's "
                         "status or AI tag", hint="leads update works on SendKit campaigns")
    return kind


def update_lead(provider: Provider, campaign_id: str, lead_id: str, status: str | None = None,
                tag: str | None = None, clear_tag: bool = False, *, dry_run: bool = False,
                campaign: Remote | None = None) -> UpdateResult:
    """Update one campaign lead (or predict the update with `dry_run`).

    Refused before any write (LeadRefused): a status other than active|paused, a tag that
    is not one of the workspace's labels (listed in the reason). The server's INVALID_TAG
    and NOT_FOUND arrive as ApiError.
    """
    change = LeadChange(lead_id, status, tag, clear_tag)
    report = update_leads(provider, campaign_id, [change], dry_run=dry_run, campaign=campaign,
                          strict=True)
    result = report.results[0]
    if result.result == "refused":
        raise LeadRefused(result.reason)
    return result


def update_leads(provider: Provider, campaign_id: str, changes: Sequence[LeadChange], *,
                 dry_run: bool = False, campaign: Remote | None = None,
                 concurrency: int = 4, progress: Progress | None = None,
                 strict: bool = False, rejected: Sequence[UpdateResult] = ()) -> UpdateReport:
    """Apply (or predict) many changes. Refusals and failures are per change; changes to the
    same lead run in file order, different leads `concurrency` at a time. With `strict` a
    server error is raised rather than reported (one-lead mode). `rejected` (malformed rows
    of a changes file) are reported with the rest, in line order."""
    kind = _require_updates(provider)
    # Shape and status first: no request for a change refused on those.
    verdicts: list[tuple[str | None, str]] = [(None, check_change(c)) for c in changes]
    if any(c.tag is not None and not v[1] for c, v in zip(changes, verdicts, strict=True)):
        labels = _labels(provider)
        for i, c in enumerate(changes):
            if c.tag is not None and not verdicts[i][1]:
                verdicts[i] = check_tag(c.tag, labels)

    leads: dict[str, Lead] | None = None
    by_email: dict[str, list[Lead]] = {}
    live = [c for c, v in zip(changes, verdicts, strict=True) if not v[1]]
    if live and (dry_run or any("@" in c.lead_id for c in live)):
        listed = [kind.to_lead(i) for i in
                  _need(provider, "list_campaign_leads", "listing campaign leads")(campaign_id)]
        leads = {x.id: x for x in listed}
        for x in listed:
            by_email.setdefault((x.email or "").lower(), []).append(x)

    def target(c: LeadChange) -> tuple[str, str]:
        if "@" not in c.lead_id:
            return c.lead_id, ""
        found = by_email.get(c.lead_id.lower(), [])
        if len(found) != 1:
            return "", (f"no lead {c.lead_id} in this campaign" if not found else
                        f"{len(found)} leads have the email {c.lead_id}: give the lead id")
        return found[0].id, ""

    results: list[UpdateResult | None] = [None] * len(changes)
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(changes):
        lid, problem = target(c)
        if verdicts[i][1] or problem:
            results[i] = UpdateResult(c, "refused", reason=verdicts[i][1] or problem)
            if progress is not None:
                progress(1)
            continue
        groups.setdefault(lid, []).append(i)

    if dry_run:
        remote = campaign if campaign is not None else provider.fetch(campaign_id)
        if remote is None:
            raise OutreachError(f"{provider.title} campaign {campaign_id} was not found")
        raw = remote.raw
        assert leads is not None
        for lid, idxs in groups.items():
            lead = leads.get(lid)
            for i in idxs:
                c = changes[i]
                if progress is not None:
                    progress(1)
                if lead is None:
                    results[i] = UpdateResult(c, "refused",
                                              reason=f"no campaign lead {lid} in this campaign")
                    continue
                tag = verdicts[i][0]
                decision = decide(raw, lead, tag) if (c.tag is not None or c.clear_tag) \
                    else None
                outcome = decision.outcome if decision else None
                lead = after(lead, c, tag, outcome)  # the next change to it starts from here
                results[i] = UpdateResult(c, "predicted", lead, outcome, decision)
        return _report(results, rejected, dry_run=True)

    patch = _need(provider, "update_campaign_lead", "updating campaign leads")
    lock = threading.Lock()

    def run(lid: str, idxs: list[int]) -> None:
        for i in idxs:
            c = changes[i]
            body: dict[str, Any] = {}
            if c.status is not None:
                body["status"] = c.status
            if c.tag is not None or c.clear_tag:
                body["aiTag"] = verdicts[i][0]  # None clears
            try:
                answer = patch(campaign_id, lid, body)
            except OutreachError as exc:
                if strict:
                    raise
                results[i] = UpdateResult(c, "failed", reason=exc.message)
            else:
                results[i] = _updated(kind, c, answer, leads)
            if progress is not None:
                with lock:
                    progress(1)

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for f in [pool.submit(run, lid, idxs) for lid, idxs in groups.items()]:
            f.result()
    return _report(results, rejected, dry_run=False)


def _report(results: list[UpdateResult | None], rejected: Sequence[UpdateResult],
            dry_run: bool) -> UpdateReport:
    done = [r for r in results if r is not None]
    if rejected:
        done = sorted([*rejected, *done], key=lambda r: r.change.line or 0)
    return UpdateReport(tuple(done), dry_run=dry_run)


def _updated(kind: Kind, change: LeadChange, answer: dict[str, Any],
             known: dict[str, Lead] | None) -> UpdateResult:
    data: dict[str, Any] = answer["data"] if isinstance(answer.get("data"), dict) else answer
    lead = kind.to_lead(data)
    if lead.email is None and known and lead.id in known:
        lead = replace(lead, email=known[lead.id].email)
    # The page shows `subsequenceEnrollment` beside `data`; accept it inside too.
    raw = answer.get("subsequenceEnrollment") or (data or {}).get("subsequenceEnrollment")
    outcome = None
    if isinstance(raw, dict) and raw.get("action"):
        action = str(raw["action"])
        outcome = Outcome(action, str(raw.get("subsequenceName") or ""), WHY.get(action, ""))
    return UpdateResult(change, "updated", lead, outcome)


def read_changes(path: str) -> tuple[list[LeadChange], list[UpdateResult]]:
    """Read a changes CSV (`lead_id,status,tag`, optional `clear_tag`): the changes, and the
    malformed rows (reported by line, never dropped)."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = [_norm(h) for h in next(reader)]
        except StopIteration:
            raise UsageError(f"{path} is empty: it needs the header lead_id,status,tag") from None
        known = {_norm(c): c for c in CHANGE_COLUMNS}
        unknown = [h for h in header if h not in known]
        if unknown or "leadid" not in header:
            raise UsageError(f"{path}:1: the header must be lead_id plus status, tag or "
                             f"clear_tag" + (f" (unknown: {', '.join(unknown)})"
                                             if unknown else ""))
        columns = [known[h] for h in header]
        changes: list[LeadChange] = []
        bad: list[UpdateResult] = []
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                bad.append(UpdateResult(LeadChange(record[0].strip() if record else "",
                                                   line=line), "refused",
                                        reason=f"{len(record)} fields where the header has "
                                               f"{len(header)}"))
                continue
            f = {c: v.strip() for c, v in zip(columns, record, strict=True)}
            clear = f.get("clear_tag", "").lower() in ("1", "true", "yes", "y")
            change = LeadChange(f["lead_id"], f.get("status") or None, f.get("tag") or None,
                                clear, line)
            if not change.lead_id:
                bad.append(UpdateResult(change, "refused", reason="no lead_id"))
                continue
            changes.append(change)
    return changes, bad


# -- which campaign -------------------------------------------------------------------------------


def find_campaign(provider_for: Callable[[str], Provider], state: Any, *,
                  path: str | None = None, targets: Sequence[str] | None = None,
                  provider: str | None = None, id: str | None = None,
                  ) -> tuple[Provider, Remote]:
    """The remote campaign a command names: a campaign file (validated, then found as plan
    finds it: `id:`, state, unique name), or `provider` + `id`."""
    if provider or id:
        if not (provider and id) or path:
            raise UsageError("name the campaign by a file, or by --provider and --id together")
        from .providers import PROVIDERS

        if provider not in PROVIDERS:
            raise UsageError(f"unknown provider {provider!r}",
                             hint="one of: " + ", ".join(PROVIDERS))
        prov = provider_for(provider)
        remote = prov.fetch(id)
        if remote is None:
            raise OutreachError(f"{prov.title} campaign {id} was not found")
        return prov, remote
    if not path:
        raise UsageError("name the campaign: a campaign file, or --provider P --id ID")
    from .plan import resolve
    from .validate import validate_paths

    result = validate_paths([path])
    if result.errors:
        first = result.errors[0]
        more = f" (and {len(result.errors) - 1} more)" if len(result.errors) > 1 else ""
        raise OutreachError(f"{first}{more}", hint=f"outreach validate {path}")
    docs = result.documents
    if targets:
        import fnmatch

        docs = [d for d in docs if any(fnmatch.fnmatchcase(d.key, t)
                                       or fnmatch.fnmatchcase(d.address, t) for t in targets)]
    if len(docs) != 1:
        keys = ", ".join(d.address for d in docs) or "none"
        raise UsageError(f"{path} holds {len(docs)} matching campaigns ({keys}); leads "
                         "commands work on one", hint="pick one with --target KEY")
    doc = docs[0]
    prov = provider_for(doc.provider)
    remote, _ = resolve(doc, prov, state)
    if remote is None:
        raise OutreachError(f"{doc.address} has no remote campaign yet",
                            hint=f"create it first: outreach apply {path}")
    return prov, remote
