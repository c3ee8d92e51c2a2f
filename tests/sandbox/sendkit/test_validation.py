"""SendKit emulator validation: sequences, settings, schedule, atomic writes, subsequences."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from outreach_cli.sandbox.sendkit import Emulator, agent_id_for, to_tiptap_html, workspace_for_key
from tests.sandbox.sendkit.helpers import (
    CREATE_EXAMPLE,
    HEX24,
    INTERESTED_SUB,
    ISO,
    add_lead,
    create,
    error,
    get,
    ok,
    patch_lead,
)

# -- sequences and bodies --------------------------------------------------------------------


def test_plain_text_bodies_become_tiptap_html(api: httpx.Client):
    plain = "Hi {{firstName}},\n\nLine one\nline two & <three>\n\n\nBye"
    data = create(
        api,
        sequence=[
            {"type": "email", "subject": "Plain <subject> & co", "body": plain},
            {
                "type": "email",
                "subject": "AB",
                "body": "x",
                "variants": [
                    {"label": "A", "subject": "First", "body": "One\ntwo"},
                    {"label": "C", "subject": "Second", "body": "<p>Kept</p>"},
                ],
            },
        ],
    )
    expected = "<p>Hi {{firstName}},</p><p>Line one<br>line two &amp; &lt;three&gt;</p><p>Bye</p>"
    first, second = get(api, data["_id"])["sequence"]
    assert first["body"] == expected
    assert first["subject"] == "Plain <subject> & co"  # subjects are not converted
    assert [(v["label"], v["subject"], v["body"]) for v in first["variants"]] == [
        ("A", "Plain <subject> & co", expected)
    ]
    assert [(v["label"], v["body"]) for v in second["variants"]] == [
        ("A", "<p>One<br>two</p>"),
        ("C", "<p>Kept</p>"),
    ]
    assert second["name"] == "Follow-up 1"
    assert all(HEX24.match(v["_id"]) for v in first["variants"] + second["variants"])


def test_tiptap_conversion_edges():
    assert to_tiptap_html("") == ""
    assert to_tiptap_html("One line") == "<p>One line</p>"
    assert to_tiptap_html("a\r\nb\r\n\r\nc") == "<p>a<br>b</p><p>c</p>"
    assert to_tiptap_html("<div>html</div>\n\nstays") == "<div>html</div>\n\nstays"
    assert to_tiptap_html("5 < 6 and 7 > 3") == "<p>5 &lt; 6 and 7 &gt; 3</p>"


def test_step_names_ids_and_order_are_assigned(api: httpx.Client):
    seq = [
        {"type": "email", "order": 9, "subject": "s", "body": "b"},
        {"type": "wait", "waitDays": 1},
        {"type": "email", "subject": "s2", "body": "b2", "name": "My own name"},
        {"type": "wait", "waitHours": 5},
        {"type": "email", "subject": "s3", "body": "b3"},
        {"type": "wait", "waitDays": 2, "waitHours": 4},
    ]
    steps = create(api, sequence=seq)["sequence"]
    assert [s["order"] for s in steps] == list(range(6))
    assert [s["name"] for s in steps] == [
        "Initial Email",
        "Wait 1 day",
        "My own name",
        "Wait 5 hours",
        "Follow-up 2",
        "Wait 2 days 4 hours",
    ]
    assert len({s["_id"] for s in steps}) == 6


@pytest.mark.parametrize(
    "sequence, field",
    [
        ([{"type": "wait", "waitDays": 1}], "sequence[0].type"),
        ([{"type": "sms", "subject": "s"}], "sequence[0].type"),
        ([{"type": "email", "body": "no subject"}], "sequence[0].subject"),
        ([{"type": "email", "subject": "s"}, {"type": "wait"}], "sequence[1].waitDays"),
        (
            [{"type": "email", "subject": "s"}, {"type": "wait", "waitDays": 0, "waitHours": 0}],
            "sequence[1].waitDays",
        ),
        (
            [{"type": "email", "subject": "s", "variants": [{"label": "a"}]}],
            "sequence[0].variants[0].label",
        ),
        (
            [{"type": "email", "subject": "s", "variants": [{"label": "AB"}]}],
            "sequence[0].variants[0].label",
        ),
        (
            [{"type": "email", "subject": "s", "variants": [{"label": "B"}, {"label": "B"}]}],
            "sequence[0].variants[1].label",
        ),
        ([{"type": "email", "subject": "s", "colour": "red"}], "sequence[0].colour"),
    ],
)
def test_sequence_validation_names_the_field(api: httpx.Client, sequence: list[Any], field: str):
    resp = api.post("/campaigns", json={"name": "x", "sequence": sequence})
    msg = error(resp, 400, "VALIDATION_ERROR")
    assert msg.startswith(field + ":"), msg


# -- settings and schedule -------------------------------------------------------------------


def test_settings_patch_merges_and_keeps_untouched_keys(api: httpx.Client):
    cid = ok(api.post("/campaigns", json=CREATE_EXAMPLE), 201)["_id"]
    before = get(api, cid)
    ok(
        api.patch(
            f"/campaigns/{cid}",
            json={"settings": {"trackOpens": False, "webhook": {"enabled": False}}},
        )
    )
    after = get(api, cid)
    assert after["trackOpens"] is False
    assert after["trackClicks"] is True
    assert after["emailIntervalMinutes"] == 12
    assert after["settings"]["webhook"] == {**before["settings"]["webhook"], "enabled": False}
    for k, v in before["settings"].items():
        if k != "webhook":
            assert after["settings"][k] == v, k
    assert after["sequence"] == before["sequence"]
    assert after["sendingSchedule"] == before["sendingSchedule"]
    assert after["mailboxCount"] == before["mailboxCount"]


def test_create_defaults(api: httpx.Client):
    data = get(api, ok(api.post("/campaigns", json={"name": "Bare"}), 201)["_id"])
    assert data["sequence"] == [] and data["subsequences"] == []
    assert (
        data["trackOpens"],
        data["trackClicks"],
        data["includeUnsubscribeLink"],
        data["stopOnReply"],
        data["emailIntervalMinutes"],
    ) == (True, True, False, True, 15)
    assert data["settings"] == {
        "stopOnAutoReply": False,
        "stopOnCompanyReply": False,
        "skipDNC": True,
    }
    assert data["sendingSchedule"] == {
        "timezone": "America/New_York",
        "startTime": "09:00",
        "endTime": "17:00",
        "workingDays": [1, 2, 3, 4, 5],
        "skipNationalHolidays": True,
    }
    assert data["mailboxCount"] == 0


@pytest.mark.parametrize(
    "settings, field",
    [
        ({"espMatchingMode": "custom"}, "settings.espMatchingMode"),
        ({"segCheckMode": "sometimes"}, "settings.segCheckMode"),
        ({"segSkipProviders": ["proofpoint", "gmail"]}, "settings.segSkipProviders[1]"),
        (
            {"variantOptimization": {"optimizationMetric": "bounceRate"}},
            "settings.variantOptimization.optimizationMetric",
        ),
        (
            {"replyNotificationEmails": [f"a{i}@x.com" for i in range(6)]},
            "settings.replyNotificationEmails",
        ),
        ({"replyNotificationEmails": ["not-an-email"]}, "settings.replyNotificationEmails[0]"),
        ({"cc": ["ok@x.com", "broken"]}, "settings.cc[1]"),
        ({"trackOpens": "yes"}, "settings.trackOpens"),
        ({"stopOnReplay": True}, "settings.stopOnReplay"),
        ({"webhook": {"url": "ftp://x"}}, "settings.webhook.url"),
    ],
)
def test_settings_validation(api: httpx.Client, settings: dict[str, Any], field: str):
    msg = error(
        api.post("/campaigns", json={"name": "x", "settings": settings}), 400, "VALIDATION_ERROR"
    )
    assert msg.startswith(field + ":"), msg


def test_settings_normalisation_and_agent(api: httpx.Client, key: str):
    five = [f"a{i}@x.com" for i in range(5)]
    cid = create(
        api, settings={"segCheckMode": "use_specific_mailboxes", "replyNotificationEmails": five}
    )["_id"]
    assert get(api, cid)["settings"]["segCheckMode"] == "disabled"
    msg = error(
        api.patch(f"/campaigns/{cid}", json={"settings": {"aiAgentId": "0" * 24}}),
        400,
        "AGENT_NOT_FOUND",
    )
    assert "aiAgentId" in msg
    agent = agent_id_for(workspace_for_key(key))
    ok(
        api.patch(
            f"/campaigns/{cid}", json={"settings": {"aiAgentId": agent, "aiAgentEnabled": True}}
        )
    )
    assert get(api, cid)["settings"]["aiAgentId"] == agent
    ok(api.patch(f"/campaigns/{cid}", json={"settings": {"aiAgentId": None}}))
    assert get(api, cid)["settings"]["aiAgentId"] is None


@pytest.mark.parametrize(
    "schedule, field",
    [
        ({"timezone": "Mars/Olympus"}, "schedule.timezone"),
        ({"startTime": "9:00"}, "schedule.startTime"),
        ({"startTime": "18:00"}, "schedule.endTime"),
        ({"workingDays": [1, 7]}, "schedule.workingDays[1]"),
        ({"workingDays": [1, 1]}, "schedule.workingDays"),
        ({"days": [1]}, "schedule.days"),
    ],
)
def test_schedule_validation(api: httpx.Client, schedule: dict[str, Any], field: str):
    cid = create(api)["_id"]
    msg = error(
        api.patch(f"/campaigns/{cid}", json={"schedule": schedule}), 400, "VALIDATION_ERROR"
    )
    assert msg.startswith(field + ":"), msg


def test_mailbox_selectors(api: httpx.Client):
    boxes = ok(api.get("/mailboxes"))
    by_provider = {m["provider"]: m for m in boxes}
    data = create(
        api,
        mailboxTags=["sales"],
        mailboxProvider="outlook",
        mailboxEmails=[by_provider["gmail"]["email"].upper()],
    )
    assert sorted(data["mailboxes"]) == sorted(
        [by_provider["custom"]["_id"], by_provider["outlook"]["_id"], by_provider["gmail"]["_id"]]
    )
    cid = data["_id"]
    ok(api.patch(f"/campaigns/{cid}", json={"mailboxIds": [boxes[0]["_id"]]}))
    assert get(api, cid)["mailboxCount"] == 1
    ok(api.patch(f"/campaigns/{cid}", json={"name": "no selector: mailboxes stay"}))
    assert get(api, cid)["mailboxCount"] == 1
    error(
        api.patch(f"/campaigns/{cid}", json={"mailboxEmails": ["nobody@nowhere.com"]}),
        400,
        "VALIDATION_ERROR",
    )


# -- writes are all-or-nothing; updatedAt ----------------------------------------------------


def test_failed_validation_writes_nothing(api: httpx.Client):
    cid = create(api, subsequences=[INTERESTED_SUB])["_id"]
    before = get(api, cid)
    bad_bodies = [
        {"name": "Renamed", "schedule": {"startTime": "18:00", "endTime": "09:00"}},
        {"name": "Renamed", "settings": {"trackOpens": False, "aiAgentId": "1" * 24}},
        {"name": "Renamed", "sequence": [{"type": "wait", "waitDays": 1}]},
        {"name": "Renamed", "settings": {"dailySendLimit": 5}, "bogus": 1},
        {"name": "Renamed", "subsequences": [{**INTERESTED_SUB, "_id": "f" * 24}]},
        {"name": "Renamed", "mailboxIds": ["0" * 24]},
    ]
    for body in bad_bodies:
        assert api.patch(f"/campaigns/{cid}", json=body).status_code == 400, body
        assert get(api, cid) == before, body


def test_updated_at_strictly_increases(
    api: httpx.Client, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
):
    cid = create(api)["_id"]
    # A frozen clock: every write lands in the same millisecond, and still must move updatedAt.
    frozen = emulator.store.now()
    monkeypatch.setattr(emulator.store, "now", lambda: frozen)
    stamps = [get(api, cid)["updatedAt"]]
    for i in range(8):
        stamps.append(ok(api.patch(f"/campaigns/{cid}", json={"name": f"n{i}"}))["updatedAt"])
    stamps.append(ok(api.post(f"/campaigns/{cid}/start")) and get(api, cid)["updatedAt"])
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert all(ISO.match(s) for s in stamps)


# -- subsequences ----------------------------------------------------------------------------


def _sub(i: int, **over: Any) -> dict[str, Any]:
    return {
        "name": f"Sub {i}",
        "trigger": {"type": "ai_tag", "value": f"Tag {i}"},
        "sequence": [
            {"type": "wait", "waitDays": 1},
            {"type": "email", "subject": "s", "body": "b"},
        ],
        **over,
    }


def test_subsequence_limits(api: httpx.Client):
    msg = error(
        api.post("/campaigns", json={"name": "x", "subsequences": [_sub(i) for i in range(16)]}),
        400,
        "VALIDATION_ERROR",
    )
    assert "15" in msg
    archived = [_sub(i) for i in range(15)] + [_sub(15, status="archived")]
    data = create(api, subsequences=archived)
    assert len(data["subsequences"]) == 16
    for sub in data["subsequences"]:
        assert HEX24.match(sub["_id"])
        assert sub["addedCount"] == 0 and sub["stats"] == {"sent": 0}
        assert sub["sequence"][0]["type"] == "wait"  # an inner sequence may open with a wait
    # Reactivating the archived one makes 16 active.
    subs = [{k: s[k] for k in ("_id", "name", "trigger", "sequence")} for s in data["subsequences"]]
    error(
        api.patch(f"/campaigns/{data['_id']}", json={"subsequences": subs}), 400, "VALIDATION_ERROR"
    )


def test_subsequence_trigger_rules(api: httpx.Client):
    reply = {"type": "reply"}
    msg = error(
        api.post(
            "/campaigns",
            json={"name": "x", "subsequences": [_sub(1, trigger=reply), _sub(2, trigger=reply)]},
        ),
        400,
        "VALIDATION_ERROR",
    )
    assert "reply" in msg
    create(api, subsequences=[_sub(1, trigger=reply), _sub(2, trigger=reply, status="archived")])
    msg = error(
        api.post(
            "/campaigns",
            json={
                "name": "x",
                "subsequences": [
                    _sub(1, trigger={"type": "ai_tag", "value": "Interested"}),
                    _sub(2, trigger={"type": "ai_tag", "value": "INTERESTED"}),
                ],
            },
        ),
        400,
        "VALIDATION_ERROR",
    )
    assert "unique" in msg
    error(
        api.post(
            "/campaigns", json={"name": "x", "subsequences": [_sub(1, trigger={"type": "ai_tag"})]}
        ),
        400,
        "VALIDATION_ERROR",
    )
    error(
        api.post(
            "/campaigns", json={"name": "x", "subsequences": [_sub(1, trigger={"type": "opened"})]}
        ),
        400,
        "VALIDATION_ERROR",
    )
    msg = error(
        api.post("/campaigns", json={"name": "x", "subsequences": [_sub(1, _id="a" * 24)]}),
        400,
        "VALIDATION_ERROR",
    )
    assert msg.startswith("subsequences[0]._id")


def test_subsequence_ids_are_kept_and_patch_replaces_the_array(api: httpx.Client):
    data = create(api, subsequences=[_sub(1), _sub(2)])
    first, second = data["subsequences"]
    renamed = {**_sub(1, name="Renamed"), "_id": first["_id"]}
    patched = ok(api.patch(f"/campaigns/{data['_id']}", json={"subsequences": [renamed]}))
    assert [(s["_id"], s["name"]) for s in patched["subsequences"]] == [(first["_id"], "Renamed")]
    # a trigger may change while the subsequence has enrolled nobody and sent nothing
    changed = {**renamed, "trigger": {"type": "ai_tag", "value": "Other"}}
    ok(api.patch(f"/campaigns/{data['_id']}", json={"subsequences": [changed]}))
    # the removed one cannot be referenced any more
    error(
        api.patch(
            f"/campaigns/{data['_id']}", json={"subsequences": [{**_sub(2), "_id": second["_id"]}]}
        ),
        400,
        "VALIDATION_ERROR",
    )


def test_trigger_immutable_once_subsequence_sent(api: httpx.Client, emulator: Emulator):
    camp = create(api, subsequences=[INTERESTED_SUB])
    cid = camp["_id"]
    cl = add_lead(api, cid)
    resp = patch_lead(api, cid, cl["_id"], {"aiTag": "Interested"})
    assert resp.json()["subsequenceEnrollment"]["action"] == "enrolled"
    ok(api.post(f"/campaigns/{cid}/start"))
    summary = emulator.tick(60)
    assert summary["subsequenceEmailsSent"] == 1
    before = get(api, cid)
    sub = before["subsequences"][0]
    assert sub["addedCount"] == 1 and sub["stats"]["sent"] == 1
    assert before["stats"]["sent"] == 1

    edited = {
        "_id": sub["_id"],
        "name": sub["name"],
        "sequence": INTERESTED_SUB["sequence"],
        "trigger": {"type": "ai_tag", "value": "Meeting Booked"},
    }
    msg = error(
        api.patch(f"/campaigns/{cid}", json={"name": "Changed", "subsequences": [edited]}),
        400,
        "TRIGGER_IMMUTABLE",
    )
    assert "subsequences[0].trigger" in msg
    assert get(api, cid) == before  # nothing written, not even the name
    # the same trigger, or a case change of it, is a change too... the same one is not
    same = {**edited, "trigger": sub["trigger"], "name": "Renamed"}
    after = ok(api.patch(f"/campaigns/{cid}", json={"subsequences": [same]}))
    assert after["subsequences"][0]["name"] == "Renamed"
    assert after["subsequences"][0]["addedCount"] == 1
    assert after["subsequences"][0]["stats"] == {"sent": 1}  # counters survive a PATCH
    recased = {**same, "trigger": {"type": "ai_tag", "value": "INTERESTED"}}
    error(
        api.patch(f"/campaigns/{cid}", json={"subsequences": [recased]}), 400, "TRIGGER_IMMUTABLE"
    )


def test_enrollment_alone_locks_the_trigger(api: httpx.Client):
    # "immutable once … addedCount > 0 or stats.sent > 0": enrolling is enough.
    camp = create(api, subsequences=[INTERESTED_SUB])
    cl = add_lead(api, camp["_id"])
    patch_lead(api, camp["_id"], cl["_id"], {"aiTag": "Interested"})
    sub = get(api, camp["_id"])["subsequences"][0]
    assert sub["addedCount"] == 1 and sub["stats"]["sent"] == 0
    edited = {**INTERESTED_SUB, "_id": sub["_id"], "trigger": {"type": "reply"}}
    error(
        api.patch(f"/campaigns/{camp['_id']}", json={"subsequences": [edited]}),
        400,
        "TRIGGER_IMMUTABLE",
    )
