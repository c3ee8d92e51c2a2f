"""The one YAML reader (documents.load_file): PyYAML's data, positions from the same read, the
input bounds, and what validate reports coming from that one read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from outreach_cli import documents, validate
from outreach_cli.documents import expand_paths, load_file
from outreach_cli.environment import expand_vars
from outreach_cli.validate import validate_paths

REPO = Path(__file__).resolve().parent.parent
EXAMPLES, _ = expand_paths([str(REPO / "campaigns")])
ENV = {"WEBHOOK_SECRET": "s3cret"}


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return str(path)


def pyyaml(file: str, env: dict[str, str]) -> list[Any]:
    """The file's documents as PyYAML's own (pure Python) loader builds them, with `!file`
    and `${VAR}` added and timestamps kept as text: an independent reading to compare with."""
    base = Path(file).parent

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!file", lambda ld, node: (base / node.value.strip()).read_text())
    Loader.add_constructor(
        "tag:yaml.org,2002:str", lambda ld, node: expand_vars(node.value, env)[0]
    )
    Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda ld, node: node.value)
    text = Path(file).read_text("utf-8")
    return [d for d in yaml.load_all(text, Loader=Loader) if d is not None]


def _walk(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _walk(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _walk(v, (*path, i))
    return out


@pytest.mark.parametrize("file", EXAMPLES, ids=lambda f: Path(f).name)
def test_the_reader_gives_pyyamls_data_with_a_position_for_every_value(file: str) -> None:
    sources, problems = load_file(file, ENV)
    assert problems == []
    assert [s.data for s in sources] == pyyaml(file, ENV)
    lines = Path(file).read_text("utf-8").splitlines()
    for src in sources:
        assert all(type(k) is str for k in src.data)
        for path in _walk(src.data):
            assert path in src.positions, path  # from the one read, never looked up later
            if path and isinstance(path[-1], str):
                line, col = src.key_positions[path]
                assert lines[line - 1][col - 1 :].lstrip("'\"").startswith(path[-1]), path


def test_the_reader_composes_with_the_c_loader_where_pyyaml_has_it() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    assert issubclass(documents._Loader, yaml.CSafeLoader)


ODD: dict[str, tuple[str, Any, list[tuple[int, str, str]]]] = {
    # name: (text, data, [(line, path, words of the problem)])
    "merge key": (
        "a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\n",
        {"a": {"b": 1}, "c": {"b": 1, "d": 2}},
        [],
    ),
    "alias": ("a: &x [1]\nb: *x\n", {"a": [1], "b": [1]}, []),
    "duplicate key": ("a: 1\na: 2\n", {"a": 2}, [(2, "a", "duplicate key")]),
    "number key": ("1: one\n0x10: hex\n", {"1": "one", "16": "hex"}, []),
    # PyYAML's YAML 1.1 rules, kept: `yes` and `on` are booleans, quoted they are text.
    "bool key": ("yes: 1\n", {}, [(1, "", "mapping keys must be plain strings")]),
    "yes and on": (
        "a: yes\nb: 'yes'\nc: on\nd: \"on\"\ne: 123\nf: '123'\n",
        {"a": True, "b": "yes", "c": True, "d": "on", "e": 123, "f": "123"},
        [],
    ),
    "date key": ("2024-01-01: x\n", {}, [(1, "", "mapping keys must be plain strings")]),
    "tagged key": ("!file x: 1\n", {}, [(1, "", "mapping keys must be plain strings")]),
    "unknown tag": ("a: !secret x\n", {"a": None}, [(1, "a", "unknown tag !secret")]),
    "python tag": ("a: !!python/name:os.system\n", {"a": None}, [(1, "a", "unknown tag")]),
    "unset variable": (
        "a: ${NOT_SET_ANYWHERE}\n",
        {"a": ""},
        [(1, "a", "NOT_SET_ANYWHERE is not set")],
    ),
    "missing include": (
        "a: !file nowhere.txt\n",
        {"a": None},
        [(1, "a", "!file nowhere.txt: no such file")],
    ),
    "set": ("a: !!set {x, y}\n", {"a": {"x": None, "y": None}}, []),
    "int tag on text": ("a: !!int abc\n", {"a": None}, [(1, "a", "cannot read this value")]),
    "binary": ("a: !!binary aGk=\n", {"a": "aGk="}, []),
}


@pytest.mark.parametrize("name", ODD)
def test_unusual_yaml_reads_as_it_always_has(tmp_path: Path, name: str) -> None:
    text, data, expected = ODD[name]
    sources, problems = load_file(write(tmp_path / "c.yaml", text), {})
    assert [s.data for s in sources] == [data]
    assert [(p.line, p.path) for p in problems] == [(line, path) for line, path, _ in expected]
    assert all(words in p.message for p, (_, _, words) in zip(problems, expected, strict=True))


def test_an_alias_is_copied_and_keeps_the_anchors_positions(tmp_path: Path) -> None:
    [src], _ = load_file(write(tmp_path / "c.yaml", "a: &x [1]\nb: *x\n"), {})
    src.data["b"].append(2)
    assert src.data["a"] == [1]  # a change to one is not a change to the other
    assert src.positions[("b", 0)] == src.positions[("a", 0)] == (1, 8)


def test_a_syntax_error_is_worded_at_its_line(tmp_path: Path) -> None:
    sources, [problem] = load_file(write(tmp_path / "c.yaml", "a: [1\n"), {})
    assert sources == [] and problem.code == "yaml-syntax"
    assert "a '[' opened here is never closed" in problem.message


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
    "integer key past the limit": f"{'9' * 40}: x\n",
    "aliased list nested past the limit": "a: &x "
    + _nested(40, "1")
    + "b: "
    + "[" * 30
    + "*x"
    + "]" * 30
    + "\n",
}


@pytest.mark.parametrize("name", BOUNDS)
def test_the_bounds_are_checked_while_reading(tmp_path: Path, name: str) -> None:
    file = write(tmp_path / "c.yaml", BOUNDS[name])
    sources, problems = load_file(file, {})
    # Each text is valid YAML: any problem is a bound.
    assert ("past" in name) == bool(problems), (name, problems)
    if not problems:
        assert [s.data for s in sources] == pyyaml(file, {})
    elif "integer past" in name:  # a value out of range, reported where it stands
        assert [(p.line, p.path) for p in problems] == [(1, "a")]
        assert "integer out of range" in problems[0].message
    else:  # a bound of the file: no document is read
        assert sources == [] and [p.code for p in problems] == ["yaml-bounds"]
        assert "(outreach's rule)" in problems[0].message


def test_values_are_counted_with_each_repeat_of_an_alias(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "MAX_VALUES", 50)
    flat = write(tmp_path / "flat.yaml", "{" + ", ".join(f"k{i}: {i}" for i in range(30)) + "}\n")
    small = write(tmp_path / "small.yaml", "{" + ", ".join(f"k{i}: 1" for i in range(20)) + "}\n")
    bomb = write(
        tmp_path / "bomb.yaml", "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a, *a, *a, *a, *a]\n"
    )
    merges = write(
        tmp_path / "merge.yaml",
        "a: &a {"
        + ", ".join(f"k{i}: 1" for i in range(9))
        + "}\n"
        + "".join(f"m{i}: {{<<: *a}}\n" for i in range(3)),
    )
    loop = write(tmp_path / "loop.yaml", "a: &a [1, *a]\n")
    assert load_file(small, {})[1] == []
    for file, line, words in (
        (flat, 1, "expands to more than 50 values"),
        (bomb, 2, "expands to more than 50 values (YAML aliases"),
        (merges, 1, "expands to more than 50 values (YAML aliases"),
        (loop, 1, "a YAML alias refers to itself"),
    ):
        sources, [problem] = load_file(file, {})
        assert sources == [] and problem.code == "yaml-bounds", file
        assert (problem.line, words in problem.message) == (line, True), (file, problem)


def test_variables_includes_and_dates(tmp_path: Path) -> None:
    write(tmp_path / "body.html", "<p>Hi</p>\n")
    file = write(
        tmp_path / "c.yaml",
        "a: ${X}-$$\nb: [x, '${Y:-dflt}']\nc: !file body.html\nd: 2024-01-01\ne: $$plain\n--- \n",
    )
    [src], problems = load_file(file, {"X": "x"})
    assert problems == []
    assert src.data == {
        "a": "x-$",
        "b": ["x", "dflt"],
        "c": "<p>Hi</p>\n",
        "d": "2024-01-01",
        "e": "$plain",
    }
    assert src.env_paths == {("a",), ("b", 1)}
    assert src.env_templates == {("a",): "${X}-$$", ("b", 1): "${Y:-dflt}"}
    assert src.includes == {("c",): "body.html"}
    assert (src.count, src.positions[("c",)]) == (1, (3, 4))


def test_a_file_with_a_problem_is_reported_with_positions(tmp_path: Path) -> None:
    file = write(
        tmp_path / "c.yaml",
        "provider: sendkit\ncampaign:\n  name: X\n"
        "  sequence: []\n  settings: {dailySendLimit: -1}\n",
    )
    result = validate_paths([file], {})
    assert [(d.line, d.path) for d in result.errors] == [(5, "campaign.settings.dailySendLimit")]
    assert result.count == 0 and result.files == 1


def test_duplicate_keys_across_files_name_both_lines(tmp_path: Path) -> None:
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


def test_a_file_changed_after_validation_changes_no_position_reported(tmp_path: Path) -> None:
    text = "provider: sendkit\n\ncampaign:\n  name: N\n  sequence: []\n"
    file = write(tmp_path / "c.yaml", text)
    [doc] = validate_paths([file], {}).documents
    write(tmp_path / "c.yaml", "# edited\n" * 10 + text.replace("name: N", "name:    N"))
    assert doc.source.pos(("campaign", "name")) == (4, 9)
    assert doc.source.where(("campaign", "name"), key=True) == (file, 4, 3)


def test_a_first_file_changed_while_others_are_read_keeps_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The duplicate-key message names the first file's line as that file was validated,
    even when it changes before the second file is read."""
    doc = "provider: sendkit\nkey: same\ncampaign: {name: N, sequence: []}\n"
    a = write(tmp_path / "a.yaml", doc)
    b = write(tmp_path / "b.yaml", doc.replace("name: N", "name: M"))
    read = validate.load_file

    def edits_a_first(file: str, *args: Any) -> Any:
        if file == b:
            write(Path(a), "\n" * 20 + doc)
        return read(file, *args)

    monkeypatch.setattr(validate, "load_file", edits_a_first)
    [err] = validate_paths([a, b], {}).errors
    assert f"{a}:2;" in err.message, err.message


