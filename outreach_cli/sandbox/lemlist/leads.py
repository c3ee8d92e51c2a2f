"""Routes for a campaign's leads: `/campaigns/{campaignId}/leads/…`."""

from __future__ import annotations

from ..store import prefixed_id
from ..web import Response
from .context import Ctx, Fail, bad
from .paging import paging
from .storage import Rows

LEAD_FIELDS = (
    "email",
    "firstName",
    "lastName",
    "companyName",
    "jobTitle",
    "linkedinUrl",
    "picture",
    "phone",
    "companyDomain",
    "icebreaker",
    "timezone",
    "contactOwner",
)


class LeadRoutes(Rows):
    """GET/POST /campaigns/{campaignId}/leads and PATCH …/leads/{leadId}."""

    def _list_leads(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        state = c.req.arg("state")
        limit, _ = paging(c.req, default_limit=100, max_limit=500)
        leads = [
            x
            for x in self.store.list(c.ws, "lead")
            if x["campaignId"] == camp["_id"] and (state is None or x["state"] == state)
        ]
        return Response(
            200,
            [
                {"_id": x["_id"], "contactId": x["contactId"], "state": x["state"]}
                for x in leads[:limit]
            ],
        )

    def _add_lead(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        body = c.body()
        bad_vars = [k for k, v in body.items() if not isinstance(v, str)]
        if bad_vars:
            raise bad(f"{bad_vars[0]} must be a string")
        email = (body.get("email") or "").strip().lower()
        if not email and not body.get("linkedinUrl"):
            raise bad("email or linkedinUrl is required")
        existing = self.store.list(c.ws, "lead")
        if email and any(x["email"] == email and x["campaignId"] == camp["_id"] for x in existing):
            raise Fail(409, "Lead already in the campaign")
        if (
            email
            and c.req.arg("deduplicate") == "true"
            and any(x["email"] == email for x in existing)
        ):
            raise Fail(409, "Lead already exists in another campaign")
        # Docs silent on states after auto-review: reviewed when it applies to an unverified
        # email (the emulator verifies nothing), else scanned.
        auto = camp["autoReview"] and (
            not camp["autoReviewConditions"] or "unverified" in camp["autoReviewConditions"]
        )
        lead = {
            "_id": prefixed_id("lea_"),
            "contactId": prefixed_id("ctc_"),
            "campaignId": camp["_id"],
            "email": email,
            "isPaused": False,
            "state": "reviewed" if auto else "scanned",
            "emailStatus": "unverified",
            "variables": {k: v for k, v in body.items() if k not in LEAD_FIELDS},
            **{k: body[k] for k in LEAD_FIELDS if k in body and k != "email"},
        }
        self.store.put(c.ws, "lead", lead["_id"], lead)
        return Response(200, self._lead_public(camp, lead))

    def _patch_lead(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        lead = self.store.get(c.ws, "lead", c.params["leadId"])
        if lead is None or lead["campaignId"] != camp["_id"]:
            raise Fail(404, "Lead not found")
        body = c.body()
        bad_vars = [k for k, v in body.items() if not isinstance(v, str)]
        if bad_vars:
            raise bad(f"{bad_vars[0]} must be a string")
        if body.get("preferredContactMethod", "email") not in ("email", "linkedIn"):
            raise bad("preferredContactMethod must be email or linkedIn")
        if "email" in body:
            raise bad("email cannot be updated")
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
