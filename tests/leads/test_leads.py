"""Campaign leads (issue 5) against the sandbox over real loopback HTTP: listing through every
page, bulk add from CSV, local refusals, update (the enrollment table's rows are in
tests/providers/sendkit/test_enrollment.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from outreach_cli.errors import ApiError, ExitCode
from outreach_cli.http import Api, RetryPolicy
from outreach_cli.leads import (
    LeadChange,
    LeadRefused,
    LeadRow,
    add_leads,
    list_leads,
    read_changes,
    read_rows,
    update_lead,
    update_leads,
)
from tests.helpers import track
from tests.leads.helpers import (
    INTERESTED,
    PUFFLE_SENDER,
    campaign,
    emails,
    puffle,
    requests_to,
    sendkit,
    write_csv,
)

# -- list ------------------------------------------------------------------------------------------


def test_list_follows_the_cursor_to_the_end_and_filters_by_status(
    sandbox: Any, tmp_path: Path
) -> None:
    sk = sendkit(sandbox)
    cid = campaign(sk)
    rows, bad = read_rows(write_csv(tmp_path / "l.csv", ["email,firstName", *emails(230)]), sk)
    assert not bad
    assert add_leads(sk, cid, rows).added == 230
    sandbox.sandbox.request_log.clear()

    leads = list_leads(sk, cid)
    assert len(leads) == 230 and len({lead.id for lead in leads}) == 230
    assert {lead.email for lead in leads} == {f"lead{i}@example.org" for i in range(230)}
    assert all(lead.status == "pending" and lead.ai_tag is None for lead in leads)
    # 100 per page (the API's maximum): three GETs for 230 leads.
    assert len(requests_to(sandbox, "GET", f"/campaigns/{cid}/leads")) == 3

    paused = [lead.id for lead in leads[:3]]
    for lid in paused:
        update_lead(sk, cid, lid, status="paused")
    assert {lead.id for lead in list_leads(sk, cid, "paused")} == set(paused)
    assert len(list_leads(sk, cid, "pending")) == 227


def test_list_refuses_an_unknown_status_before_any_request(sandbox: Any) -> None:
    sk = sendkit(sandbox)
    with pytest.raises(LeadRefused.__mro__[1]) as err:  # UsageError
        list_leads(sk, "665a1b2c3d4e5f6a7b8c9d0e", "sleeping")
    assert err.value.exit_code == ExitCode.USAGE
    assert "replied" in (err.value.hint or "")
    assert sandbox.sandbox.request_log == []


def test_puffle_prospects_list_every_page_and_filter(sandbox: Any, tmp_path: Path) -> None:
    pf = puffle(sandbox)
    cid = pf.create(
        {"type": "email", "name": "Puffle leads", "sender_account_ids": [PUFFLE_SENDER]}
    )
    f = write_csv(
        tmp_path / "p.csv",
        [
            "Email,First Name,Company,Plan",
            *[f"p{i}@example.org,P{i},Acme,gold" for i in range(450)],
        ],
    )
    rows, bad = read_rows(f, pf, "email")
    assert not bad
    pf.LEADS_PER_ADD = 200  # type: ignore[misc]  (three batches)
    report = add_leads(pf, cid, rows, concurrency=3)
    assert (report.added, report.skipped, report.requests) == (450, 0, 3)

    leads = list_leads(pf, cid)
    assert len(leads) == 450 and {lead.status for lead in leads} == {"pending"}
    first = next(lead for lead in leads if lead.email == "p0@example.org")
    assert first.extras["company"] == "Acme"
    # 200 per page (Puffle's maximum): three GETs for 450 prospects.
    assert len(requests_to(sandbox, "GET", f"/campaigns/{cid}/leads")) == 3
    assert list_leads(pf, cid, "replied") == []


def test_puffle_batch_with_a_row_the_server_refuses_keeps_the_others(sandbox: Any) -> None:
    pf = puffle(sandbox)
    cid = pf.create(
        {"type": "email", "name": "Puffle bad row", "sender_account_ids": [PUFFLE_SENDER]}
    )
    rows = [
        LeadRow(2, {"email": "ok1@example.org"}),
        LeadRow(3, {"email": "not-an-email"}),
        LeadRow(4, {"email": "ok2@example.org"}),
    ]
    report = add_leads(pf, cid, rows)  # read_rows would have caught line 3; the server does too
    assert (report.added, report.skipped) == (2, 0)
    [failed] = report.failed
    assert failed.line == 3 and "email" in failed.reason
    assert {lead.email for lead in list_leads(pf, cid)} == {"ok1@example.org", "ok2@example.org"}


# -- add -------------------------------------------------------------------------------------------


def test_bulk_add_reports_malformed_rows_by_line_and_a_rerun_adds_nothing(
    sandbox: Any, tmp_path: Path
) -> None:
    sk = sendkit(sandbox)
    cid = campaign(sk)
    lines = ["email,firstName,Plan", *[f"{e},gold" for e in emails(12)]]
    lines.insert(4, "broken@example.org")  # line 5: one field where the header has three
    lines.insert(8, "not an email,Bob,silver")  # line 9
    lines.insert(10, "")  # a blank line is not a row
    f = write_csv(tmp_path / "leads.csv", lines)
    sk.LEADS_PER_ADD = 5  # type: ignore[misc]  (three batches, sent concurrently)

    rows, bad = read_rows(f, sk)
    assert [(b.line, b.result) for b in bad] == [(5, "failed"), (9, "failed")]
    assert "1 fields where the header has 3" in bad[0].reason
    assert "invalid email 'not an email'" in bad[1].reason
    first = add_leads(sk, cid, rows, concurrency=3, rejected=bad)
    assert (first.added, first.skipped, len(first.failed)) == (12, 0, 2)
    assert first.requests == 3
    assert [r.line for r in first.rows] == sorted(r.line for r in first.rows)
    assert {r.result for r in first.rows if r.line not in (5, 9)} == {"added"}
    listed = {lead.email: lead for lead in list_leads(sk, cid)}
    assert len(listed) == 12
    # columns the API does not name become custom fields (kept by the server)
    assert "broken@example.org" not in listed

    again = add_leads(sk, cid, read_rows(f, sk)[0])
    assert (again.added, again.skipped) == (0, 12)
    assert {r.result for r in again.rows} == {"skipped"}
    assert len(list_leads(sk, cid)) == 12


def test_a_batch_that_fails_whole_reports_every_row(sandbox: Any, tmp_path: Path) -> None:
    sk = sendkit(sandbox)
    rows, _ = read_rows(
        write_csv(tmp_path / "l.csv", ["email", "a@example.org", "b@example.org"]), sk
    )
    report = add_leads(sk, "665a1b2c3d4e5f6a7b8c9d0e", rows)  # no such campaign
    assert [(r.line, r.result) for r in report.rows] == [(2, "failed"), (3, "failed")]
    assert all("Campaign not found" in r.reason for r in report.rows)


def test_csv_headers_map_to_the_platforms_field_names(sandbox: Any, tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "l.csv",
        ['"First Name",EMAIL,company,"Deal size"', 'Ann,ann@example.org,"Acme, Inc",10k'],
    )
    rows, bad = read_rows(f, "sendkit")
    assert not bad
    assert rows[0].fields == {
        "firstName": "Ann",
        "email": "ann@example.org",
        "companyName": "Acme, Inc",
        "Deal size": "10k",
    }
    rows, _ = read_rows(f, "puffle", "email")
    assert rows[0].fields["first_name"] == "Ann" and rows[0].fields["company"] == "Acme, Inc"


def test_an_unclosed_quote_is_reported_at_the_line_it_starts(tmp_path: Path) -> None:
    f = write_csv(
        tmp_path / "l.csv",
        ["email,firstName", "a@example.org,Ann", 'b@example.org,"Bo', "c@example.org,Cy"],
    )
    rows, bad = read_rows(f, "sendkit")
    assert [r.line for r in rows] == [2]
    # The quote swallowed line 4: both are reported, neither is sent.
    assert [(b.line, b.reason) for b in bad] == [(3, "an unclosed quote: lines 3-4 were not read")]


# -- update: local refusals ------------------------------------------------------------------------


def test_status_other_than_active_or_paused_is_refused_before_any_request(sandbox: Any) -> None:
    sk = sendkit(sandbox)
    with pytest.raises(LeadRefused) as err:
        update_lead(sk, "665a1b2c3d4e5f6a7b8c9d0e", "665a1b2c3d4e5f6a7b8c9d0f", status="completed")
    assert "only to active or paused" in err.value.message
    assert err.value.exit_code == ExitCode.USAGE
    assert sandbox.sandbox.request_log == []


def test_unknown_tag_is_refused_with_the_labels_and_no_patch_is_sent(
    sandbox: Any, tmp_path: Path
) -> None:
    sk = sendkit(sandbox)
    cid = campaign(sk)
    add_leads(sk, cid, read_rows(write_csv(tmp_path / "l.csv", ["email", "a@example.org"]), sk)[0])
    [lead] = list_leads(sk, cid)
    sandbox.sandbox.request_log.clear()
    with pytest.raises(LeadRefused) as err:
        update_lead(sk, cid, lead.id, tag="Hot Lead")
    for label in (
        "Interested",
        "Not Interested",
        "Meeting Booked",
        "Out of Office",
        "Wrong Person",
    ):
        assert repr(label) in err.value.message
    assert [r[0] for r in sandbox.sandbox.request_log] == ["GET"]  # GET /tags only
    assert requests_to(sandbox, "GET", "/tags")


def test_tag_is_sent_as_the_workspace_spells_it(sandbox: Any, tmp_path: Path) -> None:
    sk = sendkit(sandbox)
    cid = campaign(sk)
    add_leads(sk, cid, read_rows(write_csv(tmp_path / "l.csv", ["email", "a@example.org"]), sk)[0])
    [lead] = list_leads(sk, cid)
    result = update_lead(sk, cid, lead.id, tag="  meeting BOOKED ")
    assert result.result == "updated" and result.lead is not None
    assert result.lead.ai_tag == "Meeting Booked"
    assert result.enrollment is None  # no subsequence in this campaign


def test_invalid_tag_from_the_server_is_the_backstop(sandbox: Any, tmp_path: Path) -> None:
    sk = sendkit(sandbox)
    cid = campaign(sk)
    add_leads(sk, cid, read_rows(write_csv(tmp_path / "l.csv", ["email", "a@example.org"]), sk)[0])
    [lead] = list_leads(sk, cid)
    # The labels the client saw are stale: the server still refuses the tag.
    sk.list_tags = lambda: [{"name": "Interested"}, {"name": "Ghost"}]  # type: ignore[method-assign]
    with pytest.raises(ApiError) as err:
        update_lead(sk, cid, lead.id, tag="Ghost")
    assert err.value.code == "INVALID_TAG"
    report = update_leads(
        sk,
        cid,
        [LeadChange(lead.id, tag="Ghost", line=2), LeadChange(lead.id, status="paused", line=3)],
    )
    assert [(r.change.line, r.result) for r in report.results] == [(2, "failed"), (3, "updated")]
    assert "INVALID_TAG" in report.results[0].reason


def test_changes_file_rows_are_refused_one_by_one(sandbox: Any, tmp_path: Path) -> None:
    sk = sendkit(sandbox)
    cid = campaign(sk, [INTERESTED])
    src = write_csv(tmp_path / "l.csv", ["email,firstName", *emails(3)])
    add_leads(sk, cid, read_rows(src, sk)[0])
    a, b, c = list_leads(sk, cid)
    f = write_csv(
        tmp_path / "changes.csv",
        [
            "lead_id,status,tag",
            f"{a.id},paused,",
            f"{b.id},removed,",  # line 3: refused locally
            f"{c.id},,Nope",  # line 4: unknown tag
            "too,many,fields,here",  # line 5: malformed
            f"{c.email},,Interested",  # line 6: by email
            f"{c.id},active,",
        ],
    )
    changes, bad = read_changes(f)
    assert [b_.change.line for b_ in bad] == [5]
    report = update_leads(sk, cid, changes, rejected=bad, concurrency=3)
    got = [(r.change.line, r.result) for r in report.results]
    assert got == [
        (2, "updated"),
        (3, "refused"),
        (4, "refused"),
        (5, "refused"),
        (6, "updated"),
        (7, "updated"),
    ]
    assert report.results[4].enrollment is not None
    assert report.results[4].enrollment.action == "enrolled"
    by_id = {lead.id: lead for lead in list_leads(sk, cid)}
    assert by_id[a.id].status == "paused" and by_id[b.id].status == "pending"
    assert by_id[c.id].status == "active" and by_id[c.id].ai_tag == "Interested"


# -- lemlist ---------------------------------------------------------------------------------------


def test_lemlist_leads_are_added_one_per_call_and_listed(sandbox: Any, tmp_path: Path) -> None:
    from outreach_cli.http import shared_limiter
    from outreach_cli.providers.lemlist import Lemlist

    api = Api(
        "lemlist",
        sandbox.url + "/lemlist/api",
        auth=("", "lemlist-leads-key"),
        limiter=shared_limiter("lemlist", "lemlist-leads-key", 20, 2.0),
        retry=RetryPolicy(base=0.001),
    )
    track(api)
    lm = Lemlist(api)
    cid = lm.client.post("/campaigns", json={"name": "lemlist leads"}).data["_id"]
    f = write_csv(
        tmp_path / "l.csv",
        [
            "email,firstName,Plan",
            "a@example.org,Ann,gold",
            "b@example.org,Bo,silver",
            "a@example.org,Ann,gold",
            ",Nobody,",
        ],
    )
    rows, bad = read_rows(f, lm)
    assert [(b.line, b.reason) for b in bad] == [(5, "needs an email or a linkedinUrl")]
    report = add_leads(lm, cid, rows, concurrency=2, rejected=bad)
    assert (report.added, report.skipped, report.requests) == (2, 1, 3)
    assert [(r.line, r.result) for r in report.rows] == [
        (2, "added"),
        (3, "added"),
        (4, "skipped"),
        (5, "failed"),
    ]
    leads = list_leads(lm, cid)
    assert len(leads) == 2 and all(lead.status for lead in leads)
    assert all(lead.extras.get("contactId") for lead in leads)
    again = add_leads(lm, cid, rows)
    assert (again.added, again.skipped) == (0, 3)


def test_sendkit_entry_errors_are_reported_by_line(sandbox: Any, tmp_path: Path) -> None:
    sk = sendkit(sandbox)
    cid = campaign(sk)
    f = write_csv(
        tmp_path / "l.csv",
        ["leadId,email", ",a@example.org", "665a1b2c3d4e5f6a7b8c9d0e,", ",b@example.org"],
    )
    report = add_leads(sk, cid, read_rows(f, sk)[0])
    assert (report.added, report.skipped) == (2, 0)
    [failed] = report.failed
    assert failed.line == 3 and "not found" in failed.reason
