"""The Emulator: lemlist's route table, auth and dispatch (`/lemlist/api/…`).

The lemlist API emulator, written from lemlist's docs alone.

Sources: the Update Campaign page (shared/seeds/lemlist-update-campaign.txt), lemlist's OpenAPI
file (shared/reference/openapi/lemlist.json) and shared/reference/providers.md section 2. It
imports nothing from the client side of the package: agreement between the two is evidence.

Where the docs are silent, the choice made is written beside the code as "Docs silent:".

Auth, one team per key: HTTP Basic with an empty user and the key as password, or
`?access_token=KEY`; any non-empty key is valid and gets its own seeded demo team.
Rate limit: 20 requests per 2 seconds per key, a sliding window, when asked: see ratelimit.py.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from typing import cast

from ..store import Store
from ..web import Handler, Request, Response, Router
from .campaigns import CampaignRoutes
from .clock import SimulatedClock
from .context import Ctx, Fail, Route
from .leads import LeadRoutes
from .ratelimit import RateLimit
from .schedules import ScheduleRoutes
from .steps import StepRoutes
from .team import TeamRoutes


class Emulator(
    RateLimit, SimulatedClock, TeamRoutes, CampaignRoutes, StepRoutes, ScheduleRoutes, LeadRoutes
):
    """lemlist's API at `/lemlist/api`, one demo team per API key.

    The handlers live by resource: team.py, campaigns.py, steps.py, schedules.py, leads.py."""

    prefix = "/lemlist/api"

    def __init__(self, store: Store) -> None:
        self.store = store
        self._init_rate_limit()

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
        allowed, headers = self._rate(key) if self.enforce_rate_limit else (True, {})
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
        except Fail as fail:  # raised before any write, so the rollback loses nothing
            return fail.response

    def _auth(self, req: Request) -> tuple[str | None, Response | None]:
        header = req.headers.get("Authorization")
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "basic":
                return None, Response(401, "The authentication you supplied is incorrect")
            try:
                user, sep, password = (
                    base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
                )
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
