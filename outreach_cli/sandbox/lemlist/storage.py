"""Rows in the store (the seeded demo team, campaigns, sequences) and their public shapes."""

from __future__ import annotations

from typing import Any

from ..store import Store, iso, prefixed_id
from .clock import iso_ms
from .context import Ctx, Fail
from .jsonvalue import deep_copy
from .settings import FLAG_DEFAULTS, FLAGS, section_defaults

# Demo team. Fixed ids, so that campaign files in the repo can name real senders in every
# sandbox, and so that the update page's request example (which names usr_2aBCdEfGHiJkLmNOp and
# usr_7xYzAbCdEfGhIjKlM) is accepted as it stands and answered with the page's own `sendUsers`.
DEMO_USERS: tuple[dict[str, Any], ...] = (
    {
        "_id": "usr_2aBCdEfGHiJkLmNOp",
        "name": "John Doe",
        "email": "john@acme.com",
        "role": "admin",
        "mailbox": "smb_1aBcDeFgHiJkLmNoP",
        "linkedin": True,
        "phoneNumbers": ["+15551234567"],
        "whatsappAccountIds": ["wha_3xYzAbCdEfGhIjKlM"],
    },
    {
        "_id": "usr_7xYzAbCdEfGhIjKlM",
        "name": "Jane Doe",
        "email": "jane@acme.com",
        "role": "member",
        "mailbox": "smb_9zYxWvUtSrQpOnMlK",
        "linkedin": True,
        "phoneNumbers": [],
        "whatsappAccountIds": [],
    },
    # Email only: a sender that cannot cover a LinkedIn step.
    {
        "_id": "usr_DemoEmailOnly0001",
        "name": "Carol Diaz",
        "email": "carol@acme.com",
        "role": "member",
        "mailbox": "smb_DemoMailboxCarol1",
        "linkedin": False,
        "phoneNumbers": [],
        "whatsappAccountIds": [],
    },
)


