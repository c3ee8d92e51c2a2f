"""Routes for the team: `/team`, `/team/senders`, `/users/{userId}`."""

from __future__ import annotations

from ..web import Response
from .context import Ctx, Fail, bad
from .storage import Rows


class TeamRoutes(Rows):
    """GET /team, /team/senders and /users/{userId}."""

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
        if state is not None and state not in (
            "running",
            "paused",
            "draft",
            "ended",
            "archived",
            "errors",
        ):
            raise bad("Bad params (invalid state parameter)")
        campaigns = [
            x
            for x in self.store.list(c.ws, "campaign")
            if state is None or self._has_status(c.ws, x, state)
        ]
        out = []
        for user in self.store.list(c.ws, "user"):
            mine = [
                {
                    "_id": x["_id"],
                    "name": x["name"],
                    "status": x["status"],
                    "sendingChannels": sorted({s["type"] for s in self._steps(c.ws, x)}),
                }
                for x in campaigns
                if user["_id"] in x["sendUserIds"]
            ]
            if mine:
                out.append({"userId": user["_id"], "campaigns": mine})
        return Response(200, out)

    def _get_user(self, c: Ctx) -> Response:
        user = self.store.get(c.ws, "user", c.params["userId"])
        if user is None:
            # Docs silent on this route's 404; lemlist's wording elsewhere.
            raise Fail(404, "User not found")
        return Response(200, self._user_public(user))
