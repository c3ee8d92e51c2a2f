"""The lemlist API emulator (`/lemlist/api/…`), written from lemlist's docs alone.

Sources: the Update Campaign page (shared/seeds/lemlist-update-campaign.txt), lemlist's OpenAPI
file (shared/reference/openapi/lemlist.json) and shared/reference/providers.md section 2. It
imports nothing from the client side of the package: agreement between the two is evidence.

Where the docs are silent, the choice made is written beside the code as "Docs silent:".

Auth, one team per key: HTTP Basic with an empty user and the key as password, or
`?access_token=KEY`; any non-empty key is valid and gets its own seeded demo team.
Rate limit: 20 requests per 2 seconds per key as a *sliding* window (a log of the accepted
requests' times). lemlist's own limiter is probably a fixed window; a sliding one is stricter, so
a client that never sees a 429 here never sees one there. Rejected requests do not count, so a
client that backs off as told recovers at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from ..store import Store, iso, prefixed_id
from ..web import BadJson, Handler, Request, Response, Router

RATE_LIMIT = 20
RATE_WINDOW = 2.0

STEP_TYPES = (
    "email", "manual", "phone", "api",
    "linkedinVisit", "linkedinInvite", "linkedinSend", "linkedinVoiceNote", "linkedinFollow",
    "linkedinLikeLastPost", "linkedinCommentLastPost", "linkedinEndorse",
    "linkedinWithdrawInvitation", "sendToAnotherCampaign", "conditional", "whatsappMessage", "sms",
)
CONDITION_KEYS = (
    "hasEmailAddress", "hasLinkedinUrl", "hasPhoneNumber", "hasScore", "emailsOpened",
    "emailsClicked", "emailsUnsubscribed", "meetingBooked", "linkedinInviteAccepted",
    "linkedinOpened", "aircallDone", "linkedinNetworkCheck", "hasWhatsappAccount",
)
API_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
REVIEW_CONDITIONS = ("deliverable", "risky", "undeliverable", "unverified")
PROGRESS = ("continue", "pause", "stop")
DYNAMIC_STRATEGIES = ("contactOwner", "leadImporter", "customField")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

# The update page's flat flags, in the page's order (its response echoes them in this order).
FLAGS = (
    "stopOnEmailReplied", "stopOnMeetingBooked", "stopOnLinkClicked", "leadsPausedByInterest",
    "opportunityReplied", "opportunityClicked", "autoLeadInterest", "disableTrackOpen",
    "disableTrackClick", "disableTrackReply", "disableOutOfOffice", "sequenceSharing",
)
# Docs silent on defaults except `stopOnEmailReplied: true` (the create example); stopping on a
# booked meeting is assumed on too, everything else off.
FLAG_DEFAULTS = dict.fromkeys(FLAGS, False) | {"stopOnEmailReplied": True,
                                               "stopOnMeetingBooked": True}

_BOOL, _PROGRESS, _LINKS = "bool", "progress", "links"
_AI_ACTION = {"enabled": _BOOL, "pauseAllCampaignsForLead": _BOOL,
              "pauseCampaignForCompany": _BOOL, "pauseAllCampaignsForCompany": _BOOL}
# The structured sections of the update page and their inner keys (OpenAPI request body).
SECTIONS: dict[str, dict[str, Any]] = {
    "aiFeatures": {"scoreReplies": _BOOL, "onInterestedReply": _AI_ACTION,
                   "onNotInterestedReply": _AI_ACTION},
    "tracking": {"trackOpens": _BOOL, "trackClicks": _BOOL, "trackReplies": _BOOL},
    "onReplied": {"createNewTask": _BOOL, "campaignProgress": _PROGRESS,
                  "propagateProgressToCompany": _BOOL, "disableOutOfOffice": _BOOL},
    "onLinkClicked": {"createNewTask": _BOOL, "campaignProgress": _PROGRESS,
                      "propagateProgressToCompany": _BOOL, "specificLinks": _LINKS},
    "onMeetingBooked": {"campaignProgress": _PROGRESS, "propagateProgressToCompany": _BOOL},
}


def _section_defaults() -> dict[str, Any]:
    off = dict.fromkeys(_AI_ACTION, False)
    return {
        "aiFeatures": {"scoreReplies": False, "onInterestedReply": dict(off),
                       "onNotInterestedReply": dict(off)},
        "tracking": {"trackOpens": True, "trackClicks": True, "trackReplies": True},
        "onReplied": {"createNewTask": False, "campaignProgress": "stop",
                      "propagateProgressToCompany": False, "disableOutOfOffice": False},
        "onLinkClicked": {"createNewTask": False, "campaignProgress": "continue",
                          "propagateProgressToCompany": False, "specificLinks": []},
        "onMeetingBooked": {"campaignProgress": "stop", "propagateProgressToCompany": False},
    }


# The page says the structured sections are "the preferred way" and the flat fields "remain
# supported for back-compat": both write one setting. Docs silent on the pairing; these are the
# pairs whose wording matches. (flag, section, key, how): `not` = opposite boolean, `same` =
# equal boolean, `stop` = flag is true exactly when campaignProgress is "stop".
TWINS = (
    ("disableTrackOpen", "tracking", "trackOpens", "not"),
    ("disableTrackClick", "tracking", "trackClicks", "not"),
    ("disableTrackReply", "tracking", "trackReplies", "not"),
    ("disableOutOfOffice", "onReplied", "disableOutOfOffice", "same"),
    ("stopOnEmailReplied", "onReplied", "campaignProgress", "stop"),
    ("stopOnMeetingBooked", "onMeetingBooked", "campaignProgress", "stop"),
    ("stopOnLinkClicked", "onLinkClicked", "campaignProgress", "stop"),
)

# Fields a step may carry (POST /sequences/{id}/steps body), by kind of value.
STEP_FIELDS: dict[str, str] = {
    "subject": "str", "message": "str", "altMessage": "str", "title": "str", "method": "method",
    "url": "url", "conditionKey": "condition", "delayType": "delayType", "campaignId": "campaign",
    "images": "media", "videos": "media", "skillName": "str", "endorseAnyFallback": "bool",
    "recordMode": "recordMode",
}
# Sending channel each step type needs a sender for (sendUserIds validation).
CHANNEL_OF = {"email": "email", "sms": "sms", "whatsappMessage": "whatsapp"}
SCHEDULE_FIELDS = ("name", "secondsToWait", "timezone", "start", "end", "weekdays", "public")
CREATE_FIELDS = ("name", "timezone", "autoReview", "autoReviewConditions")
LEAD_FIELDS = ("email", "firstName", "lastName", "companyName", "jobTitle", "linkedinUrl",
               "picture", "phone", "companyDomain", "icebreaker", "timezone", "contactOwner")

# Demo team. Fixed ids, so that campaign files in the repo can name real senders in every
# sandbox, and so that the update page's request example (which names usr_2aBCdEfGHiJkLmNOp and
# usr_7xYzAbCdEfGhIjKlM) is accepted as it stands and answered with the page's own `sendUsers`.
DEMO_USERS: tuple[dict[str, Any], ...] = (
    {"_id": "usr_2aBCdEfGHiJkLmNOp", "name": "John Doe", "email": "john@acme.com",
     "role": "admin", "mailbox": "smb_1aBcDeFgHiJkLmNoP", "linkedin": True,
     "phoneNumbers": ["+15551234567"], "whatsappAccountIds": ["wha_3xYzAbCdEfGhIjKlM"]},
    {"_id": "usr_7xYzAbCdEfGhIjKlM", "name": "Jane Doe", "email": "jane@acme.com",
     "role": "member", "mailbox": "smb_9zYxWvUtSrQpOnMlK", "linkedin": True,
     "phoneNumbers": [], "whatsappAccountIds": []},
    # Email only: a sender that cannot cover a LinkedIn step.
    {"_id": "usr_DemoEmailOnly0001", "name": "Carol Diaz", "email": "carol@acme.com",
     "role": "member", "mailbox": "smb_DemoMailboxCarol1", "linkedin": False,
     "phoneNumbers": [], "whatsappAccountIds": []},
)


class _Fail(Exception):
    """Abort the request with this response; raised before any write (validation first)."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(str(body))
        self.response = Response(status, body)


