"""Ids lemlist answers are quoted into one path segment before they are sent back: a schedule id
such as `../campaigns/x` stays inside /schedules/{id} instead of reaching another endpoint."""

from __future__ import annotations

from typing import Any

from outreach_cli.http import Reply
from outreach_cli.providers.base import Change, Remote
from outreach_cli.providers.lemlist import Lemlist
from outreach_cli.providers.lemlist.schedules import update_schedules

HOSTILE = "../campaigns/cam_other?x=1"
QUOTED = "..%2Fcampaigns%2Fcam_other%3Fx%3D1"
SCHEDULE = {
    "name": "Work hours",
    "timezone": "Europe/Paris",
    "start": "09:00",
    "end": "17:00",
    "weekdays": [1, 2, 3, 4, 5],
}


class Recorder:
    """Stands in for the API client: records each request and answers `answers[method]`."""

    def __init__(self, **answers: Any) -> None:
        self.sent: list[tuple[str, str]] = []
        self.answers = answers

    def _send(self, method: str, path: str, **_: Any) -> Reply:
        self.sent.append((method, path))
        return Reply(200, self.answers.get(method, {}), {})  # type: ignore[arg-type]

    def get(self, path: str, **kw: Any) -> Reply:
        return self._send("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Reply:
        return self._send("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> Reply:
        return self._send("PATCH", path, **kw)


def test_a_schedule_id_read_back_is_quoted_into_its_patch() -> None:
    api = Recorder()
    remote = Remote("cam_1", "C", "paused", None, {}, {"schedules": [{**SCHEDULE, "_id": HOSTILE}]})
    want = {"schedules": [{**SCHEDULE, "start": "08:00"}]}
    update_schedules(  # type: ignore[arg-type]
        api, remote, want, [Change(("schedules", 0, "start"), "change", "09:00", "08:00")]
    )
    assert api.sent == [("PATCH", f"/schedules/{QUOTED}")]


def test_the_default_schedule_id_of_a_new_campaign_is_quoted_into_its_patch() -> None:
    api = Recorder()
    created = {"_id": "cam_1", "sequenceId": "seq_1", "scheduleIds": [HOSTILE]}
    Lemlist(api)._fill("cam_1", created, {"schedules": [SCHEDULE]})  # type: ignore[arg-type]
    assert ("PATCH", f"/schedules/{QUOTED}") in api.sent
    assert all("../" not in path for _, path in api.sent), api.sent
