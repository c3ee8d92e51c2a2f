"""Routes for campaigns: list, create, read, update (settings and senders), start, pause, copy."""

from __future__ import annotations

from typing import Any

from ..store import prefixed_id
from ..web import Response
from .context import Ctx, bad
from .jsonvalue import deep_copy
from .paging import pagination, paging
from .settings import FLAGS, SECTIONS, merge, sync_from_flag, sync_from_section
from .storage import Rows
from .validation import (
    CREATE_FIELDS,
    check_section,
    check_timezone,
    no_unknown,
    review_conditions,
    want_bool,
)

DYNAMIC_STRATEGIES = ("contactOwner", "leadImporter", "customField")
# Sending channel each step type needs a sender for (sendUserIds validation).
CHANNEL_OF = {"email": "email", "sms": "sms", "whatsappMessage": "whatsapp"}


class CampaignRoutes(Rows):
    """/campaigns and /campaigns/{campaignId}: everything but its steps, schedules and leads."""

    def _list_campaigns(self, c: Ctx) -> Response:
        status = c.req.arg("status")
        created_by = c.req.arg("createdBy")
        items = [
            x
            for x in self.store.list(c.ws, "campaign")
            if (status is None or self._has_status(c.ws, x, status))
            and (created_by is None or x["createdBy"] == created_by)
        ]
        if c.req.arg("sortBy", "createdAt") != "createdAt":
            raise bad("sortBy must be createdAt")
        # Ties (two made in one millisecond) keep the order they were made in, both ways.
        order = {id(x): n for n, x in enumerate(items)}
        items.sort(
            key=lambda x: (x["createdAt"], order[id(x)]), reverse=c.req.arg("sortOrder") == "desc"
        )
        limit, offset = paging(c.req, default_limit=100, max_limit=100)
        page = [self._campaign_light(c.ws, x) for x in items[offset : offset + limit]]
        # The OpenAPI file documents a bare array; clients report that `version=v2` answers
        # `{campaigns, pagination}` (providers.md). So: the envelope only when asked for v2.
        if c.req.arg("version") != "v2":
            return Response(200, page)
        return Response(
            200, {"campaigns": page, "pagination": pagination(len(items), offset, limit)}
        )

    def _create_campaign(self, c: Ctx) -> Response:
        body = c.body()
        no_unknown(body, CREATE_FIELDS)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise bad("name is required")
        tz = body.get("timezone", "Europe/Paris")
        check_timezone(tz)
        settings: dict[str, Any] = {}
        if "autoReview" in body:
            settings["autoReview"] = want_bool(body, "autoReview")
        if "autoReviewConditions" in body:
            settings["autoReviewConditions"] = review_conditions(body["autoReviewConditions"])
        camp = self._new_campaign(c.ws, name, tz, settings)
        # The create example's shape; `state` (not `status`) is what that example shows.
        return Response(
            200,
            {
                "_id": camp["_id"],
                "sequenceId": camp["sequenceId"],
                "scheduleIds": list(camp["scheduleIds"]),
                "teamId": camp["teamId"],
                "createdBy": camp["createdBy"],
                "createdAt": camp["createdAt"],
                "state": camp["status"],
                "scannedCount": 0,
                "reviewedCount": 0,
                "inSequenceLeadCount": 0,
                "variableKeys": [],
                "senders": [],
                "sendUsers": [],
                "displayedVariableKeys": [],
                "stopOnEmailReplied": camp["flags"]["stopOnEmailReplied"],
                "crmOpportunitiesOnTask": False,
                "unsubscribe": "campaign",
                "name": camp["name"],
            },
        )

    def _get_campaign(self, c: Ctx) -> Response:
        return Response(200, self._campaign_full(c.ws, self._campaign(c)))

    def _patch_campaign(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        body = c.body()
        if "timezone" in body:
            # providers.md: the update "cannot change timezone or schedule". Docs silent on
            # whether it is ignored or refused; refusing makes a client bug visible.
            raise bad("timezone cannot be updated: it is set when the campaign is created")
        allowed = (
            "name",
            *FLAGS,
            "stopOnLinkClickedFilter",
            "sendUserIds",
            "autoReview",
            "autoReviewConditions",
            *SECTIONS,
        )
        no_unknown(body, allowed)
        # Validate everything first: a 400 must leave the campaign untouched.
        if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
            raise bad("name must be a non-empty string")
        for flag in (*FLAGS, "autoReview"):
            if flag in body:
                want_bool(body, flag)
        if "stopOnLinkClickedFilter" in body and not isinstance(
            body["stopOnLinkClickedFilter"], str
        ):
            raise bad("stopOnLinkClickedFilter must be a string")
        conditions = (
            review_conditions(body["autoReviewConditions"])
            if "autoReviewConditions" in body
            else None
        )
        for section, spec in SECTIONS.items():
            if section in body:
                check_section(section, body[section], spec)
        send_users = (
            self._check_senders(c.ws, camp, body["sendUserIds"]) if "sendUserIds" in body else None
        )

        if "name" in body:
            camp["name"] = body["name"]
        for flag in FLAGS:
            if flag in body:
                camp["flags"][flag] = body[flag]
                sync_from_flag(camp, flag)
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
                merge(camp["sections"][section], body[section])
                sync_from_section(camp, section, body[section])
        if send_users is not None:
            camp["sendUserIds"] = [u["id"] for u in send_users]
        self._touch(c.ws, camp)

        out: dict[str, Any] = {"name": camp["name"], **{f: camp["flags"][f] for f in FLAGS}}
        if camp.get("stopOnLinkClickedFilter") is not None:
            out["stopOnLinkClickedFilter"] = camp["stopOnLinkClickedFilter"]
        if send_users is not None:  # "Only present when sendUserIds was provided"
            out["sendUsers"] = send_users
        return Response(200, out)

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

    def _check_senders(self, ws: str, camp: dict[str, Any], ids: Any) -> list[dict[str, Any]]:
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise bad("sendUserIds must be an array of user ids")
        if camp["senderStrategy"] in DYNAMIC_STRATEGIES:
            raise bad(
                "Cannot update senders on campaigns with a dynamic sender strategy "
                "(contactOwner, leadImporter, customField)"
            )
        users = [u for u in (self.store.get(ws, "user", i) for i in dict.fromkeys(ids)) if u]
        if ids and not users:
            raise bad("None of the provided sender IDs are members of this team")
        needed = self._campaign_channels(ws, camp)
        # "senders without capabilities for at least one channel are excluded, and all
        # channels must be covered by at least one sender."
        capable = [u for u in users if not needed or self._channels_of_user(u) & needed]
        if users and not capable:
            raise bad(
                "None of the provided senders have the required capabilities for this campaign"
            )
        covered = set().union(*(self._channels_of_user(u) for u in capable)) if capable else set()
        missing = [
            ch
            for ch in ("email", "linkedin", "sms", "whatsapp")
            if ch in needed and ch not in covered
        ]
        if capable and missing:
            raise bad(
                "The provided senders do not cover the following campaign channels: "
                + ", ".join(missing)
            )
        return [
            {
                "id": u["_id"],
                "mailboxes": [{"sendUserMailboxId": u["mailbox"], "email": u["email"]}],
                "phoneNumbers": list(u["phoneNumbers"]),
                "whatsappAccountIds": list(u["whatsappAccountIds"]),
            }
            for u in capable
        ]

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
            raise bad("You can't start an archived campaign")
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
        no_unknown(body, ("name",))
        name = body.get("name", src["name"] + " Copy")
        if not isinstance(name, str) or not name.strip():
            raise bad("name must be a non-empty string")
        camp = self._new_campaign(
            c.ws, name, src["timezone"], {}, status="draft", strategy=src["senderStrategy"]
        )
        for key in (
            "flags",
            "sections",
            "autoReview",
            "autoReviewConditions",
            "sendUserIds",
            "stopOnLinkClickedFilter",
            "labels",
        ):
            if key in src:
                camp[key] = deep_copy(src[key])
        seq = self._sequence(c.ws, camp["sequenceId"])
        seq["steps"] = [
            dict(deep_copy(s), _id=prefixed_id("stp_"), emailTemplateId=prefixed_id("etp_"))
            for s in self._steps(c.ws, src)
        ]
        self.store.put(c.ws, "sequence", seq["_id"], seq)
        self.store.put(c.ws, "campaign", camp["_id"], camp)
        light = self._campaign_light(c.ws, camp)
        return Response(
            200,
            {
                k: light[k]
                for k in (
                    "_id",
                    "name",
                    "sequenceId",
                    "labels",
                    "createdAt",
                    "createdBy",
                    "status",
                    "senders",
                    "hasError",
                )
            }
            | {"archived": False, "errors": self._errors(c.ws, camp)},
        )

    def _statutes(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        statutes = []
        if not camp["sendUserIds"] and not camp["senderStrategy"]:
            statutes.append(
                {"type": "issue", "level": 3, "message": "No senders configured on this campaign."}
            )
        if not self._steps(c.ws, camp):
            statutes.append(
                {
                    "type": "issue",
                    "level": 3,
                    "category": "steps",
                    "message": "This campaign has no steps.",
                }
            )
        if not camp["scheduleIds"]:
            statutes.append(
                {
                    "type": "issue",
                    "level": 3,
                    "category": "schedule",
                    "message": "No schedule is attached to this campaign.",
                }
            )
        return Response(200, {"name": camp["name"], "status": camp["status"], "statutes": statutes})