def _bad(message: str) -> _Fail:
    return _Fail(400, message)


@dataclass
class Ctx:
    """One authenticated request: the team's workspace in the store, the request, path params."""

    ws: str
    key: str
    req: Request
    params: dict[str, str]

    def body(self) -> dict[str, Any]:
        try:
            data = self.req.json()
        except BadJson as exc:
            raise _bad("Invalid JSON body") from exc
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise _bad("The request body must be a JSON object")
        return data


Route = Callable[[Ctx], Response]


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def js_date(ts: float) -> str:
    """`Date.prototype.toString()` in UTC, as lemlist sends `X-RateLimit-Reset`.

    Names come from tables, not strftime, which would follow the process locale."""
    t = time.gmtime(ts)
    return (f"{_DAYS[t.tm_wday]} {_MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} {t.tm_year} "
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT+0000 (Coordinated Universal Time)")


def iso_ms(ms: int) -> str:
    """An integer millisecond time as `2025-06-10T10:30:00.123Z` (exact, unlike float maths:
    two revisions one millisecond apart must never format alike)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


class Emulator:
    """lemlist's API at `/lemlist/api`, one demo team per API key."""

    prefix = "/lemlist/api"

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rate_limited = 0  # 429s sent, for the rate-limit measurements
        self._hits: dict[str, deque[float]] = {}
        self._rl_lock = threading.Lock()
        # Injectable clocks: the limiter runs on real time whatever `tick` does to simulated time.
        self.monotonic: Callable[[], float] = time.monotonic
        self.wall: Callable[[], float] = time.time
        self.router = Router()
        for method, pattern, route in self._routes():
            self.router.add(method, pattern, cast(Handler, route))

    # -- plumbing --------------------------------------------------------------------------

    def _routes(self) -> Iterable[tuple[str, str, Route]]:
        return (
            ("GET", "/team", self._get_team),
            ("GET", "/team/senders", self._get_senders),
            ("GET", "/users/{userId}", self._get_user),
            ("GET", "/campaigns", self._list_campaigns),
            ("POST", "/campaigns", self._create_campaign),
            ("GET", "/campaigns/{campaignId}", self._get_campaign),
            ("PATCH", "/campaigns/{campaignId}", self._patch_campaign),
            ("POST", "/campaigns/{campaignId}/start", self._start),
            ("POST", "/campaigns/{campaignId}/pause", self._pause),
            ("POST", "/campaigns/{campaignId}/duplicate", self._duplicate),
            ("GET", "/campaigns/{campaignId}/statutes", self._statutes),
            ("GET", "/campaigns/{campaignId}/sequences", self._sequences),
            ("POST", "/sequences/{sequenceId}/steps", self._add_step),
            ("PATCH", "/sequences/{sequenceId}/steps/{stepId}", self._patch_step),
            ("DELETE", "/sequences/{sequenceId}/steps/{stepId}", self._delete_step),
            ("POST", "/sequences/{sequenceId}/steps/{stepId}/ab-test", self._ab_create),
            ("GET", "/sequences/{sequenceId}/steps/{stepId}/ab-test", self._ab_get),
            ("PATCH", "/sequences/{sequenceId}/steps/{stepId}/ab-test", self._ab_patch),
            ("DELETE", "/sequences/{sequenceId}/steps/{stepId}/ab-test", self._ab_delete),
            ("POST", "/sequences/{sequenceId}/steps/{stepId}/ab-test/winner", self._ab_winner),
            ("GET", "/schedules", self._list_schedules),
            ("POST", "/schedules", self._create_schedule),
            ("GET", "/schedules/{scheduleId}", self._get_schedule),
            ("PATCH", "/schedules/{scheduleId}", self._patch_schedule),
            ("DELETE", "/schedules/{scheduleId}", self._delete_schedule),
            ("GET", "/campaigns/{campaignId}/schedules", self._campaign_schedules),
            ("POST", "/campaigns/{campaignId}/schedules/{scheduleId}", self._attach_schedule),
            ("GET", "/campaigns/{campaignId}/leads", self._list_leads),
            ("POST", "/campaigns/{campaignId}/leads", self._add_lead),
            ("PATCH", "/campaigns/{campaignId}/leads/{leadId}", self._patch_lead),
        )

    def handle(self, request: Request) -> Response:
        key, failure = self._auth(request)
        if failure is not None:
            return failure
        assert key is not None
        allowed, headers = self._rate(key)
        if not allowed:
            resp = Response(429, "Too many requests, please try again later.")
        else:
            resp = self._dispatch(key, request)
        resp.headers.update(headers)
        return resp

    def _dispatch(self, key: str, request: Request) -> Response:
        handler, params, exists = self.router.match(request.method, request.path)
        if handler is None:
            return Response(405, "Method not allowed") if exists else Response(404, "Not found")
        ws = "lemlist:" + hashlib.sha256(key.encode()).hexdigest()[:20]
        # Seeding commits on its own: a first request that fails must not roll the team back.
        with self.store.transaction():
            self._seed(ws)
        try:
            with self.store.transaction():
                return cast(Route, handler)(Ctx(ws, key, request, params))
        except _Fail as fail:  # raised before any write, so the rollback loses nothing
            return fail.response

    def _auth(self, req: Request) -> tuple[str | None, Response | None]:
        header = req.headers.get("Authorization")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "basic":
                return None, Response(401, "The authentication you supplied is incorrect")
            try:
                user, sep, password = base64.b64decode(token.strip(), validate=True).decode(
                    "utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None, Response(401, "The authentication you supplied is incorrect")
            # lemlist: "the login is always empty and the password is the API key".
            if not sep or user or not password:
                return None, Response(401, "The authentication you supplied is incorrect")
            return password, None
        token = req.arg("access_token")
        if token:
            return token, None
        # The OpenAPI file documents "No API key provided" as a 400 (GET/POST /campaigns,
        # GET /team, POST …/leads), not a 401.
        return None, Response(400, "No API key provided")

    def _rate(self, key: str) -> tuple[bool, dict[str, str]]:
        now = self.monotonic()
        with self._rl_lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - RATE_WINDOW:
                hits.popleft()
            allowed = len(hits) < RATE_LIMIT
            if allowed:
                hits.append(now)
            else:
                self.rate_limited += 1
            # The window frees a slot when its oldest request turns RATE_WINDOW old.
            reset_in = hits[0] + RATE_WINDOW - now if hits else RATE_WINDOW
            headers = {
                "X-RateLimit-Limit": str(RATE_LIMIT),
                "X-RateLimit-Remaining": str(RATE_LIMIT - len(hits)),
                "X-RateLimit-Reset": js_date(self.wall() + reset_in),
            }
            if not allowed:
                headers["Retry-After"] = str(max(1, math.ceil(reset_in)))
        return allowed, headers

    # -- simulated time --------------------------------------------------------------------

    def tick(self, seconds: float, *, advance: bool = True) -> dict[str, Any]:
        """Advance simulated time. Minimal: the clock moves; no sends are simulated yet."""
        if advance:  # False when the Sandbox has already moved the shared clock
            self.store.advance(seconds)
        return {"provider": "lemlist", "advanced": seconds, "events": 0}

    def events(self, workspace: str | None = None) -> list[dict[str, Any]]:
        return []

    # -- the team --------------------------------------------------------------------------

    def _seed(self, ws: str) -> None:
        if self.store.get(ws, "team", "team") is not None:
            return
        now = self.store.iso_now()
        team_id = prefixed_id("tea_")
        owner = DEMO_USERS[0]["_id"]
        self.store.put(ws, "team", "team", {
            "_id": team_id, "name": "Demo team", "userIds": [u["_id"] for u in DEMO_USERS],
            "createdBy": owner, "createdAt": now,
        })
        for user in DEMO_USERS:
            self.store.put(ws, "user", user["_id"], dict(user))
        for name, tz, start, end in (("Default schedule", "Europe/Paris", "09:00", "18:00"),
                                     ("US business hours", "America/New_York", "08:00", "17:00")):
            sid = prefixed_id("skd_")
            self.store.put(ws, "schedule", sid, {
                "_id": sid, "name": name, "secondsToWait": 1200, "timezone": tz, "start": start,
                "end": end, "weekdays": [1, 2, 3, 4, 5], "public": False, "teamId": team_id,
                "createdBy": owner, "createdAt": now,
            })
        # Docs silent on how a campaign gets a dynamic sender strategy or where it shows; the
        # demo team holds one such campaign so the documented 400 can be exercised.
        self._new_campaign(ws, "Inbound follow-up (contact owner)", "Europe/Paris", {},
                           status="draft", strategy="contactOwner")

    def _team(self, ws: str) -> dict[str, Any]:
        team = self.store.get(ws, "team", "team")
        assert team is not None
        return team

    def _owner(self, ws: str) -> dict[str, Any]:
        user = self.store.get(ws, "user", DEMO_USERS[0]["_id"])
        assert user is not None
        return user

    @staticmethod
    def _channels_of_user(user: dict[str, Any]) -> set[str]:
        out = set()
        if user.get("mailbox"):
            out.add("email")
        if user.get("linkedin"):
            out.add("linkedin")
        if user.get("phoneNumbers"):
            out.add("sms")
        if user.get("whatsappAccountIds"):
            out.add("whatsapp")
        return out

    @staticmethod
    def _user_public(user: dict[str, Any]) -> dict[str, Any]:
        return {
            "_id": user["_id"], "email": user["email"], "role": user["role"],
            "linkedIn": {"linkedinUrl": f"https://www.linkedin.com/in/{user['_id'][4:].lower()}",
                         "status": bool(user["linkedin"]), "inviteLimit": 25, "sendLimit": 33,
                         "visitLimit": 36},
            "mailboxes": [{"_id": user["mailbox"], "email": user["email"], "provider": "google",
                           "status": "CONNECTED", "lemlist": {"emailLimit": 50},
                           "lemwarm": {"active": False}}],
        }

    def _get_team(self, c: Ctx) -> Response:
        team = dict(self._team(c.ws))
        if c.req.arg("version") == "v2":
            team["users"] = [
                {"userId": u["_id"], "name": u["name"], "email": u["email"], "role": u["role"]}
                for u in self.store.list(c.ws, "user")
            ]
        return Response(200, team)

    def _get_senders(self, c: Ctx) -> Response:
        state = c.req.arg("state")
        if state is not None and state not in ("running", "paused", "draft", "ended",
                                               "archived", "errors"):
            raise _bad("Bad params (invalid state parameter)")
        campaigns = [x for x in self.store.list(c.ws, "campaign")
                     if state is None or self._has_status(c.ws, x, state)]
        out = []
        for user in self.store.list(c.ws, "user"):
            mine = [{"_id": x["_id"], "name": x["name"], "status": x["status"],
                     "sendingChannels": sorted({s["type"] for s in self._steps(c.ws, x)})}
                    for x in campaigns if user["_id"] in x["sendUserIds"]]
            if mine:
                out.append({"userId": user["_id"], "campaigns": mine})
        return Response(200, out)

    def _get_user(self, c: Ctx) -> Response:
        user = self.store.get(c.ws, "user", c.params["userId"])
        if user is None:
            # Docs silent on this route's 404; lemlist's wording elsewhere.
            raise _Fail(404, "User not found")
        return Response(200, self._user_public(user))

    # -- campaigns -------------------------------------------------------------------------

    def _campaign(self, c: Ctx, cid: str | None = None) -> dict[str, Any]:
        camp = self.store.get(c.ws, "campaign", cid or c.params["campaignId"])
        if camp is None:
            raise _Fail(404, "Campaign not found")
        return camp

    def _new_campaign(self, ws: str, name: str, tz: str, settings: dict[str, Any], *,
                      status: str = "running", strategy: str | None = None) -> dict[str, Any]:
        now_ts = self.store.now()
        team, owner = self._team(ws), self._owner(ws)
        cid, seq_id, skd_id = prefixed_id("cam_"), prefixed_id("seq_"), prefixed_id("skd_")
        self.store.put(ws, "sequence", seq_id, {
            "_id": seq_id, "campaignId": cid, "steps": [], "level": 0, "createdAt": iso(now_ts)})
        # Every new campaign gets its own default schedule in its timezone (the create example
        # returns one `scheduleIds` entry).
        self.store.put(ws, "schedule", skd_id, {
            "_id": skd_id, "name": "Default schedule", "secondsToWait": 1200, "timezone": tz,
            "start": "09:00", "end": "18:00", "weekdays": [1, 2, 3, 4, 5], "public": False,
            "teamId": team["_id"], "createdBy": owner["_id"], "createdAt": iso(now_ts)})
        camp: dict[str, Any] = {
            "_id": cid, "name": name, "labels": [], "createdAt": iso(now_ts),
            "createdBy": owner["_id"], "status": status, "sequenceId": seq_id,
            "scheduleIds": [skd_id], "timezone": tz, "teamId": team["_id"],
            "senderStrategy": strategy, "sendUserIds": [],
            "flags": dict(FLAG_DEFAULTS), "sections": _section_defaults(),
            "autoReview": False, "autoReviewConditions": [], "updatedMs": int(now_ts * 1000),
        }
        camp["flags"].update({k: v for k, v in settings.items() if k in FLAGS})
        for key in ("autoReview", "autoReviewConditions"):
            if key in settings:
                camp[key] = settings[key]
        self.store.put(ws, "campaign", cid, camp)
        return camp

    def _touch(self, ws: str, camp: dict[str, Any]) -> None:
        """Bump the campaign's revision: strictly increasing, even within one millisecond, so
        a client comparing `updatedAt` always sees a write."""
        camp["updatedMs"] = max(int(self.store.now() * 1000), int(camp["updatedMs"]) + 1)
        self.store.put(ws, "campaign", camp["_id"], camp)

    def _touch_id(self, ws: str, cid: str) -> None:
        camp = self.store.get(ws, "campaign", cid)
        if camp is not None:
            self._touch(ws, camp)

    def _errors(self, ws: str, camp: dict[str, Any]) -> list[str]:
        # The list example's `errors` wording; only what the emulator can know.
        return [] if camp["sendUserIds"] or camp["senderStrategy"] else [
            "Your campaign does not have sender."]

    def _has_status(self, ws: str, camp: dict[str, Any], status: str) -> bool:
        # "a campaign can be in multiple statuses at one time (e.g., a paused campaign with
        # errors)": `errors` is a flag on top of the lifecycle status.
        return camp["status"] == status or (status == "errors" and bool(self._errors(ws, camp)))

    def _senders(self, ws: str, camp: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for uid in camp["sendUserIds"]:
            user = self.store.get(ws, "user", uid)
            if user is not None:
                out.append({"id": uid, "email": user["email"],
                            "sendUserMailboxId": user["mailbox"]})
        return out

    def _campaign_light(self, ws: str, camp: dict[str, Any]) -> dict[str, Any]:
        owner = self.store.get(ws, "user", camp["createdBy"]) or {}
        errors = self._errors(ws, camp)
        out = {
            "_id": camp["_id"], "name": camp["name"], "labels": camp["labels"],
            "createdAt": camp["createdAt"], "createdBy": camp["createdBy"],
            "status": camp["status"], "sequenceId": camp["sequenceId"],
            "scheduleIds": list(camp["scheduleIds"]), "timezone": camp["timezone"],
            "teamId": camp["teamId"], "hasError": bool(errors),
            "creator": {"userId": camp["createdBy"], "userEmail": owner.get("email", "")},
            "senders": self._senders(ws, camp),
            # Not in the docs' Campaign object: the revision clients use to detect drift.
            "updatedAt": iso_ms(int(camp["updatedMs"])),
        }
        if errors:
            out["errors"] = errors
        return out

    def _campaign_full(self, ws: str, camp: dict[str, Any]) -> dict[str, Any]:
        """GET /campaigns/{id}: the documented Campaign object plus every setting the update
        page takes (docs silent on reading them back; the create response shows
        `stopOnEmailReplied` at top level, so settings read back flat, as they are written)."""
        out = self._campaign_light(ws, camp)
        out.update({f: camp["flags"][f] for f in FLAGS})
        if camp.get("stopOnLinkClickedFilter") is not None:
            out["stopOnLinkClickedFilter"] = camp["stopOnLinkClickedFilter"]
        out["autoReview"] = camp["autoReview"]
        out["autoReviewConditions"] = list(camp["autoReviewConditions"])
        out.update(_copy(camp["sections"]))
        # Docs silent on where the sender strategy shows; `null` means fixed senders.
        out["senderStrategy"] = camp["senderStrategy"]
        return out

    def _list_campaigns(self, c: Ctx) -> Response:
        status = c.req.arg("status")
        created_by = c.req.arg("createdBy")
        items = [x for x in self.store.list(c.ws, "campaign")
                 if (status is None or self._has_status(c.ws, x, status))
                 and (created_by is None or x["createdBy"] == created_by)]
        if c.req.arg("sortBy", "createdAt") != "createdAt":
            raise _bad("sortBy must be createdAt")
        items.sort(key=lambda x: x["createdAt"], reverse=c.req.arg("sortOrder") == "desc")
        limit, offset = _paging(c.req, default_limit=100, max_limit=100)
        page = [self._campaign_light(c.ws, x) for x in items[offset:offset + limit]]
        # The OpenAPI file documents a bare array; clients report that `version=v2` answers
        # `{campaigns, pagination}` (providers.md). So: the envelope only when asked for v2.
        if c.req.arg("version") != "v2":
            return Response(200, page)
        return Response(200, {"campaigns": page,
                              "pagination": _pagination(len(items), offset, limit)})

    def _create_campaign(self, c: Ctx) -> Response:
        body = c.body()
        _no_unknown(body, CREATE_FIELDS)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _bad("name is required")
        tz = body.get("timezone", "Europe/Paris")
        _check_timezone(tz)
        settings: dict[str, Any] = {}
        if "autoReview" in body:
            settings["autoReview"] = _want_bool(body, "autoReview")
        if "autoReviewConditions" in body:
            settings["autoReviewConditions"] = _review_conditions(body["autoReviewConditions"])
        camp = self._new_campaign(c.ws, name, tz, settings)
        # The create example's shape; `state` (not `status`) is what that example shows.
        return Response(200, {
            "_id": camp["_id"], "sequenceId": camp["sequenceId"],
            "scheduleIds": list(camp["scheduleIds"]), "teamId": camp["teamId"],
            "createdBy": camp["createdBy"], "createdAt": camp["createdAt"],
            "state": camp["status"], "scannedCount": 0, "reviewedCount": 0,
            "inSequenceLeadCount": 0, "variableKeys": [], "senders": [], "sendUsers": [],
            "displayedVariableKeys": [], "stopOnEmailReplied": camp["flags"]["stopOnEmailReplied"],
            "crmOpportunitiesOnTask": False, "unsubscribe": "campaign", "name": camp["name"],
        })

    def _get_campaign(self, c: Ctx) -> Response:
        return Response(200, self._campaign_full(c.ws, self._campaign(c)))

    def _patch_campaign(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        body = c.body()
        if "timezone" in body:
            # providers.md: the update "cannot change timezone or schedule". Docs silent on
            # whether it is ignored or refused; refusing makes a client bug visible.
            raise _bad("timezone cannot be updated: it is set when the campaign is created")
        allowed = ("name", *FLAGS, "stopOnLinkClickedFilter", "sendUserIds", "autoReview",
                   "autoReviewConditions", *SECTIONS)
        _no_unknown(body, allowed)
        # Validate everything first: a 400 must leave the campaign untouched.
        if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
            raise _bad("name must be a non-empty string")
        for flag in (*FLAGS, "autoReview"):
            if flag in body:
                _want_bool(body, flag)
        if "stopOnLinkClickedFilter" in body and not isinstance(body["stopOnLinkClickedFilter"],
                                                                str):
            raise _bad("stopOnLinkClickedFilter must be a string")
        conditions = (_review_conditions(body["autoReviewConditions"])
                      if "autoReviewConditions" in body else None)
        for section, spec in SECTIONS.items():
            if section in body:
                _check_section(section, body[section], spec)
        send_users = self._check_senders(c.ws, camp, body["sendUserIds"]) \
            if "sendUserIds" in body else None

        if "name" in body:
            camp["name"] = body["name"]
        for flag in FLAGS:
            if flag in body:
                camp["flags"][flag] = body[flag]
                _sync_from_flag(camp, flag)
        if "stopOnLinkClickedFilter" in body:
            camp["stopOnLinkClickedFilter"] = body["stopOnLinkClickedFilter"]
        if "autoReview" in body:
            camp["autoReview"] = body["autoReview"]
        if conditions is not None:
            camp["autoReviewConditions"] = conditions
        # Sections are applied after the flat flags, so when a request sends both and they
        # disagree, the preferred (structured) form wins. Docs silent.
        for section in SECTIONS:
            if section in body:
                _merge(camp["sections"][section], body[section])
                _sync_from_section(camp, section, body[section])
        if send_users is not None:
            camp["sendUserIds"] = [u["id"] for u in send_users]
        self._touch(c.ws, camp)

        out: dict[str, Any] = {"name": camp["name"], **{f: camp["flags"][f] for f in FLAGS}}
        if camp.get("stopOnLinkClickedFilter") is not None:
            out["stopOnLinkClickedFilter"] = camp["stopOnLinkClickedFilter"]
        if send_users is not None:  # "Only present when sendUserIds was provided"
            out["sendUsers"] = send_users
        return Response(200, out)

    def _check_senders(self, ws: str, camp: dict[str, Any], ids: Any) -> list[dict[str, Any]]:
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise _bad("sendUserIds must be an array of user ids")
        if camp["senderStrategy"] in DYNAMIC_STRATEGIES:
            raise _bad("Cannot update senders on campaigns with a dynamic sender strategy "
                       "(contactOwner, leadImporter, customField)")
        users = [u for u in (self.store.get(ws, "user", i) for i in dict.fromkeys(ids)) if u]
        if ids and not users:
            raise _bad("None of the provided sender IDs are members of this team")
        needed = self._campaign_channels(ws, camp)
        # "senders without capabilities for at least one channel are excluded, and all
        # channels must be covered by at least one sender."
        capable = [u for u in users if not needed or self._channels_of_user(u) & needed]
        if users and not capable:
            raise _bad("None of the provided senders have the required capabilities for this "
                       "campaign")
        covered = set().union(*(self._channels_of_user(u) for u in capable)) if capable else set()
        missing = [ch for ch in ("email", "linkedin", "sms", "whatsapp")
                   if ch in needed and ch not in covered]
        if capable and missing:
            raise _bad("The provided senders do not cover the following campaign channels: "
                       + ", ".join(missing))
        return [{"id": u["_id"],
                 "mailboxes": [{"sendUserMailboxId": u["mailbox"], "email": u["email"]}],
                 "phoneNumbers": list(u["phoneNumbers"]),
                 "whatsappAccountIds": list(u["whatsappAccountIds"])} for u in capable]

    def _campaign_channels(self, ws: str, camp: dict[str, Any]) -> set[str]:
        out = set()
        for step in self._steps(ws, camp):
            t = step["type"]
            if t in CHANNEL_OF:
                out.add(CHANNEL_OF[t])
            elif t.startswith("linkedin"):
                out.add("linkedin")
        return out

    def _start(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        if camp["status"] == "archived":
            raise _bad("You can't start an archived campaign")
        # "Starts or resumes a paused campaign"; nothing to do when already running.
        if camp["status"] != "running":
            camp["status"] = "running"
            self._touch(c.ws, camp)
        return Response(200, {"_id": camp["_id"], "state": camp["status"]})

    def _pause(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        # Pausing does nothing unless the campaign is running.
        if camp["status"] == "running":
            camp["status"] = "paused"
            self._touch(c.ws, camp)
        return Response(200, {"_id": camp["_id"], "state": camp["status"]})

    def _duplicate(self, c: Ctx) -> Response:
        src = self._campaign(c)
        body = c.body()
        _no_unknown(body, ("name",))
        name = body.get("name", src["name"] + " Copy")
        if not isinstance(name, str) or not name.strip():
            raise _bad("name must be a non-empty string")
        camp = self._new_campaign(c.ws, name, src["timezone"], {}, status="draft",
                                  strategy=src["senderStrategy"])
        for key in ("flags", "sections", "autoReview", "autoReviewConditions", "sendUserIds",
                    "stopOnLinkClickedFilter", "labels"):
            if key in src:
                camp[key] = _copy(src[key])
        seq = self._sequence(c.ws, camp["sequenceId"])
        seq["steps"] = [dict(_copy(s), _id=prefixed_id("stp_"), emailTemplateId=prefixed_id("etp_"))
                        for s in self._steps(c.ws, src)]
        self.store.put(c.ws, "sequence", seq["_id"], seq)
        self.store.put(c.ws, "campaign", camp["_id"], camp)
        light = self._campaign_light(c.ws, camp)
        return Response(200, {k: light[k] for k in (
            "_id", "name", "sequenceId", "labels", "createdAt", "createdBy", "status",
            "senders", "hasError")} | {"archived": False, "errors": self._errors(c.ws, camp)})

    def _statutes(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        statutes = []
        if not camp["sendUserIds"] and not camp["senderStrategy"]:
            statutes.append({"type": "issue", "level": 3,
                             "message": "No senders configured on this campaign."})
        if not self._steps(c.ws, camp):
            statutes.append({"type": "issue", "level": 3, "category": "steps",
                             "message": "This campaign has no steps."})
        if not camp["scheduleIds"]:
            statutes.append({"type": "issue", "level": 3, "category": "schedule",
                             "message": "No schedule is attached to this campaign."})
        return Response(200, {"name": camp["name"], "status": camp["status"],
                              "statutes": statutes})

    # -- sequences and steps ---------------------------------------------------------------

    def _sequence(self, ws: str, seq_id: str) -> dict[str, Any]:
        seq = self.store.get(ws, "sequence", seq_id)
        if seq is None:
            raise _Fail(404, "Sequence not found")
        return seq

    def _steps(self, ws: str, camp: dict[str, Any]) -> list[dict[str, Any]]:
        seq = self.store.get(ws, "sequence", camp["sequenceId"])
        return list(seq["steps"]) if seq else []

    @staticmethod
    def _step_public(seq_id: str, pos: int, step: dict[str, Any]) -> dict[str, Any]:
        out = {k: _copy(v) for k, v in step.items() if k != "variantB"}
        # The sequences example numbers `index` from 1 and `sequenceStep` from 0.
        out.update(index=pos + 1, sequenceId=seq_id, sequenceStep=pos)
        if step.get("variantB") is not None:
            out["emailTemplateBId"] = step["variantB"]["emailTemplateBId"]
        return out

    def _sequences(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        seq = self.store.get(c.ws, "sequence", camp["sequenceId"])
        if seq is None:
            raise _bad("Campaign has no sequence")
        return Response(200, {seq["_id"]: {
            "_id": seq["_id"], "level": 0,
            "steps": [self._step_public(seq["_id"], i, s) for i, s in enumerate(seq["steps"])],
        }})

    def _seq_campaign(self, c: Ctx) -> tuple[dict[str, Any], dict[str, Any]]:
        seq = self._sequence(c.ws, c.params["sequenceId"])
        camp = self.store.get(c.ws, "campaign", seq["campaignId"])
        if camp is None:
            raise _Fail(404, "Sequence not found")
        return seq, camp

    @staticmethod
    def _find_step(seq: dict[str, Any], step_id: str) -> int:
        for i, s in enumerate(seq["steps"]):
            if s["_id"] == step_id:
                return i
        raise _Fail(404, "Step not found")

    def _check_step_fields(self, ws: str, body: dict[str, Any]) -> None:
        for key, kind in STEP_FIELDS.items():
            if key not in body:
                continue
            v = body[key]
            if kind == "str" and not isinstance(v, str):
                raise _bad(f"{key} must be a string")
            if kind == "bool" and not isinstance(v, bool):
                raise _bad(f"{key} must be a boolean")
            if kind == "method" and v not in API_METHODS:
                raise _bad("method must be one of " + ", ".join(API_METHODS))
            if kind == "url" and not (isinstance(v, str) and re.match(r"^https?://", v)):
                raise _bad("url must start with http:// or https://")
            if kind == "condition" and v not in CONDITION_KEYS:
                raise _bad(f"Invalid conditionKey {v!r}")
            if kind == "delayType" and v not in ("within", "waitUntil"):
                raise _bad("delayType must be within or waitUntil")
            if kind == "recordMode" and v not in ("manual", "ai"):
                raise _bad("recordMode must be manual or ai")
            if kind == "media" and not (isinstance(v, list) and all(
                    isinstance(u, str) and u.startswith("https://") for u in v)):
                raise _bad(f"{key} must be an array of public HTTPS URLs")
            if kind == "campaign":
                target = self.store.get(ws, "campaign", v) if isinstance(v, str) else None
                if target is None:
                    raise _bad("The target campaign does not exist")
                if target["status"] == "archived":
                    raise _bad("The target campaign is archived")
        media = len(body.get("images") or []) + len(body.get("videos") or [])
        if media > 6:
            raise _bad("A step can carry at most 6 images and videos combined")
        if "delay" in body:
            d = body["delay"]
            if not isinstance(d, int) or isinstance(d, bool) or d < 0:
                raise _bad("delay must be a whole number of days (>= 0)")

    @staticmethod
    def _check_step_required(step: dict[str, Any]) -> None:
        stype = step["type"]
        if stype == "email" and not step.get("subject"):
            raise _bad("subject is required for email steps")
        if stype in ("linkedinSend", "whatsappMessage", "sms") and not step.get("message"):
            raise _bad(f"message is required for {stype} steps")
        if stype == "api" and not step.get("url"):
            raise _bad("url is required for api steps")
        if stype == "conditional" and not step.get("conditionKey"):
            raise _bad("conditionKey is required for conditional steps")
        if stype == "sendToAnotherCampaign" and not step.get("campaignId"):
            raise _bad("campaignId is required for sendToAnotherCampaign steps")

    @staticmethod
    def _step_response(step: dict[str, Any]) -> dict[str, Any]:
        # The doc's shape ({_id, type, delay, emailTemplateId, message}) plus whichever other
        # fields the step carries.
        return {k: _copy(v) for k, v in step.items() if k != "variantB"}

    def _add_step(self, c: Ctx) -> Response:
        seq, camp = self._seq_campaign(c)
        body = c.body()
        _no_unknown(body, ("type", "index", "delay", *STEP_FIELDS))
        stype = body.get("type")
        if stype not in STEP_TYPES:
            raise _bad(f"Invalid step type {stype!r}" if stype is not None else "type is required")
        self._check_step_fields(c.ws, body)
        index = body.get("index")
        if index is not None and (not isinstance(index, int) or isinstance(index, bool)
                                  or index < -1):
            raise _bad("index must be an integer >= -1")
        steps = seq["steps"]
        # Docs: "If omitted or greater than the number of steps, the new step is added to the
        # end". Docs silent on -1 and on the base: -1 appends, 0 inserts first.
        pos = len(steps) if index is None or index == -1 or index > len(steps) else index
        step: dict[str, Any] = {"_id": prefixed_id("stp_"), "type": stype,
                                "delay": body.get("delay", 0 if pos == 0 else 1),
                                "emailTemplateId": prefixed_id("etp_")}
        step.update({k: _copy(body[k]) for k in STEP_FIELDS if k in body})
        self._check_step_required(step)
        steps.insert(pos, step)
        self.store.put(c.ws, "sequence", seq["_id"], seq)
        self._touch(c.ws, camp)
        return Response(200, self._step_response(step))

    def _patch_step(self, c: Ctx) -> Response:
        seq, camp = self._seq_campaign(c)
        pos = self._find_step(seq, c.params["stepId"])
        step = seq["steps"][pos]
        body = c.body()
        _no_unknown(body, ("type", "delay", *STEP_FIELDS))
        if "type" not in body:
            raise _bad("type is required")
        if body["type"] != step["type"]:
            raise _bad(f"The step type cannot be changed (it is {step['type']}); delete the step "
                       f"and add a new one")
        self._check_step_fields(c.ws, body)
        updated = dict(step)
        updated.update({k: _copy(body[k]) for k in ("delay", *STEP_FIELDS) if k in body})
        self._check_step_required(updated)
        seq["steps"][pos] = updated
        self.store.put(c.ws, "sequence", seq["_id"], seq)
        self._touch(c.ws, camp)
        return Response(200, self._step_response(updated))

    def _delete_step(self, c: Ctx) -> Response:
        seq, camp = self._seq_campaign(c)
        pos = self._find_step(seq, c.params["stepId"])
        if camp["status"] == "running":
            raise _bad("You cannot delete this step because the campaign is running")
        del seq["steps"][pos]
        self.store.put(c.ws, "sequence", seq["_id"], seq)
        self._touch(c.ws, camp)
        return Response(200, {"ok": True})

    # -- A/B tests (variant B of an email step) --------------------------------------------

    def _ab_step(self, c: Ctx) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        seq, camp = self._seq_campaign(c)
        return seq, camp, seq["steps"][self._find_step(seq, c.params["stepId"])]

    @staticmethod
    def _ab_public(step: dict[str, Any]) -> dict[str, Any]:
        v = step["variantB"]
        out = {"stepId": step["_id"], "abTest": step["abTest"],
               "emailTemplateBId": v["emailTemplateBId"], "subject": v["subject"],
               "message": v["message"]}
        out.update({k: _copy(v[k]) for k in ("altMessage", "cc", "plainText") if k in v})
        return out

    def _ab_save(self, c: Ctx, seq: dict[str, Any], camp: dict[str, Any]) -> None:
        self.store.put(c.ws, "sequence", seq["_id"], seq)
        self._touch(c.ws, camp)

    def _ab_create(self, c: Ctx) -> Response:
        seq, camp, step = self._ab_step(c)
        if step["type"] != "email":
            raise _bad("A/B tests exist only on email steps")
        if step.get("variantB") is not None:
            raise _bad("A/B test already exists on this step")
        if camp["status"] == "running":
            raise _bad("You cannot create an A/B test while the campaign is running")
        # "prefilled from variant A, and starts the test"
        step["variantB"] = {"emailTemplateBId": prefixed_id("etp_"),
                            "subject": step.get("subject", ""), "message": step.get("message", "")}
        step["abTest"] = True
        self._ab_save(c, seq, camp)
        return Response(200, self._ab_public(step))

    def _ab_get(self, c: Ctx) -> Response:
        _, _, step = self._ab_step(c)
        if step.get("variantB") is None:
            raise _Fail(404, "No A/B test variant on this step")
        return Response(200, self._ab_public(step))

    def _ab_patch(self, c: Ctx) -> Response:
        seq, camp, step = self._ab_step(c)
        if step.get("variantB") is None:
            raise _Fail(404, "No A/B test variant on this step")
        body = c.body()
        _no_unknown(body, ("subject", "message", "altMessage", "cc", "plainText"))
        for key in ("subject", "message", "altMessage"):
            if key in body and not isinstance(body[key], str):
                raise _bad(f"{key} must be a string")
        if len(body.get("subject") or "") > 400:
            raise _bad("subject must be at most 400 characters")
        if "cc" in body and not (isinstance(body["cc"], list)
                                 and all(isinstance(x, str) for x in body["cc"])):
            raise _bad("cc must be an array of strings")
        if "plainText" in body:
            _want_bool(body, "plainText")
        step["variantB"].update(_copy(body))
        self._ab_save(c, seq, camp)
        return Response(200, self._ab_public(step))

    def _ab_delete(self, c: Ctx) -> Response:
        seq, camp, step = self._ab_step(c)
        if step.get("variantB") is None:
            raise _Fail(404, "No A/B test variant on this step")
        # The OpenAPI file documents this 400 for DELETE …/ab-test.
        if camp["status"] == "running":
            raise _bad("You cannot edit this step because the campaign is running")
        step.pop("variantB")
        step.pop("abTest", None)
        self._ab_save(c, seq, camp)
        return Response(200, {"ok": True})

    def _ab_winner(self, c: Ctx) -> Response:
        seq, camp, step = self._ab_step(c)
        if step.get("variantB") is None:
            raise _Fail(404, "No A/B test variant on this step")
        variant = c.body().get("variant")
        if variant not in ("A", "B"):
            raise _bad("variant must be A or B")
        if step.get("abTest") in ("A", "B"):
            raise _bad("A winning variant has already been selected for this step")
        step["abTest"] = variant
        self._ab_save(c, seq, camp)
        return Response(200, {"stepId": step["_id"], "abTest": variant})

    # -- schedules -------------------------------------------------------------------------

    def _schedule(self, c: Ctx, json_404: bool = False) -> dict[str, Any]:
        sched = self.store.get(c.ws, "schedule", c.params["scheduleId"])
        if sched is None or sched.get("deletedAt"):
            # The PATCH route documents a JSON 404, the others a text one.
            raise _Fail(404, {"error": "Schedule not found"} if json_404 else "Schedule not found")
        return sched

    @staticmethod
    def _check_schedule(body: dict[str, Any], *, create: bool) -> None:
        def bad(message: str) -> _Fail:
            # POST/PATCH /schedules document JSON 400 bodies.
            return _Fail(400, {"error": "BadRequest", "message": message})

        unknown = [k for k in body if k not in SCHEDULE_FIELDS]
        if unknown:
            raise bad(f"Unknown schedule field {unknown[0]!r}")
        if create:
            missing = [k for k in ("name", "timezone", "start", "end", "weekdays")
                       if k not in body]
            if missing:
                raise bad("Missing required fields: " + ", ".join(missing))
        if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
            raise bad("name must be a non-empty string")
        if "timezone" in body:
            tz = body["timezone"]
            if not isinstance(tz, str) or tz not in _zones():
                raise bad(f"Invalid timezone {tz!r}")
        for key in ("start", "end"):
            if key in body and not (isinstance(body[key], str) and HHMM.match(body[key])):
                raise bad(f"{key} must be HH:mm")
        if "weekdays" in body:
            wd = body["weekdays"]
            # Docs' own example repeats a day ([1, 2, 3, 2, 5]), so duplicates are accepted.
            if not isinstance(wd, list) or not all(
                    isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 7 for d in wd):
                raise bad("weekdays must be an array of integers from 1 (Monday) to 7 (Sunday)")
        if "secondsToWait" in body:
            s = body["secondsToWait"]
            if not isinstance(s, int) or isinstance(s, bool) or s < 0:
                raise bad("secondsToWait must be an integer >= 0")
        if "public" in body and not isinstance(body["public"], bool):
            raise bad("public must be a boolean")

    @staticmethod
    def _check_hours(sched: dict[str, Any]) -> None:
        # Docs silent on start >= end; a window that ends before it starts never sends.
        if sched["end"] <= sched["start"]:
            raise _Fail(400, {"error": "BadRequest", "message": "end must be after start"})

    def _list_schedules(self, c: Ctx) -> Response:
        items = [s for s in self.store.list(c.ws, "schedule") if not s.get("deletedAt")]
        items.sort(key=lambda s: s["createdAt"], reverse=c.req.arg("sortOrder") == "desc")
        limit, offset = _paging(c.req, default_limit=100, max_limit=100)
        return Response(200, {"schedules": items[offset:offset + limit],
                              "pagination": _pagination(len(items), offset, limit)})

    def _create_schedule(self, c: Ctx) -> Response:
        body = c.body()
        self._check_schedule(body, create=True)
        sched = {"_id": prefixed_id("skd_"), "secondsToWait": 1200, "public": False,
                 **_copy(body), "teamId": self._team(c.ws)["_id"],
                 "createdBy": self._owner(c.ws)["_id"], "createdAt": self.store.iso_now()}
        self._check_hours(sched)
        self.store.put(c.ws, "schedule", sched["_id"], sched)
        return Response(200, sched)

    def _get_schedule(self, c: Ctx) -> Response:
        return Response(200, self._schedule(c))

    def _patch_schedule(self, c: Ctx) -> Response:
        sched = self._schedule(c, json_404=True)
        body = c.body()
        self._check_schedule(body, create=False)
        updated = {**sched, **_copy(body)}
        self._check_hours(updated)
        self.store.put(c.ws, "schedule", updated["_id"], updated)
        self._touch_users_of(c.ws, updated["_id"])
        return Response(200, updated)

    def _delete_schedule(self, c: Ctx) -> Response:
        sched = self._schedule(c)
        # The Schedule object has `deletedAt`/`deletedBy`: deletion is soft. Docs silent on
        # campaigns using it; they lose it (and their revision moves).
        sched.update(deletedAt=self.store.iso_now(), deletedBy=self._owner(c.ws)["_id"])
        self.store.put(c.ws, "schedule", sched["_id"], sched)
        for camp in self.store.list(c.ws, "campaign"):
            if sched["_id"] in camp["scheduleIds"]:
                camp["scheduleIds"].remove(sched["_id"])
                self._touch(c.ws, camp)
        return Response(200, {"_id": sched["_id"]})

    def _touch_users_of(self, ws: str, schedule_id: str) -> None:
        for camp in self.store.list(ws, "campaign"):
            if schedule_id in camp["scheduleIds"]:
                self._touch(ws, camp)

    def _campaign_schedules(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        out = [s for s in (self.store.get(c.ws, "schedule", i) for i in camp["scheduleIds"])
               if s and not s.get("deletedAt")]
        return Response(200, out)

    def _attach_schedule(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        sched = self._schedule(c)
        # Docs silent on whether this adds or replaces: `scheduleIds` is a list, so it adds
        # (idempotently). Detaching is deleting the schedule.
        if sched["_id"] not in camp["scheduleIds"]:
            camp["scheduleIds"].append(sched["_id"])
            self._touch(c.ws, camp)
        return Response(200, {"scheduleId": sched["_id"], "campaignId": camp["_id"]})

    # -- campaign leads --------------------------------------------------------------------

    def _list_leads(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        state = c.req.arg("state")
        limit, _ = _paging(c.req, default_limit=100, max_limit=500)
        leads = [x for x in self.store.list(c.ws, "lead")
                 if x["campaignId"] == camp["_id"] and (state is None or x["state"] == state)]
        return Response(200, [{"_id": x["_id"], "contactId": x["contactId"], "state": x["state"]}
                              for x in leads[:limit]])

    def _add_lead(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        body = c.body()
        bad_vars = [k for k, v in body.items() if not isinstance(v, str)]
        if bad_vars:
            raise _bad(f"{bad_vars[0]} must be a string")
        email = (body.get("email") or "").strip().lower()
        if not email and not body.get("linkedinUrl"):
            raise _bad("email or linkedinUrl is required")
        existing = self.store.list(c.ws, "lead")
        if email and any(x["email"] == email and x["campaignId"] == camp["_id"]
                         for x in existing):
            raise _Fail(409, "Lead already in the campaign")
        if (email and c.req.arg("deduplicate") == "true"
                and any(x["email"] == email for x in existing)):
            raise _Fail(409, "Lead already exists in another campaign")
        # Docs silent on states after auto-review: reviewed when it applies to an unverified
        # email (the emulator verifies nothing), else scanned.
        auto = camp["autoReview"] and (not camp["autoReviewConditions"]
                                       or "unverified" in camp["autoReviewConditions"])
        lead = {"_id": prefixed_id("lea_"), "contactId": prefixed_id("ctc_"),
                "campaignId": camp["_id"], "email": email, "isPaused": False,
                "state": "reviewed" if auto else "scanned", "emailStatus": "unverified",
                "variables": {k: v for k, v in body.items() if k not in LEAD_FIELDS},
                **{k: body[k] for k in LEAD_FIELDS if k in body and k != "email"}}
        self.store.put(c.ws, "lead", lead["_id"], lead)
        return Response(200, self._lead_public(camp, lead))

    @staticmethod
    def _lead_public(camp: dict[str, Any], lead: dict[str, Any]) -> dict[str, Any]:
        out = {"campaignId": camp["_id"], "campaignName": camp["name"]}
        out.update({k: lead[k] for k in ("email", "firstName", "lastName", "companyName",
                                         "jobTitle", "companyDomain", "preferredContactMethod")
                    if lead.get(k)})
        out.update(_id=lead["_id"], isPaused=lead["isPaused"], contactId=lead["contactId"])
        out.update(lead["variables"])
        return out

    def _patch_lead(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        lead = self.store.get(c.ws, "lead", c.params["leadId"])
        if lead is None or lead["campaignId"] != camp["_id"]:
            raise _Fail(404, "Lead not found")
        body = c.body()
        bad_vars = [k for k, v in body.items() if not isinstance(v, str)]
        if bad_vars:
            raise _bad(f"{bad_vars[0]} must be a string")
        if body.get("preferredContactMethod", "email") not in ("email", "linkedIn"):
            raise _bad("preferredContactMethod must be email or linkedIn")
        if "email" in body:
            raise _bad("email cannot be updated")
        for k, v in body.items():
            if k in LEAD_FIELDS or k == "preferredContactMethod":
                lead[k] = v
            else:
                lead["variables"][k] = v
        self.store.put(c.ws, "lead", lead["_id"], lead)
        out = self._lead_public(camp, lead)
        out["leadUrl"] = "https://api.lemlist.com/api/leads/" + lead["email"].replace("@", "%40")
        out["emailStatus"] = lead["emailStatus"]
        return Response(200, out)


# -- helpers ---------------------------------------------------------------------------------

def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _no_unknown(body: dict[str, Any], allowed: Iterable[str]) -> None:
    # Docs silent on unknown fields; refusing them turns a client's typo into an error instead
    # of a silently ignored setting.
    known = set(allowed)
    for key in body:
        if key not in known:
            raise _bad(f"Unknown parameter {key!r}")


def _want_bool(body: dict[str, Any], key: str) -> bool:
    if not isinstance(body[key], bool):
        raise _bad(f"{key} must be a boolean")
    return bool(body[key])


def _check_timezone(tz: Any) -> None:
    if not isinstance(tz, str) or tz not in _zones():
        raise _bad(f"Invalid timezone {tz!r}")


def _review_conditions(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise _bad("autoReviewConditions must be an array")
    for v in value:
        if v not in REVIEW_CONDITIONS:
            raise _bad(f"Invalid autoReviewConditions value {v!r}: expected one of "
                       + ", ".join(REVIEW_CONDITIONS))
    return list(dict.fromkeys(value))


def _check_section(name: str, value: Any, spec: dict[str, Any]) -> None:
    if not isinstance(value, dict):
        raise _bad(f"{name} must be an object")
    for key, v in value.items():
        kind = spec.get(key)
        where = f"{name}.{key}"
        if kind is None:
            raise _bad(f"Unknown parameter {where!r}")
        if isinstance(kind, dict):
            _check_section(where, v, kind)
        elif kind == _BOOL and not isinstance(v, bool):
            raise _bad(f"{where} must be a boolean")
        elif kind == _PROGRESS and v not in PROGRESS:
            raise _bad(f"{where} must be one of " + ", ".join(PROGRESS))
        elif kind == _LINKS and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            raise _bad(f"{where} must be an array of strings")


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    """Partial update: "omitted flags keep their current value", at every depth."""
    for key, v in patch.items():
        if isinstance(v, dict) and isinstance(target.get(key), dict):
            _merge(target[key], v)
        else:
            target[key] = _copy(v)


def _sync_from_flag(camp: dict[str, Any], flag: str) -> None:
    value = camp["flags"][flag]
    for f, section, key, how in TWINS:
        if f != flag:
            continue
        sec = camp["sections"][section]
        if how == "not":
            sec[key] = not value
        elif how == "same":
            sec[key] = value
        elif value:
            sec[key] = "stop"
        elif sec[key] == "stop":
            sec[key] = "continue"


def _sync_from_section(camp: dict[str, Any], section: str, patch: dict[str, Any]) -> None:
    for flag, sec_name, key, how in TWINS:
        if sec_name != section or key not in patch:
            continue
        v = patch[key]
        camp["flags"][flag] = (not v) if how == "not" else (v if how == "same" else v == "stop")


def _int_arg(req: Request, name: str) -> int | None:
    raw = req.arg(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError as exc:
        raise _bad(f"{name} must be an integer") from exc
    if value < 0:
        raise _bad(f"{name} must be >= 0")
    return value


def _paging(req: Request, *, default_limit: int, max_limit: int) -> tuple[int, int]:
    """`limit` (clamped to the documented maximum: docs silent on refusing larger values),
    then `page` (1-based) or `offset`."""
    limit = _int_arg(req, "limit")
    limit = default_limit if limit is None or limit == 0 else min(limit, max_limit)
    page = _int_arg(req, "page")
    offset = (page - 1) * limit if page else (_int_arg(req, "offset") or 0)
    return limit, offset


def _pagination(total: int, offset: int, limit: int) -> dict[str, Any]:
    total_pages = max(1, math.ceil(total / limit))
    current = offset // limit + 1
    # "nextPage: Next page number (null if on last page)".
    return {"totalRecords": total, "currentPage": current,
            "nextPage": current + 1 if offset + limit < total else None,
            "totalPage": total_pages}
