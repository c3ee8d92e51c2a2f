"""The fast path of validate: the positioned reader's data; never more lenient than jsonschema."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from outreach_cli.documents import expand_paths, load_file
from outreach_cli.fastread import load_fast
from outreach_cli.validate import _fast, _validator, validate_paths

REPO = Path(__file__).resolve().parent.parent
EXAMPLES, _ = expand_paths([str(REPO / "campaigns")])


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return str(path)


@pytest.mark.parametrize("file", EXAMPLES, ids=lambda f: Path(f).name)
def test_fast_reader_gives_the_positioned_readers_data(file: str) -> None:
    env = {"WEBHOOK_SECRET": "s3cret"}
    fast = load_fast(file, env)
    slow, problems = load_file(file, env)
    assert fast is not None and problems == []
    assert [s.data for s in fast] == [s.data for s in slow]
    assert [s.env_paths for s in fast] == [s.env_paths for s in slow]
    assert [s.env_templates for s in fast] == [s.env_templates for s in slow]
    assert [s.includes for s in fast] == [s.includes for s in slow]
    assert all(type(k) is str for s in fast for k in s.data)


ODD = {
    "merge key": "a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\n",
    "alias": "a: &x [1]\nb: *x\n",
    "duplicate key": "a: 1\na: 2\n",
    "number key": "1: one\n",
    "bool key": "yes: 1\n",
    "date key": "2024-01-01: x\n",
    "unknown tag": "a: !secret x\n",
    "unset variable": "a: ${NOT_SET_ANYWHERE}\n",
    "missing include": "a: !file nowhere.txt\n",
    "set": "a: !!set {x, y}\n",
    "invalid": "a: [1\n",
}


@pytest.mark.parametrize("name", ODD)
def test_fast_reader_hands_odd_files_to_the_positioned_reader(tmp_path: Path, name: str) -> None:
    assert load_fast(write(tmp_path / "c.yaml", ODD[name]), {}) is None


def _nested(depth: int, leaf: str) -> str:
    """A document whose deepest value (`leaf`, or an empty list) sits at `depth` (root = 1)."""
    if leaf:
        return "[" * (depth - 1) + leaf + "]" * (depth - 1) + "\n"
    return "[" * depth + "]" * depth + "\n"


BOUNDS = {
    "deepest scalar at the limit": _nested(64, "1"),
    "scalar one past the limit": _nested(65, "1"),
    "empty list at the limit": _nested(64, ""),
    "empty list past the limit": _nested(65, ""),
    "mapping at the limit": "{a: " * 63 + "1" + "}" * 63 + "\n",
    "mapping past the limit": "{a: " * 64 + "1" + "}" * 64 + "\n",
    "list at the limit": "[" + ", ".join(["1"] * 2000) + "]\n",
    "list past the limit": "[" + ", ".join(["1"] * 2001) + "]\n",
    "integer at the limit": f"a: {2**53}\nb: -{2**53}\n",
    "integer past the limit": f"a: {2**53 + 1}\n",
    "negative integer past the limit": f"a: -{2**53 + 1}\n",
    "hex integer past the limit": f"a: 0x{2**53 + 1:x}\n",
}


@pytest.mark.parametrize("name", BOUNDS)
def test_fast_reader_holds_the_positioned_readers_bounds(tmp_path: Path, name: str) -> None:
    # Checked while building (no second walk): a file within every bound reads the same on
    # both paths; one past a bound goes to the positioned reader, which reports it.
    file = write(tmp_path / "c.yaml", BOUNDS[name])
    fast = load_fast(file, {})
    slow, problems = load_file(file, {})
    # Each text is valid YAML: any problem is a bound.
    assert (fast is None) == bool(problems), (name, problems)
    assert ("past" in name) == bool(problems)
    if fast is not None:
        assert [s.data for s in fast] == [s.data for s in slow]


@pytest.mark.slow
def test_the_densest_file_the_fast_path_takes_is_under_the_values_bound(tmp_path: Path) -> None:
    # fastread counts no values: it relies on FAST_MAX_BYTES holding fewer than MAX_VALUES.
    # The densest form: a flow mapping of distinct bare string keys with no values.
    import itertools
    import string

    import yaml

    from outreach_cli import documents
    from outreach_cli.fastread import FAST_MAX_BYTES

    alpha = string.ascii_letters + string.digits
    resolve = yaml.resolver.Resolver().resolve
    keys, size = [], 2
    for k in (k for n in (1, 2, 3) for k in map("".join, itertools.product(alpha, repeat=n))):
        if size + len(k) + 1 > FAST_MAX_BYTES:
            break
        if resolve(yaml.ScalarNode, k, (True, False)) == "tag:yaml.org,2002:str":
            keys.append(k)
            size += len(k) + 1
    file = write(tmp_path / "dense.yaml", "{" + ",".join(keys) + "}\n")
    assert size > FAST_MAX_BYTES - 8  # the file really fills the fast path's limit
    assert 2 * len(keys) + 1 < documents.MAX_VALUES
    fast = load_fast(file, {})
    slow, problems = load_file(file, {})
    assert problems == [] and fast is not None and fast[0].data == slow[0].data


def test_fast_reader_expands_variables_includes_and_keeps_dates_as_text(tmp_path: Path) -> None:
    write(tmp_path / "body.html", "<p>Hi</p>\n")
    file = write(tmp_path / "c.yaml", "a: ${X}-$$\nb: [x, '${Y:-dflt}']\nc: !file body.html\n"
                                      "d: 2024-01-01\ne: $$plain\n--- \n")
    fast = load_fast(file, {"X": "x"})
    slow, problems = load_file(file, {"X": "x"})
    assert fast is not None and problems == []
    assert fast[0].data == slow[0].data == {"a": "x-$", "b": ["x", "dflt"], "c": "<p>Hi</p>\n",
                                            "d": "2024-01-01", "e": "$plain"}
    assert fast[0].env_paths == slow[0].env_paths == {("a",), ("b", 1)}
    assert fast[0].env_templates == slow[0].env_templates == {("a",): "${X}-$$",
                                                              ("b", 1): "${Y:-dflt}"}
    assert type(fast[0].data["a"]) is str and type(fast[0].data["c"]) is str
    assert fast[0].includes == slow[0].includes == {("c",): "body.html"}
    assert fast[0].positioned is False and fast[0].count == 1


def test_a_file_with_a_problem_is_reported_with_positions(tmp_path: Path) -> None:
    file = write(tmp_path / "c.yaml", "provider: sendkit\ncampaign:\n  name: X\n"
                                      "  sequence: []\n  settings: {dailySendLimit: -1}\n")
    result = validate_paths([file], {})
    assert [(d.line, d.path) for d in result.errors] == [(5, "campaign.settings.dailySendLimit")]
    assert result.count == 0 and result.files == 1


def test_duplicate_keys_across_fast_files_name_both_lines(tmp_path: Path) -> None:
    doc = "# a comment\nprovider: sendkit\nkey: same\ncampaign: {name: N, sequence: []}\n"
    a = write(tmp_path / "a.yaml", doc)
    b = write(tmp_path / "b.yaml", "\n" + doc)
    for keep in (True, False):
        result = validate_paths([str(tmp_path)], {}, keep=keep)
        [err] = result.errors
        assert (err.file, err.line, err.col) == (b, 4, 6)
        assert f"{a}:3" in err.message
        assert result.count == 1 and result.files == 2
        assert [d.file for d in result.documents] == ([a] if keep else [])


def _mutations(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, replacement) pairs: every node replaced by values of other types."""
    for bad in (None, True, 0, 1, -1, 1.5, "", "x", "@", [], {}, ["x"], {"x": 1},
                # format edges, where fastjsonschema's own regexes differ from validate's
                "ann@", "ops@localhost", "sam@example.com", "Sam <sam@example.com>",
                "not a url", "http://", "https://example.com/hook", "mailto:x@y.z",
                "a b", "host-.example", "example.com", "-x.com"):
        if bad != value or type(bad) is not type(value):
            yield path, bad
    if isinstance(value, dict):
        yield path, {**value, "unknownField": 1}
        for k, v in value.items():
            yield path, {kk: vv for kk, vv in value.items() if kk != k}
            yield from _mutations(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _mutations(v, (*path, i))
        if value:
            yield path, [*value, value[0]]


def _put(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    out = copy.deepcopy(data)
    cur = out
    for p in path[:-1]:
        cur = cur[p]
    cur[path[-1]] = value
    return out


@pytest.mark.parametrize("file", EXAMPLES, ids=lambda f: Path(f).name)
def test_compiled_check_is_never_more_lenient_than_jsonschema(file: str) -> None:
    sources, _ = load_file(file, {"WEBHOOK_SECRET": "s3cret"})
    checked = 0
    for src in sources:
        provider = src.data["provider"]
        fast = _fast(provider)
        assert fast(src.data)  # the examples pass both
        for path, bad in _mutations(src.data):
            doc = _put(src.data, path, bad)
            if fast(doc):
                errors = list(_validator(provider).iter_errors(doc))
                assert errors == [], (path, bad, errors[0].message)
            checked += 1
    assert checked > 100


def test_validate_does_not_import_httpx() -> None:
    import subprocess
    import sys

    code = ("import sys; from outreach_cli.validate import validate_paths; "
            f"r = validate_paths([{str(REPO / 'campaigns')!r}], {{'WEBHOOK_SECRET': 'x'}}); "
            "assert r.count > 0 and not r.errors, r.errors; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'httpx'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("file", EXAMPLES, ids=lambda f: Path(f).name)
def test_compiled_check_leaves_the_data_as_read(file: str) -> None:
    """fastjsonschema fills in `default`s unless told not to: the documents must stay as
    written (a filled-in default would show up in the plan as a change)."""
    for src in load_fast(file, {"WEBHOOK_SECRET": "s3cret"}) or []:
        before = copy.deepcopy(src.data)
        assert _fast(src.data["provider"])(src.data)
        assert src.data == before


def test_one_validator_per_provider_and_process() -> None:
    assert _validator("sendkit") is _validator("sendkit")
    assert _fast("sendkit") is _fast("sendkit")
    assert _fast("sendkit") is not _fast("puffle")


PLANTED = """
import pathlib
pathlib.Path({marker!r}).write_text("ran")
def validate(data, custom_formats=None):
    return data
"""


@pytest.mark.parametrize("where", ["OUTREACH_CACHE_DIR", "~/.cache/outreach"])
def test_code_planted_in_a_cache_folder_is_never_run(tmp_path: Path, where: str) -> None:
    """Whoever can write the cache folder cannot run code as the user, nor make an invalid
    file pass: validate loads nothing from there (it used to exec marshalled schemas)."""
    import marshal
    import os
    import subprocess
    import sys

    home = tmp_path / "home"
    cache = tmp_path / "cache" if where == "OUTREACH_CACHE_DIR" else home / ".cache" / "outreach"
    env = {k: v for k, v in os.environ.items()
           if k not in ("OUTREACH_CACHE_DIR", "XDG_CACHE_HOME")}
    env["HOME"] = str(home)
    if where == "OUTREACH_CACHE_DIR":
        env["OUTREACH_CACHE_DIR"] = str(cache)
    good = write(tmp_path / "c" / "good.yaml", "provider: puffle\ncampaign: {name: N}\n")
    bad = write(tmp_path / "c" / "bad.yaml", "provider: puffle\ncampaign: {nam: N}\n")
    script = Path(sys.executable).parent / "outreach"

    def validate(file: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(script), "validate", file], env=env, cwd=tmp_path,
                              capture_output=True, text=True, check=False)

    validate(good)  # whatever a first run leaves in the cache folder, planted over below
    cache.mkdir(parents=True, exist_ok=True)
    marker = tmp_path / "PWNED"
    code = marshal.dumps(compile(PLANTED.format(marker=str(marker)), "<planted>", "exec"))
    names = {p.name for p in cache.iterdir()} | {
        f"schema-{p}-{'0' * 24}.marshal" for p in ("sendkit", "lemlist", "puffle")}
    for name in names:
        (cache / name).write_bytes(code)
    before = sorted(p.name for p in cache.iterdir())
    result = validate(bad)
    assert result.returncode == 1, result.stdout + result.stderr  # still refused
    assert "nam" in result.stdout + result.stderr
    assert not marker.exists()
    assert sorted(p.name for p in cache.iterdir()) == before  # nothing written there either


def test_a_fast_document_reads_its_positions_when_asked(tmp_path: Path) -> None:
    file = write(tmp_path / "c.yaml", "provider: sendkit\n\ncampaign:\n  name: N\n"
                                      "  sequence: []\n")
    [doc] = validate_paths([file], {}).documents
    assert doc.source.positioned is False and doc.source.positions == {}
    assert doc.source.pos(("campaign", "name")) == (4, 9)  # read from the file on demand
    assert doc.source.positioned is True
