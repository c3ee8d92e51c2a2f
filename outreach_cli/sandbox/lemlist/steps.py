"""Routes for sequences and their steps, and the A/B tests (variant B) of email steps."""

from __future__ import annotations

from typing import Any

from ..store import prefixed_id
from ..web import Response
from .context import Ctx, Fail, bad
from .jsonvalue import deep_copy
from .storage import Rows
from .validation import (
    STEP_FIELDS,
    STEP_TYPES,
    check_step_fields,
    check_step_required,
    no_unknown,
    want_bool,
)


class StepRoutes(Rows):
    """/campaigns/{campaignId}/sequences and /sequences/{sequenceId}/steps/…"""

    def _sequences(self, c: Ctx) -> Response:
        camp = self._campaign(c)
        seq = self.store.get(c.ws, "sequence", camp["sequenceId"])
        if seq is None:
            raise bad("Campaign has no sequence")
        return Response(
            200,
            {
                seq["_id"]: {
                    "_id": seq["_id"],
                    "level": 0,
                    "steps": [
                        self._step_public(seq["_id"], i, s) for i, s in enumerate(seq["steps"])
                    ],
                }
            },
        )

    def _seq_campaign(self, c: Ctx) -> tuple[dict[str, Any], dict[str, Any]]:
        seq = self._sequence(c.ws, c.params["sequenceId"])
        camp = self.store.get(c.ws, "campaign", seq["campaignId"])
        if camp is None:
            raise Fail(404, "Sequence not found")
        return seq, camp

    @staticmethod
    def _find_step(seq: dict[str, Any], step_id: str) -> int:
        for i, s in enumerate(seq["steps"]):
            if s["_id"] == step_id:
                return i
        raise Fail(404, "Step not found")

    def _add_step(self, c: Ctx) -> Response:
        seq, camp = self._seq_campaign(c)
        body = c.body()
        no_unknown(body, ("type", "index", "delay", *STEP_FIELDS))
        stype = body.get("type")
        if stype not in STEP_TYPES:
            raise bad(f"Invalid step type {stype!r}" if stype is not None else "type is required")
        check_step_fields(self.store, c.ws, body)
        index = body.get("index")
        if index is not None and (
            not isinstance(index, int) or isinstance(index, bool) or index < -1
        ):
            raise bad("index must be an integer >= -1")
        steps = seq["steps"]
        # Docs: "If omitted or greater than the number of steps, the new step is added to the
        # end". Docs silent on -1 and on the base: -1 appends, 0 inserts first.
        pos = len(steps) if index is None or index == -1 or index > len(steps) else index
        step: dict[str, Any] = {
            "_id": prefixed_id("stp_"),
            "type": stype,
            "delay": body.get("delay", 0 if pos == 0 else 1),
            "emailTemplateId": prefixed_id("etp_"),
        }
        step.update({k: deep_copy(body[k]) for k in STEP_FIELDS if k in body})
        check_step_required(step)
        steps.insert(pos, step)
        self.store.put(c.ws, "sequence", seq["_id"], seq)
        self._touch(c.ws, camp)
        return Response(200, self._step_response(step))

    def _patch_step(self, c: Ctx) -> Response:
        seq, camp = self._seq_campaign(c)
        pos = self._find_step(seq, c.params["stepId"])
        step = seq["steps"][pos]
        body = c.body()
        no_unknown(body, ("type", "delay", *STEP_FIELDS))
        if "type" not in body:
            raise bad("type is required")
        if body["type"] != step["type"]:
            raise bad(
                f"The step type cannot be changed (it is {step['type']}); delete the step "
                f"and add a new one"
            )
        check_step_fields(self.store, c.ws, body)
        updated = dict(step)
        updated.update({k: deep_copy(body[k]) for k in ("delay", *STEP_FIELDS) if k in body})
        check_step_required(updated)
        seq["steps"][pos] = updated
        self.store.put(c.ws, "sequence", seq["_id"], seq)
        self._touch(c.ws, camp)
        return Response(200, self._step_response(updated))

    def _delete_step(self, c: Ctx) -> Response:
        seq, camp = self._seq_campaign(c)
        pos = self._find_step(seq, c.params["stepId"])
        if camp["status"] == "running":
            raise bad("You cannot delete this step because the campaign is running")
        del seq["steps"][pos]
        self.store.put(c.ws, "sequence", seq["_id"], seq)
        self._touch(c.ws, camp)
        return Response(200, {"ok": True})

    # -- A/B tests (variant B of an email step) --------------------------------------------

    def _ab_step(self, c: Ctx) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        seq, camp = self._seq_campaign(c)
        return seq, camp, seq["steps"][self._find_step(seq, c.params["stepId"])]

    def _ab_save(self, c: Ctx, seq: dict[str, Any], camp: dict[str, Any]) -> None:
        self.store.put(c.ws, "sequence", seq["_id"], seq)
        self._touch(c.ws, camp)

    def _ab_create(self, c: Ctx) -> Response:
        seq, camp, step = self._ab_step(c)
        if step["type"] != "email":
            raise bad("A/B tests exist only on email steps")
        if step.get("variantB") is not None:
            raise bad("A/B test already exists on this step")
        if camp["status"] == "running":
            raise bad("You cannot create an A/B test while the campaign is running")
        # "prefilled from variant A, and starts the test"
        step["variantB"] = {
            "emailTemplateBId": prefixed_id("etp_"),
            "subject": step.get("subject", ""),
            "message": step.get("message", ""),
        }
        step["abTest"] = True
        self._ab_save(c, seq, camp)
        return Response(200, self._ab_public(step))

    def _ab_get(self, c: Ctx) -> Response:
        _, _, step = self._ab_step(c)
        if step.get("variantB") is None:
            raise Fail(404, "No A/B test variant on this step")
        return Response(200, self._ab_public(step))

    def _ab_patch(self, c: Ctx) -> Response:
        seq, camp, step = self._ab_step(c)
        if step.get("variantB") is None:
            raise Fail(404, "No A/B test variant on this step")
        body = c.body()
        no_unknown(body, ("subject", "message", "altMessage", "cc", "plainText"))
        for key in ("subject", "message", "altMessage"):
            if key in body and not isinstance(body[key], str):
                raise bad(f"{key} must be a string")
        if len(body.get("subject") or "") > 400:
            raise bad("subject must be at most 400 characters")
        if "cc" in body and not (
            isinstance(body["cc"], list) and all(isinstance(x, str) for x in body["cc"])
        ):
            raise bad("cc must be an array of strings")
        if "plainText" in body:
            want_bool(body, "plainText")
        step["variantB"].update(deep_copy(body))
        self._ab_save(c, seq, camp)
        return Response(200, self._ab_public(step))

    def _ab_delete(self, c: Ctx) -> Response:
        seq, camp, step = self._ab_step(c)
        if step.get("variantB") is None:
            raise Fail(404, "No A/B test variant on this step")
        # The OpenAPI file documents this 400 for DELETE …/ab-test.
        if camp["status"] == "running":
            raise bad("You cannot edit this step because the campaign is running")
        step.pop("variantB")
        step.pop("abTest", None)
        self._ab_save(c, seq, camp)
        return Response(200, {"ok": True})

    def _ab_winner(self, c: Ctx) -> Response:
        seq, camp, step = self._ab_step(c)
        if step.get("variantB") is None:
            raise Fail(404, "No A/B test variant on this step")
        variant = c.body().get("variant")
        if variant not in ("A", "B"):
            raise bad("variant must be A or B")
        if step.get("abTest") in ("A", "B"):
            raise bad("A winning variant has already been selected for this step")
        step["abTest"] = variant
        self._ab_save(c, seq, camp)
        return Response(200, {"stepId": step["_id"], "abTest": variant})