def test_two_files_naming_one_campaign_name_both_lines(tmp_path: Path) -> None:
    doc = "provider: sendkit\nkey: {key}\n{pin}campaign:\n  name: Same\n  sequence: []\n"
    a = write(tmp_path / "a.yaml", doc.format(key="a", pin=""))
    b = write(tmp_path / "b.yaml", "\n" + doc.format(key="b", pin=""))
    for keep in (True, False):
        [err] = validate_paths([a, b], {}, keep=keep).errors
        assert (err.file, err.line, err.col, err.code) == (b, 5, 9, "duplicate-name")
        assert f"as sendkit/a does in {a}:4;" in err.message
    pinned = "id: {}\n"
    write(tmp_path / "a.yaml", doc.format(key="a", pin=pinned.format("a" * 24)))
    write(tmp_path / "b.yaml", doc.format(key="b", pin=pinned.format("b" * 24)))
    assert validate_paths([a, b], {}).errors == []


@pytest.mark.slow
def test_validate_without_keep_holds_no_document_while_it_reads_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory stays flat in the number of files: no document read (its data and positions)
    is held once its file is checked, not even to compare names or keys with later files."""
    import gc

    from outreach_cli.documents import Source

    files = [
        write(
            tmp_path / f"c{i}.yaml", f"provider: sendkit\ncampaign:\n  name: N{i}\n  sequence: []\n"
        )
        for i in range(6)
    ]
    live: list[int] = []
    read = validate.load_file

    def counting(file: str, *args: Any) -> Any:
        gc.collect()
        live.append(sum(isinstance(o, Source) and o.file in files for o in gc.get_objects()))
        return read(file, *args)

    monkeypatch.setattr(validate, "load_file", counting)
    assert validate_paths(files, {}, keep=False).count == 6
    assert max(live) <= 1, live  # the file just checked, until the loop moves on
