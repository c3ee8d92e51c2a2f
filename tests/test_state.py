"""`.outreach/state.json`: round trip, atomic writes, the lock, and refusing bad files."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path

import pytest

from outreach_cli.errors import OutreachError
from outreach_cli.state import STATE_VERSION, Entry, State

ID1 = "665a1b2c3d4e5f6a7b8c9d0e"
ID2 = "665a1b2c3d4e5f6a7b8c9d0f"


def test_round_trip(tmp_path: Path):
    d = tmp_path / ".outreach"
    state = State(d)
    assert state.get("sendkit/q2") is None
    with state.locked():
        state.record(
            "sendkit/q2", ID1, "2024-05-01T10:00:00.000Z", {"settings.webhook.secret": "h1"}
        )
        state.record("lemlist/intro", "cam_123", None)

    again = State(d)
    entry = again.get("sendkit/q2")
    assert entry is not None
    assert (entry.id, entry.revision, entry.hashes) == (
        ID1,
        "2024-05-01T10:00:00.000Z",
        {"settings.webhook.secret": "h1"},
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.applied_at or "")
    other = again.get("lemlist/intro")
    assert other is not None
    assert (other.id, other.revision, other.hashes) == ("cam_123", None, {})

    raw = json.loads((d / "state.json").read_text("utf-8"))
    assert raw["version"] == STATE_VERSION
    assert list(raw["campaigns"]) == ["lemlist/intro", "sendkit/q2"]
    assert raw["campaigns"]["sendkit/q2"]["id"] == ID1
    assert raw["campaigns"]["sendkit/q2"]["appliedAt"] == entry.applied_at


def test_missing_directory_is_an_empty_state(tmp_path: Path):
    state = State(tmp_path / "nowhere")
    assert state.entries == {}
    assert not (tmp_path / "nowhere").exists()  # reading creates nothing


def test_atomic_write_leaves_no_temp_files(tmp_path: Path):
    d = tmp_path / ".outreach"
    state = State(d)
    for i in range(3):
        with state.locked():
            state.record(f"sendkit/c{i}", ID1, str(i))

    assert sorted(p.name for p in d.iterdir()) == ["state.json", "state.lock"]
    assert len(State(d).entries) == 3


def test_failed_write_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    d = tmp_path / ".outreach"
    state = State(d)
    with state.locked():
        state.record("sendkit/q2", ID1, "r1")
    before = (d / "state.json").read_bytes()

    def refuse(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"), state.locked():
        state.record("sendkit/q2", ID2, "r2")
    monkeypatch.undo()

    assert (d / "state.json").read_bytes() == before
    assert sorted(p.name for p in d.iterdir()) == ["state.json", "state.lock"]


def test_error_inside_the_block_writes_nothing(tmp_path: Path):
    d = tmp_path / ".outreach"
    state = State(d)
    with state.locked():
        state.record("sendkit/q2", ID1, "r1")

    with pytest.raises(RuntimeError), state.locked():
        state.record("sendkit/q2", ID2, "r2")
        raise RuntimeError("apply failed")

    entry = State(d).get("sendkit/q2")
    assert entry is not None and entry.id == ID1


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "",
        '{"version": 1, "campaigns": {"a": {}}}',
        "null",
        "[]",
        '{"version": 1, "campaigns": {"a": 3}}',
    ],
)
def test_corrupt_state_file_names_the_file(tmp_path: Path, content: str):
    d = tmp_path / ".outreach"
    d.mkdir()
    (d / "state.json").write_text(content, "utf-8")

    with pytest.raises(OutreachError) as info:
        State(d)

    assert str(d / "state.json") in info.value.message
    assert "unreadable state file" in info.value.message
    assert info.value.hint and "move it aside" in info.value.hint


@pytest.mark.parametrize("version", [2, 0, "1", None])
def test_wrong_version_is_refused(tmp_path: Path, version: object):
    d = tmp_path / ".outreach"
    d.mkdir()
    (d / "state.json").write_text(json.dumps({"version": version, "campaigns": {}}), "utf-8")

    with pytest.raises(OutreachError) as info:
        State(d)

    assert str(d / "state.json") in info.value.message
    assert f"state version {version!r} is not {STATE_VERSION}" in info.value.message


def test_record_merges_hashes_while_the_id_stays(tmp_path: Path):
    state = State(tmp_path)
    state.record("sendkit/q2", ID1, "r1", {"settings.webhook.secret": "h1"})
    state.record("sendkit/q2", ID1, "r2", {"mailboxes": "h2"})
    state.record("sendkit/q2", ID1, "r3")

    entry = state.get("sendkit/q2")
    assert entry is not None
    assert entry.revision == "r3"
    assert entry.hashes == {"settings.webhook.secret": "h1", "mailboxes": "h2"}

    state.record("sendkit/q2", ID1, "r4", {"mailboxes": "h3"})
    assert state.entries["sendkit/q2"].hashes["mailboxes"] == "h3"


def test_record_replaces_the_entry_when_the_id_changes(tmp_path: Path):
    state = State(tmp_path)
    state.record("sendkit/q2", ID1, "r1", {"settings.webhook.secret": "h1"})
    state.record("sendkit/q2", ID2, "r9")

    entry = state.get("sendkit/q2")
    assert entry is not None
    assert (entry.id, entry.revision, entry.hashes) == (ID2, "r9", {})


def test_entry_json_sorts_hashes():
    e = Entry("x", "r", {"b": "2", "a": "1"}, "2024-01-01T00:00:00Z")
    assert list(e.to_json()["hashes"]) == ["a", "b"]


def _record_concurrently(states: list[State], d: Path) -> State:
    """Each thread records its own address under the lock, with a pause that would lose
    updates if the lock or the re-read were missing."""
    start = threading.Barrier(len(states))
    errors: list[BaseException] = []

    def worker(i: int, state: State) -> None:
        try:
            start.wait()
            with state.locked():
                time.sleep(0.02)
                state.record(f"sendkit/c{i}", f"id{i}", f"r{i}", {"h": str(i)})
        except BaseException as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i, s)) for i, s in enumerate(states)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert errors == []

    final = State(d)
    for i in range(len(states)):
        assert final.entries[f"sendkit/c{i}"].id == f"id{i}"
        assert final.entries[f"sendkit/c{i}"].hashes == {"h": str(i)}
    return final


def test_two_threads_on_one_state_lose_no_update(tmp_path: Path):
    d = tmp_path / ".outreach"
    state = State(d)
    final = _record_concurrently([state, state], d)
    assert sorted(final.entries) == ["sendkit/c0", "sendkit/c1"]


def test_separate_state_objects_lose_no_update(tmp_path: Path):
    d = tmp_path / ".outreach"
    with State(d).locked() as s:
        s.record("sendkit/existing", "id-old", "r0")
    # All loaded before anyone writes: each holds a stale copy in memory.
    states = [State(d) for _ in range(4)]
    final = _record_concurrently(states, d)
    # The entry written before they started survives too.
    assert sorted(final.entries) == [
        "sendkit/c0",
        "sendkit/c1",
        "sendkit/c2",
        "sendkit/c3",
        "sendkit/existing",
    ]


def test_locked_rereads_what_another_object_wrote(tmp_path: Path):
    d = tmp_path / ".outreach"
    first, second = State(d), State(d)
    with second.locked():
        second.record("sendkit/b", "idb", "r")
    with first.locked():
        assert first.get("sendkit/b") is not None
        first.record("sendkit/a", "ida", "r")

    assert sorted(State(d).entries) == ["sendkit/a", "sendkit/b"]


# -- the journal ------------------------------------------------------------------------------


def test_record_now_is_durable_at_once_and_compacts_into_the_file(tmp_path: Path):
    d = tmp_path / ".outreach"
    state = State(d)
    state.record_now("sendkit/a", ID1, "r1", {"h": "1"})
    state.record_now("sendkit/b", ID2, "r2")
    state.record_now("sendkit/a", ID1, "r3", {"g": "2"})  # same id: hashes merge
    assert not (d / "state.json").exists()
    lines = (d / "state.journal").read_text("utf-8").splitlines()
    assert [json.loads(x)["address"] for x in lines] == ["sendkit/a", "sendkit/b", "sendkit/a"]

    again = State(d)  # a process that starts now sees every record
    a = again.get("sendkit/a")
    assert a is not None and (a.revision, a.hashes) == ("r3", {"h": "1", "g": "2"})
    assert state.entries.keys() == again.entries.keys()

    state.compact()
    # state.key: the key of the journal lines' checksums
    assert sorted(p.name for p in d.iterdir()) == ["state.json", "state.key", "state.lock"]
    raw = json.loads((d / "state.json").read_text("utf-8"))
    assert raw["campaigns"]["sendkit/a"]["hashes"] == {"g": "2", "h": "1"}
    assert State(d).entries.keys() == {"sendkit/a", "sendkit/b"}


def test_journal_replays_over_the_file_and_ignores_a_torn_last_line(tmp_path: Path):
    d = tmp_path / ".outreach"
    with State(d).locked() as s:
        s.record("sendkit/a", ID1, "old")
    State(d).record_now("sendkit/a", ID2, "new")  # a new id replaces the entry
    with open(d / "state.journal", "a", encoding="utf-8") as fh:
        fh.write('{"address": "sendkit/c", "id": "x", "rev')  # killed mid-write
    state = State(d)
    a = state.get("sendkit/a")
    assert a is not None and (a.id, a.revision) == (ID2, "new")
    assert state.get("sendkit/c") is None
    state.compact()
    assert State(d).get("sendkit/a").id == ID2  # type: ignore[union-attr]
    assert not (d / "state.journal").exists()


def test_a_complete_bad_journal_line_names_the_file_and_line(tmp_path: Path):
    d = tmp_path / ".outreach"
    State(d).record_now("sendkit/a", ID1, "r")
    with open(d / "state.journal", "a", encoding="utf-8") as fh:
        fh.write('{"id": "no address"}\n')
    with pytest.raises(OutreachError, match=r"state\.journal:2: unreadable"):
        State(d)


def test_record_now_inside_a_locked_block_of_the_same_state(tmp_path: Path):
    """An apply-wide lock held by one thread, records made by worker threads: no deadlock."""
    d = tmp_path / ".outreach"
    state = State(d)
    with state.locked():
        workers = [
            threading.Thread(target=state.record_now, args=(f"sendkit/c{i}", f"id{i}", "r"))
            for i in range(4)
        ]
        for t in workers:
            t.start()
        for t in workers:
            t.join(timeout=5)
        assert not any(t.is_alive() for t in workers)
        assert len(State(d).entries) == 4  # already durable, before the block ends
        state.compact()  # inside the block: left to the block's exit (no self-deadlock)
        assert (d / "state.journal").exists()
    assert sorted(State(d).entries) == [f"sendkit/c{i}" for i in range(4)]
    assert not (d / "state.journal").exists()


def test_record_now_from_separate_objects_and_threads_loses_nothing(tmp_path: Path):
    d = tmp_path / ".outreach"
    states = [State(d) for _ in range(3)]
    threads = [
        threading.Thread(
            target=lambda s=s, i=i: [
                s.record_now(f"sendkit/s{i}-{j}", f"id{j}", "r") for j in range(20)
            ]
        )
        for i, s in enumerate(states)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert len(State(d).entries) == 60
    states[0].compact()
    assert len(State(d).entries) == 60


# -- who may write the state (issue 19) -------------------------------------------------------


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def umask_000():  # type: ignore[no-untyped-def]
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_state_files_and_folder_are_private_whatever_the_umask(tmp_path: Path, umask_000):  # type: ignore[no-untyped-def]
    from outreach_cli.lock import apply_lock

    d = tmp_path / ".outreach"
    with apply_lock(d):  # apply takes it first: it may be what creates the folder
        assert _mode(d / "apply.lock") == 0o600
        assert _mode(d / "apply.lock.holder") == 0o600
        state = State(d)
        state.record_now("sendkit/a", ID1, "r1")
        state.keyed_hash("secret")
        assert _mode(d / "state.journal") == 0o600
        with state.locked():
            state.record("sendkit/b", ID2, "r2")
    assert _mode(d) == 0o700
    for name in ("state.json", "state.lock", "state.key"):
        assert _mode(d / name) == 0o600, name


@pytest.mark.slow
def test_the_cli_creates_a_private_state_folder_under_umask_000(tmp_path: Path, env_sandbox):  # type: ignore[no-untyped-def]
    import shutil
    import subprocess
    import sys

    from tests.helpers import REPO

    shutil.copytree(REPO / "campaigns" / "puffle", tmp_path / "c")
    script = Path(sys.executable).parent / "outreach"
    result = subprocess.run(
        ["sh", "-c", f"umask 000 && exec {script} apply --yes c"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    d = tmp_path / ".outreach"
    assert _mode(d) == 0o700
    files = [p for p in d.iterdir() if p.is_file()]
    assert files and all(_mode(p) == 0o600 for p in files), [(p.name, oct(_mode(p))) for p in files]


def _journal_line(**rec: object) -> str:
    base = {
        "address": "sendkit/evil",
        "id": ID2,
        "revision": "r",
        "hashes": {},
        "appliedAt": "2026-01-01T00:00:00Z",
    }
    return json.dumps({**base, **rec}) + "\n"


@pytest.mark.parametrize(
    "line",
    [
        _journal_line(),  # the shape outreach wrote before, appended by someone else
        _journal_line(mac="hmac-sha256:" + "0" * 64),  # a checksum made without the key
        _journal_line(mac="hmac-sha256:" + "0" * 64, extra=1),  # a foreign shape
        json.dumps(["sendkit/evil", ID2]) + "\n",
    ],
    ids=["no-checksum", "bad-checksum", "foreign-field", "not-an-object"],
)
def test_a_journal_line_that_does_not_belong_is_refused_not_replayed(tmp_path: Path, line: str):
    d = tmp_path / ".outreach"
    State(d).record_now("sendkit/a", ID1, "r")
    with open(d / "state.journal", "a", encoding="utf-8") as fh:
        fh.write(line)
    with pytest.raises(OutreachError, match=r"state\.journal:2: ") as info:
        State(d)
    assert "nothing of the journal was replayed" in str(info.value)
    assert "move it aside" in (info.value.hint or "")


def test_a_journal_line_is_checked_with_this_states_key(tmp_path: Path):
    """A line copied from another state folder (another key) does not belong here."""
    other = tmp_path / "other"
    State(other).record_now("sendkit/evil", ID2, "r")
    d = tmp_path / ".outreach"
    State(d).record_now("sendkit/a", ID1, "r")
    with open(d / "state.journal", "a", encoding="utf-8") as fh:
        fh.write((other / "state.journal").read_text("utf-8"))
    with pytest.raises(OutreachError, match=r"state\.journal:2: .*bad checksum"):
        State(d)


def test_a_previous_versions_journal_is_replayed_only_if_no_one_else_could_write_it(tmp_path: Path):
    d = tmp_path / ".outreach"
    d.mkdir(mode=0o755)
    journal = d / "state.journal"
    journal.write_text(_journal_line(address="sendkit/old", id=ID1))
    journal.chmod(0o644)
    entry = State(d).get("sendkit/old")  # written by the previous version, then killed
    assert entry is not None and entry.id == ID1
    journal.chmod(0o666)  # what umask 000 made of it
    with pytest.raises(OutreachError, match=r"state\.journal:1: .*others can write"):
        State(d)
    journal.chmod(0o644)
    d.chmod(0o777)
    with pytest.raises(OutreachError, match=r"state\.journal:1: "):
        State(d)


def test_moves_and_drops_are_keyed_lines_too(tmp_path: Path):
    d = tmp_path / ".outreach"
    state = State(d)
    state.record_now("sendkit/a", ID1, "r")
    state.record_now("sendkit/b", ID2, "r")
    state.move_now("sendkit/a", "sendkit/renamed")
    state.drop_now("sendkit/b")
    lines = [json.loads(x) for x in (d / "state.journal").read_text("utf-8").splitlines()]
    assert all(rec["mac"].startswith("hmac-sha256:") for rec in lines)
    assert sorted(State(d).entries) == ["sendkit/renamed"]
    with open(d / "state.journal", "a", encoding="utf-8") as fh:  # a forged move
        fh.write(json.dumps({"address": "sendkit/x", "movedFrom": "sendkit/renamed"}) + "\n")
    with pytest.raises(OutreachError, match=r"state\.journal:5: .*without a checksum"):
        State(d)


def test_a_write_only_hash_is_what_earlier_versions_stored(tmp_path: Path) -> None:
    """state.json keeps hashes across upgrades: the form (sorted keys, no spaces, ASCII
    escapes, non-JSON values as text) is pinned, so one shared hasher cannot drift from it."""
    import hashlib
    import hmac

    state = State(tmp_path / ".outreach", key="a-team-key-of-sixteen-chars")
    key = hashlib.sha256(b"outreach-state-key\0a-team-key-of-sixteen-chars").digest()
    value = {"z": "é", "a": [1, 2]}
    blob = b'{"a":[1,2],"z":"\\u00e9"}'
    assert (
        state.keyed_hash(value) == "hmac-sha256:" + hmac.new(key, blob, hashlib.sha256).hexdigest()
    )