class Rows:
    """Reading and writing the team's rows, and turning them into API answers."""

    store: Store

    # -- the team --------------------------------------------------------------------------

    def _seed(self, ws: str) -> None:
        if self.store.get(ws, "team", "team") is not None:
            return
        now = self.store.iso_now()
        team_id = prefixed_id("tea_")
        owner = DEMO_USERS[0]["_id"]
        self.store.put(
            ws,
            "team",
            "team",
            {
                # Named after its id: two keys (two teams) read as two names too.
                "_id": team_id,
                "name": f"Demo team {team_id[-5:]}",
                "userIds": [u["_id"] for u in DEMO_USERS],
                "createdBy": owner,
                "createdAt": now,
            },
        )
        for user in DEMO_USERS:
            self.store.put(ws, "user", user["_id"], dict(user))
        for name, tz, start, end in (
            ("Default schedule", "Europe/Paris", "09:00", "18:00"),
            ("US business hours", "America/New_York", "08:00", "17:00"),
        ):
            sid = prefixed_id("skd_")
            self.store.put(
                ws,
                "schedule",
                sid,
                {
                    "_id": sid,
                    "name": name,
                    "secondsToWait": 1200,
                    "timezone": tz,
                    "start": start,
                    "end": end,
                    "weekdays": [1, 2, 3, 4, 5],
                    "public": False,
                    "teamId": team_id,
                    "createdBy": owner,
                    "createdAt": now,
                },
            )
        # Docs silent on how a campaign gets a dynamic sender strategy or where it shows; the
        # demo team holds one such campaign so the documented 400 can be exercised.
        self._new_campaign(
            ws,
            "Inbound follow-up (contact owner)",
            "Europe/Paris",
            {},
            status="draft",
            strategy="contactOwner",
        )

    def _team(self, ws: str) -> dict[str, Any]:
        team = self.store.get(ws, "team", "team")
        assert team is not None
        return team

    def _owner(self, ws: str) -> dict[str, Any]:
        user = self.store.get(ws, "user", DEMO_USERS[0]["_id"])
        assert user is not None
        return user

    @staticmethod
    def _user_public(user: dict[str, Any]) -> dict[str, Any]:
        return {
            "_id": user["_id"],
            "email": user["email"],
            "role": user["role"],
            "linkedIn": {
                "linkedinUrl": f"https://www.linkedin.com/in/{user['_id'][4:].lower()}",
                "status": bool(user["linkedin"]),
                "inviteLimit": 25,
                "sendLimit": 33,
                "visitLimit": 36,
            },
            "mailboxes": [
                {
                    "_id": user["mailbox"],
                    "email": user["email"],
                    "provider": "google",
                    "status": "CONNECTED",
                    "lemlist": {"emailLimit": 50},
                    "lemwarm": {"active": False},
                }
            ],
        }

    # -- campaigns -------------------------------------------------------------------------

    def _campaign(self, c: Ctx, cid: str | None = None) -> dict[str, Any]:
        camp = self.store.get(c.ws, "campaign", cid or c.params["campaignId"])
        if camp is None:
            raise Fail(404, "Campaign not found")
        return camp

    def _new_campaign(
        self,
        ws: str,
        name: str,
        tz: str,
        settings: dict[str, Any],
        *,
        status: str = "running",
        strategy: str | None = None,
    ) -> dict[str, Any]:
        now_ts = self.store.now()
        team, owner = self._team(ws), self._owner(ws)
        cid, seq_id, skd_id = prefixed_id("cam_"), prefixed_id("seq_"), prefixed_id("skd_")
        self.store.put(
            ws,
            "sequence",
            seq_id,
            {"_id": seq_id, "campaignId": cid, "steps": [], "level": 0, "createdAt": iso(now_ts)},
        )
        # Every new campaign gets its own default schedule in its timezone (the create example
        # returns one `scheduleIds` entry).
        self.store.put(
            ws,
            "schedule",
            skd_id,
            {
                "_id": skd_id,
                "name": "Default schedule",
                "secondsToWait": 1200,
                "timezone": tz,
                "start": "09:00",
                "end": "18:00",
                "weekdays": [1, 2, 3, 4, 5],
                "public": False,
                "teamId": team["_id"],
                "createdBy": owner["_id"],
                "createdAt": iso(now_ts),
            },
        )
        camp: dict[str, Any] = {
            "_id": cid,
            "name": name,
            "labels": [],
            "createdAt": iso(now_ts),
            "createdBy": owner["_id"],
            "status": status,
            "sequenceId": seq_id,
            "scheduleIds": [skd_id],
            "timezone": tz,
            "teamId": team["_id"],
            "senderStrategy": strategy,
            "sendUserIds": [],
            "flags": dict(FLAG_DEFAULTS),
            "sections": section_defaults(),
            "autoReview": False,
            "autoReviewConditions": [],
            "updatedMs": int(now_ts * 1000),
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
        return (
            []
            if camp["sendUserIds"] or camp["senderStrategy"]
            else ["Your campaign does not have sender."]
        )

    def _has_status(self, ws: str, camp: dict[str, Any], status: str) -> bool:
        # "a campaign can be in multiple statuses at one time (e.g., a paused campaign with
        # errors)": `errors` is a flag on top of the lifecycle status.
        return camp["status"] == status or (status == "errors" and bool(self._errors(ws, camp)))

    def _senders(self, ws: str, camp: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for uid in camp["sendUserIds"]:
            user = self.store.get(ws, "user", uid)
            if user is not None:
                out.append(
                    {"id": uid, "email": user["email"], "sendUserMailboxId": user["mailbox"]}
                )
        return out

    def _campaign_light(self, ws: str, camp: dict[str, Any]) -> dict[str, Any]:
        owner = self.store.get(ws, "user", camp["createdBy"]) or {}
        errors = self._errors(ws, camp)
        out = {
            "_id": camp["_id"],
            "name": camp["name"],
            "labels": camp["labels"],
            "createdAt": camp["createdAt"],
            "createdBy": camp["createdBy"],
            "status": camp["status"],
            "sequenceId": camp["sequenceId"],
            "scheduleIds": list(camp["scheduleIds"]),
            "timezone": camp["timezone"],
            "teamId": camp["teamId"],
            "hasError": bool(errors),
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
        out.update(deep_copy(camp["sections"]))
        # Docs silent on where the sender strategy shows; `null` means fixed senders.
        out["senderStrategy"] = camp["senderStrategy"]
        return out

    # -- sequences and steps ---------------------------------------------------------------

    def _sequence(self, ws: str, seq_id: str) -> dict[str, Any]:
        seq = self.store.get(ws, "sequence", seq_id)
        if seq is None:
            raise Fail(404, "Sequence not found")
        return seq

    def _steps(self, ws: str, camp: dict[str, Any]) -> list[dict[str, Any]]:
        seq = self.store.get(ws, "sequence", camp["sequenceId"])
        return list(seq["steps"]) if seq else []

    @staticmethod
    def _step_public(seq_id: str, pos: int, step: dict[str, Any]) -> dict[str, Any]:
        out = {k: deep_copy(v) for k, v in step.items() if k != "variantB"}
        # The sequences example numbers `index` from 1 and `sequenceStep` from 0.
        out.update(index=pos + 1, sequenceId=seq_id, sequenceStep=pos)
        if step.get("variantB") is not None:
            out["emailTemplateBId"] = step["variantB"]["emailTemplateBId"]
        return out

    @staticmethod
    def _step_response(step: dict[str, Any]) -> dict[str, Any]:
        # The doc's shape ({_id, type, delay, emailTemplateId, message}) plus whichever other
        # fields the step carries.
        return {k: deep_copy(v) for k, v in step.items() if k != "variantB"}

    @staticmethod
    def _ab_public(step: dict[str, Any]) -> dict[str, Any]:
        v = step["variantB"]
        out = {
            "stepId": step["_id"],
            "abTest": step["abTest"],
            "emailTemplateBId": v["emailTemplateBId"],
            "subject": v["subject"],
            "message": v["message"],
        }
        out.update({k: deep_copy(v[k]) for k in ("altMessage", "cc", "plainText") if k in v})
        return out

    @staticmethod
    def _lead_public(camp: dict[str, Any], lead: dict[str, Any]) -> dict[str, Any]:
        out = {"campaignId": camp["_id"], "campaignName": camp["name"]}
        out.update(
            {
                k: lead[k]
                for k in (
                    "email",
                    "firstName",
                    "lastName",
                    "companyName",
                    "jobTitle",
                    "companyDomain",
                    "preferredContactMethod",
                )
                if lead.get(k)
            }
        )
        out.update(_id=lead["_id"], isPaused=lead["isPaused"], contactId=lead["contactId"])
        out.update(lead["variables"])
        return out
