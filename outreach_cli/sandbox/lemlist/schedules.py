"""Routes for schedules: `/schedules/…` and a campaign's `/campaigns/{campaignId}/schedules`."""

from __future__ import annotations

from typing import Any

from ..store import prefixed_id
from ..web import Response
from .context import Ctx, Fail
from .jsonvalue import deep_copy
from .paging import pagination, paging
from .storage import Rows
from .validation import check_hours, check_schedule


class ScheduleRoutes(Rows):
    """/schedules/… and /campaigns/{campaignId}/schedules/…"""

    def _schedule(self, c: Ctx, json_404: bool = False) -> dict[str, Any]:
        sched = self.store.get(c.ws, "schedule", c.params["scheduleId"])
        if sched is None or sched.get("deletedAt"):
            # The PATCH route documents a JSON 404, the others a text one.
            raise Fail(404, {"error": "Schedule not found"} if json_404 else "Schedule not found")
        return sched

    def _list_schedules(self, c: Ctx) -> Response:
        items = [s for s in self.store.list(c.ws, "schedule") if not s.get("deletedAt")]
        # Ties (two made in one millisecond) keep the order they were made in, both ways.
        order = {id(s): n for n, s in enumerate(items)}
        items.sort(
            key=lambda s: (s["createdAt"], order[id(s)]), reverse=c.req.arg("sortOrder") == "desc"
        )
        limit, offset = paging(c.req, default_limit=100, max_limit=100)
        return Response(
            200,
            {
                "schedules": items[offset : offset + limit],
                "pagination": pagination(len(items), offset, limit),
            },
        )

    def _create_schedule(self, c: Ctx) -> Response:
        body = c.body()
        check_schedule(body, create=True)
        sched = {
            "_id": prefixed_id("skd_"),
            "secondsToWait": 1200,
            "public": False,
            **deep_copy(body),
            "teamId": self._team(c.ws)["_id"],
            "createdBy": self._owner(c.ws)["_id"],
            "createdAt": self.store.iso_now(),
        }
        check_hours(sched)
        self.store.put(c.ws, "schedule", sched["_id"], sched)
        return Response(200, sched)

    def _get_schedule(self, c: Ctx) -> Response:
        return Response(200, self._schedule(c))

    def _patch_schedule(self, c: Ctx) -> Response:
        sched = self._schedule(c, json_404=True)
        body = c.body()
        check_schedule(body, create=False)
        updated = {**sched, **deep_copy(body)}
        check_hours(updated)
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
        out = [
            s
            for s in (self.store.get(c.ws, "schedule", i) for i in camp["scheduleIds"])
            if s and not s.get("deletedAt")
        ]
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
