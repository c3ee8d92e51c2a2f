"""`--target`/`--exclude` and `state forget` name campaigns the same way (targets.py)."""

from __future__ import annotations

from dataclasses import dataclass

from outreach_cli.targets import matches, select


@dataclass
class _Doc:
    address: str


def test_a_key_or_address_names_a_campaign_exactly_or_as_a_glob() -> None:
    assert matches("sendkit/q2-cto", "q2-cto")
    assert matches("sendkit/q2-cto", "sendkit/q2-cto")
    assert matches("acme/q2-cto", "q2-*")
    assert matches("acme/q2-cto", "acme/*")
    assert not matches("acme/q2-cto", "q3-*")
    assert not matches("acme/q2-cto", "Q2-CTO")  # case-sensitive, as keys are
    assert matches("acme/q2[eu]", "q2[eu]")  # a key with glob characters, named as it is


def test_select_keeps_targets_then_drops_excludes() -> None:
    docs = [_Doc("a/one"), _Doc("a/two"), _Doc("b/three")]
    assert select(docs, None, None) == docs
    assert [d.address for d in select(docs, ["a/*"], ["two"])] == ["a/one"]
    assert [d.address for d in select(docs, None, ["t*"])] == ["a/one"]
