"""diff.py pairs list items by the keys a platform declares (ListKey), never by position."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from outreach_cli.diff import diff
from outreach_cli.providers.base import ListKey
from outreach_cli.providers.lemlist import Lemlist
from outreach_cli.providers.puffle import Puffle
from outreach_cli.providers.sendkit import SendKit

STEPS = {"steps": ListKey(fixed=("type",))}


def _s(subject: str, type: str = "email") -> dict[str, Any]:
    return {"type": type, "subject": subject}


def _ops(desired: list[Any], actual: list[Any], keys: Any = STEPS) -> list[tuple[Any, ...]]:
    return [
        (c.dotted, c.op, c.how, c.source)
        for c in diff({"steps": desired}, {"steps": actual}, keys=keys)
    ]


def test_an_insertion_is_one_add_marked_inserted() -> None:
    old = [_s("a"), _s("b"), _s("c")]
    assert _ops([_s("a"), _s("x"), _s("b"), _s("c")], old) == [
        ("steps[1]", "add", "inserted", None)
    ]
    assert _ops([*old, _s("d")], old) == [("steps[3]", "add", "", None)]  # appended


def test_a_removal_is_one_remove_of_that_item() -> None:
    old = [_s("a"), _s("b"), _s("c")]
    assert _ops([_s("a"), _s("c")], old) == [("steps[1]", "remove", "", None)]


def test_an_edit_after_an_insertion_names_the_remote_item_it_edits() -> None:
    old = [_s("a"), _s("b")]
    assert _ops([_s("x"), _s("a"), _s("b2")], old) == [
        ("steps[0]", "add", "inserted", None),
        ("steps[2].subject", "change", "", ("steps", 1, "subject")),
    ]


def test_a_move_is_one_change_marked_moved() -> None:
    old = [_s("a"), _s("b"), _s("c")]
    assert _ops([_s("c"), _s("a"), _s("b")], old) == [("steps[0]", "change", "moved", ("steps", 2))]


def test_a_fixed_field_change_replaces_the_item_in_place() -> None:
    old = [_s("a"), _s("b", "linkedinVisit"), _s("c")]
    assert _ops([_s("a"), _s("b", "linkedinInvite"), _s("c")], old) == [
        ("steps[1]", "add", "", ("steps", 1))
    ]


def test_ids_and_their_alias_pair_across_positions_and_are_not_content() -> None:
    keys = {"steps": ListKey(ids=("_id", "id"), names=("name",), ordered=False)}
    old = [{"_id": "1", "name": "one", "t": 1}, {"_id": "2", "name": "two", "t": 2}]
    assert _ops(
        [{"id": "2", "name": "two", "t": 2}, {"_id": "1", "name": "uno", "t": 1}], old, keys
    ) == [("steps[1].name", "change", "", ("steps", 0, "name"))]
    # an id the remote lacks is a new item, even with a name the remote has
    assert _ops(
        [{"_id": "9", "name": "one", "t": 1}, {"_id": "2", "name": "two", "t": 2}], old, keys
    ) == [("steps[0]", "add", "", None), ("steps[0]", "remove", "", None)]


def test_unordered_lists_ignore_a_reorder() -> None:
    keys = {"steps": ListKey(names=("label",), ordered=False)}
    old = [{"label": "A", "s": 1}, {"label": "B", "s": 2}]
    assert _ops([{"label": "B", "s": 2}, {"label": "A", "s": 1}], old, keys) == []


def test_every_platform_declares_its_lists() -> None:
    assert set(Lemlist.LIST_KEYS) == {"steps"}
    assert set(Puffle.LIST_KEYS) == {"sequence_nodes"}
    assert {
        "sequence",
        "subsequences",
        "sequence.variants",
        "subsequences.sequence.variants",
    } <= set(SendKit.LIST_KEYS)


@given(
    st.lists(st.sampled_from("abcdefgh"), max_size=7, unique=True),
    st.integers(0, 7),
    st.sampled_from("xyz"),
)
def test_inserting_or_removing_one_item_is_exactly_one_change(
    subjects: list[str], at: int, new: str
) -> None:
    old = [_s(x) for x in subjects]
    at = min(at, len(old))
    inserted = _ops([*old[:at], _s(new), *old[at:]], old)
    assert [(p, op) for p, op, _, _ in inserted] == [(f"steps[{at}]", "add")]
    if old:
        gone = min(at, len(old) - 1)
        removed = _ops(old[:gone] + old[gone + 1 :], old)
        assert [(p, op) for p, op, _, _ in removed] == [(f"steps[{gone}]", "remove")]
