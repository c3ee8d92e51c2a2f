"""Subsequence enrollment: the lead PATCH page's table of entering, switching and leaving."""

from __future__ import annotations

from typing import Any

from .ids import _iso
from .storage import Storage, _find_subsequence


class Enrollment(Storage):
    """What tagging a lead does to its subsequence."""

    def _apply_tag_to_subsequences(
        self,
        ws: str,
        campaign: dict[str, Any],
        cl: dict[str, Any],
        tag: str | None,
        now: float,
    ) -> dict[str, str] | None:
        """The lead PATCH page's enrollment table. Returns `{action, subsequenceName}` when
        something happened, else None.

        It runs whenever `aiTag` is sent (also when the value is unchanged, so re-sending a tag
        enrolls a lead that was tagged before the subsequence existed); `null` matches no
        subsequence. A lead "has a subsequence" while its subsequence is `active`; a finished
        one (completed/exited) is history. Re-tagging a lead into the very subsequence it
        already finished is a no-op rather than a second run of the same emails.
        `skippedInProgress` names the subsequence the lead stays in.
        """
        match = None
        if tag is not None:
            match = next(
                (
                    s
                    for s in campaign["subsequences"]
                    if s["status"] == "active"
                    and s["trigger"]["type"] == "ai_tag"
                    and s["trigger"]["value"].casefold() == tag.casefold()
                ),
                None,
            )
        history = cl["subsequence"]
        current = history if history and history["status"] == "active" else None
        if match is not None:
            if current is None:
                if history and history["id"] == match["_id"]:
                    return None
                self._enroll(ws, campaign, cl, match, now)
                return {"action": "enrolled", "subsequenceName": match["name"]}
            if current["id"] == match["_id"]:
                return None
            if current["emailsSent"] == 0:
                self._enroll(ws, campaign, cl, match, now)  # "state reset"
                return {"action": "switched", "subsequenceName": match["name"]}
            return {
                "action": "skippedInProgress",
                "subsequenceName": self._subsequence_name(campaign, current),
            }
        if current is None:
            return None
        name = self._subsequence_name(campaign, current)
        if current["emailsSent"] == 0:
            current.update(status="completed", completedAt=_iso(now))  # id kept as history
            cl.update(status="completed", nextAt=None)
            return {"action": "exited", "subsequenceName": name}
        return {"action": "skippedInProgress", "subsequenceName": name}

    @staticmethod
    def _subsequence_name(campaign: dict[str, Any], state: dict[str, Any]) -> str:
        found = _find_subsequence(campaign, state["id"])
        return found["name"] if found else state["name"]

    def _enroll(
        self, ws: str, campaign: dict[str, Any], cl: dict[str, Any], sub: dict[str, Any], now: float
    ) -> None:
        """Enter `sub` from its first step; the pending main-sequence send is canceled (the
        main sequence does not resume after a subsequence)."""
        cl["subsequence"] = {
            "id": sub["_id"],
            "name": sub["name"],
            "status": "active",
            "stepIndex": 0,
            "emailsSent": 0,
            "completedAt": None,
        }
        cl["nextAt"] = now
        if cl["status"] == "completed":
            cl["status"] = "active" if campaign["status"] == "active" else "pending"
        sub["addedCount"] += 1  # a server-side counter: updatedAt is not bumped for it
        self.store.put(ws, "campaign", campaign["_id"], campaign)
