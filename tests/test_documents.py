"""Reading campaign files: positions, `!file`, `${VAR}`, diagnostics and folder expansion."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach_cli.documents import Diagnostic, Source, expand_paths, format_path, load_file


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return str(path)


def col(line: str, token: str) -> int:
    """1-based column of the first `token` in `line`."""
    assert token in line
    return line.index(token) + 1


def load_one(file: str, environ: dict[str, str] | None = None) -> Source:
    sources, problems = load_file(file, {} if environ is None else environ)
    assert problems == []
    assert len(sources) == 1
    return sources[0]


CAMPAIGN = """\
provider: sendkit
key: q2
campaign:
  name: Q2 Outbound
  sequence:
    - type: email
      subject: Hi
    - {type: wait, waitDays: 3}
  settings:
    dailySendLimit: 50
"""


def test_positions_of_nested_keys_and_list_items(tmp_path: Path):
    src = load_one(write(tmp_path / "c.yaml", CAMPAIGN))
    lines = CAMPAIGN.splitlines()

    assert src.data["campaign"]["sequence"][1] == {"type": "wait", "waitDays": 3}
    assert src.start == (1, 1)
    assert src.positions[("provider",)] == (1, col(lines[0], "sendkit"))
    assert src.positions[("campaign", "name")] == (4, col(lines[3], "Q2 Outbound"))
    assert src.key_positions[("campaign", "name")] == (4, 3)
    assert src.positions[("campaign", "sequence", 0)] == (6, col(lines[5], "type"))
    assert src.positions[("campaign", "sequence", 0, "subject")] == (7, col(lines[6], "Hi"))
    assert src.key_positions[("campaign", "sequence", 0, "subject")] == (7, col(lines[6], "subj"))
    assert src.positions[("campaign", "sequence", 1)] == (8, col(lines[7], "{"))
    assert src.positions[("campaign", "sequence", 1, "waitDays")] == (8, col(lines[7], "3"))
    assert src.positions[("campaign", "settings", "dailySendLimit")] == (10, col(lines[9], "50"))


def test_pos_falls_back_to_the_nearest_ancestor(tmp_path: Path):
    src = load_one(write(tmp_path / "c.yaml", CAMPAIGN))

    # A field the file does not have is reported where its parent stands.
    settings = src.positions[("campaign", "settings")]
    assert src.pos(("campaign", "settings", "trackOpens")) == settings
    # A block sequence stands at its first dash.
    assert src.pos(("campaign", "sequence", 5, "subject")) == (6, 5)
    assert src.pos(("campaign", "name"), key=True) == (4, 3)
    assert src.pos(("nothing",)) == src.positions[()]


def test_format_path():
    assert format_path(("campaign", "sequence", 0, "subject")) == "campaign.sequence[0].subject"
    assert format_path(()) == ""


def test_file_include_is_relative_to_the_yaml_folder(tmp_path: Path):
    write(tmp_path / "camp" / "emails" / "intro.html", "<p>Hello {{firstName}}</p>\n")
    write(tmp_path / "emails" / "intro.html", "WRONG: relative to the cwd\n")  # cwd is tmp_path
    text = "campaign:\n  sequence:\n    - {type: email, body: !file emails/intro.html}\n"
    f = write(tmp_path / "camp" / "c.yaml", text)

    for name in ("camp/c.yaml", f):
        src = load_one(name)
        assert src.data["campaign"]["sequence"][0]["body"] == "<p>Hello {{firstName}}</p>\n"


def test_missing_file_include_is_a_diagnostic(tmp_path: Path):
    text = "campaign:\n  sequence:\n    - type: email\n      body: !file emails/missing.html\n"
    write(tmp_path / "camp" / "c.yaml", text)

    sources, problems = load_file("camp/c.yaml", {})

    assert len(sources) == 1
    assert sources[0].data["campaign"]["sequence"][0]["body"] is None
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.line, p.col, p.path) == (
        "camp/c.yaml",
        4,
        col(text.splitlines()[3], "!file"),
        "campaign.sequence[0].body",
    )
    assert p.message.startswith("!file emails/missing.html: no such file")
    assert "relative to camp" in p.message


def test_unknown_tag_is_a_diagnostic(tmp_path: Path):
    f = write(tmp_path / "c.yaml", "campaign:\n  name: !env NAME\n")
    _, problems = load_file(f, {})
    assert [(p.line, p.col, p.path) for p in problems] == [(2, 9, "campaign.name")]
    assert "unknown tag !env" in problems[0].message


WEBHOOK = """\
provider: sendkit
campaign:
  name: ${NAME:-Q2 Outbound}
  settings:
    webhook:
      secret: "${WEBHOOK_SECRET}"
      url: https://example.com/hook?sig=$${HOOK}&cost=$$5
"""


def test_env_variables_from_the_mapping_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WEBHOOK_SECRET", "from-os-environ")  # must be ignored: a mapping is given
    f = write(tmp_path / "c.yaml", WEBHOOK)

    src = load_one(f, {"WEBHOOK_SECRET": "whsec_123", "NAME": "Named"})

    assert src.data["campaign"]["settings"]["webhook"]["secret"] == "whsec_123"
    assert src.data["campaign"]["name"] == "Named"
    assert src.data["campaign"]["settings"]["webhook"]["url"] == (
        "https://example.com/hook?sig=${HOOK}&cost=$5"
    )


def test_env_default_and_dollar_escape(tmp_path: Path):
    f = write(tmp_path / "c.yaml", WEBHOOK)

    src = load_one(f, {"WEBHOOK_SECRET": "s"})

    assert src.data["campaign"]["name"] == "Q2 Outbound"
    # `$$` is a literal dollar: `$${HOOK}` is text, not a variable, so no error for HOOK.
    assert src.data["campaign"]["settings"]["webhook"]["url"] == (
        "https://example.com/hook?sig=${HOOK}&cost=$5"
    )


def test_empty_default(tmp_path: Path):
    src = load_one(write(tmp_path / "c.yaml", "a: x${EMPTY:-}y\nb: 'price: $5'\n"))
    assert src.data == {"a": "xy", "b": "price: $5"}
    assert src.env_paths == {("a",)}


def test_env_paths_record_values_from_variables(tmp_path: Path):
    src = load_one(write(tmp_path / "c.yaml", WEBHOOK), {"WEBHOOK_SECRET": "s"})
    # Defaults count too (the value still came through ${…}); `$$` alone does not.
    assert src.env_paths == {("campaign", "name"), ("campaign", "settings", "webhook", "secret")}


def test_missing_variable_is_a_diagnostic_naming_it(tmp_path: Path):
    f = write(tmp_path / "c.yaml", WEBHOOK)

    sources, problems = load_file(f, {})

    assert len(sources) == 1
    assert [p.path for p in problems] == ["campaign.settings.webhook.secret"]
    p = problems[0]
    assert (p.file, p.line, p.col) == (f, 6, col(WEBHOOK.splitlines()[5], '"${'))
    assert "WEBHOOK_SECRET" in p.message
    assert str(p) == (
        f"{f}:6:15: campaign.settings.webhook.secret: environment variable "
        "WEBHOOK_SECRET is not set (write ${WEBHOOK_SECRET:-default} for a default)"
    )


def test_os_environ_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TEST_SECRET_FROM_ENV", "from-env")
    f = write(tmp_path / "c.yaml", "secret: ${TEST_SECRET_FROM_ENV}\n")
    sources, problems = load_file(f)
    assert problems == []
    assert sources[0].data == {"secret": "from-env"}


MULTI = """\
provider: sendkit
key: first
---
provider: lemlist
key: second
campaign:
  name: ${MISSING}
"""


def test_multi_document_file(tmp_path: Path):
    f = write(tmp_path / "c.yaml", MULTI)

    sources, problems = load_file(f, {})

    assert [s.data["key"] for s in sources] == ["first", "second"]
    assert [(s.index, s.count) for s in sources] == [(0, 2), (1, 2)]
    assert sources[1].start == (4, 1)
    # Positions are lines of the file, not of the document.
    assert sources[1].positions[("provider",)] == (4, 11)
    assert sources[1].positions[("campaign", "name")] == (7, 9)
    assert [(p.line, p.path) for p in problems] == [(7, "campaign.name")]


@pytest.mark.parametrize(
    "text", ["---\n# nothing\n---\nkey: only\n", "key: only\n---\n", "---\nkey: only\n...\n---\n"]
)
def test_empty_documents_are_skipped(tmp_path: Path, text: str):
    f = write(tmp_path / "c.yaml", text)
    sources, problems = load_file(f, {})
    assert problems == []
    assert [(s.data, s.index, s.count) for s in sources] == [({"key": "only"}, 0, 1)]


def test_explicit_null_document_is_kept(tmp_path: Path):
    # `--- ~` is a document that says something (null); validation words the problem.
    sources, problems = load_file(write(tmp_path / "c.yaml", "--- ~\n"), {})
    assert problems == []
    assert [s.data for s in sources] == [None]


def test_malformed_yaml_reports_its_line(tmp_path: Path):
    text = "provider: sendkit\nkey: k\ncampaign:\n  name: a: b\n"
    f = write(tmp_path / "c.yaml", text)

    sources, problems = load_file(f, {})

    assert sources == []
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.line, p.col, p.path) == (f, 4, 10, "")
    assert p.message.startswith("invalid YAML: ")


def test_unclosed_flow_reports_where_it_opened(tmp_path: Path):
    f = write(tmp_path / "c.yaml", "a: 1\nb: [1, 2\nc: 3\n")
    _, problems = load_file(f, {})
    assert len(problems) == 1
    assert (problems[0].line, problems[0].col) == (2, 4)  # the `[` never closed
    assert "a '[' opened here is never closed: add the closing ']'" in problems[0].message
    assert "line 3, column 2" in problems[0].message  # where PyYAML gave up
    assert problems[0].code == "yaml-syntax"


def test_unclosed_quote_points_at_the_quote_not_the_end_of_the_file(tmp_path: Path):
    f = write(tmp_path / "q.yaml", 'provider: sendkit\ncampaign:\n  name: "Q2 outreach\n')
    _, problems = load_file(f, {})
    [p] = problems
    assert (p.line, p.col) == (3, 9)
    assert 'a double quote (") opened here is never closed' in p.message


def test_a_mistake_on_its_own_line_keeps_its_position(tmp_path: Path):
    f = write(tmp_path / "m.yaml", "a: 1\nb: 2\nc: d: e\n")
    _, problems = load_file(f, {})
    [p] = problems
    assert (p.line, p.col) == (3, 5)


def test_duplicate_key_is_a_diagnostic(tmp_path: Path):
    text = "campaign:\n  name: A\n  settings: {}\n  name: B\n"
    f = write(tmp_path / "c.yaml", text)

    sources, problems = load_file(f, {})

    assert sources[0].data["campaign"]["name"] == "B"
    assert [(p.line, p.col, p.path) for p in problems] == [(4, 3, "campaign.name")]
    assert "duplicate key" in problems[0].message


def test_merge_key_override_is_not_a_duplicate(tmp_path: Path):
    text = (
        "defaults: &d {dailySendLimit: 50, trackOpens: true}\n"
        "settings:\n"
        "  <<: *d\n"
        "  dailySendLimit: 100\n"
    )
    src = load_one(write(tmp_path / "c.yaml", text))

    assert src.data["settings"] == {"dailySendLimit": 100, "trackOpens": True}
    assert src.positions[("settings",)] == (3, 3)  # its own place, not the anchor's
    assert src.positions[("settings", "dailySendLimit")] == (4, 19)


def test_non_string_keys_are_diagnostics(tmp_path: Path):
    f = write(tmp_path / "c.yaml", "campaign:\n  true: 1\n  1.5: 2\n  3: ok\n")
    sources, problems = load_file(f, {})
    assert sources[0].data == {"campaign": {"3": "ok"}}
    assert [(p.line, p.col) for p in problems] == [(2, 3), (3, 3)]


def test_unreadable_file_is_a_diagnostic(tmp_path: Path):
    sources, problems = load_file("nope.yaml", {})
    assert sources == []
    assert [(p.file, p.line, p.col) for p in problems] == [("nope.yaml", 1, 1)]
    assert problems[0].message.startswith("cannot read")


def test_timestamps_keep_their_text(tmp_path: Path):
    src = load_one(write(tmp_path / "c.yaml", "at: 2024-05-01T10:00:00Z\nn: 3\nf: 1.5\n"))
    assert src.data == {"at": "2024-05-01T10:00:00Z", "n": 3, "f": 1.5}


# ---------------------------------------------------------------------------------------------
# Diagnostic


def test_diagnostic_format():
    d = Diagnostic("campaigns/q2.yaml", 12, 7, "campaign.sequence[0].subject", "is required")
    assert str(d) == "campaigns/q2.yaml:12:7: campaign.sequence[0].subject: is required"


def test_diagnostic_format_without_path_and_with_severity():
    assert str(Diagnostic("a.yaml", 1, 1, "", "no such file or folder")) == (
        "a.yaml:1:1: no such file or folder"
    )
    assert str(Diagnostic("a.yaml", 2, 3, "key", "odd", severity="warning")) == (
        "a.yaml:2:3: key: warning: odd"
    )


def test_diagnostics_sort_by_place():
    ds = [
        Diagnostic("b.yaml", 1, 1, "", "x"),
        Diagnostic("a.yaml", 10, 1, "", "x"),
        Diagnostic("a.yaml", 2, 5, "", "x"),
        Diagnostic("a.yaml", 2, 1, "", "x"),
    ]
    assert [(d.file, d.line, d.col) for d in sorted(ds, key=Diagnostic.sort_key)] == [
        ("a.yaml", 2, 1),
        ("a.yaml", 2, 5),
        ("a.yaml", 10, 1),
        ("b.yaml", 1, 1),
    ]


# ---------------------------------------------------------------------------------------------
# expand_paths


def test_expand_folder_recursively_sorted_skipping_hidden(tmp_path: Path):
    for name in (
        "root/b.yaml",
        "root/a.yml",
        "root/sub/c.yaml",
        "root/sub/deeper/d.yml",
        "root/.hidden/e.yaml",
        "root/sub/.git/f.yaml",
        "root/.g.yaml",
        "root/notes.txt",
        "root/sub/x.json",
        "root/h.yaml.bak",
    ):
        write(tmp_path / name, "key: x\n")

    files, problems = expand_paths(["root"])

    assert problems == []
    assert files == ["root/a.yml", "root/b.yaml", "root/sub/c.yaml", "root/sub/deeper/d.yml"]


def test_expand_keeps_order_of_arguments_and_lists_each_file_once(tmp_path: Path):
    write(tmp_path / "root/a.yaml", "key: a\n")
    write(tmp_path / "root/b.yaml", "key: b\n")
    write(tmp_path / "single.yml", "key: s\n")

    files, problems = expand_paths(["single.yml", "root/b.yaml", "root"])

    assert problems == []
    assert files == ["single.yml", "root/b.yaml", "root/a.yaml"]


def test_expand_a_named_hidden_folder_is_read(tmp_path: Path):
    write(tmp_path / ".campaigns/a.yaml", "key: a\n")
    files, problems = expand_paths([".campaigns"])
    assert (files, problems) == ([".campaigns/a.yaml"], [])


def test_expand_reports_empty_folder_and_missing_path(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    write(tmp_path / "only-hidden/.drafts/a.yaml", "key: a\n")
    write(tmp_path / "ok.yaml", "key: a\n")

    files, problems = expand_paths(["empty", "only-hidden", "missing.yaml", "ok.yaml"])

    assert files == ["ok.yaml"]
    assert [str(p) for p in problems] == [
        "empty:1:1: no *.yaml or *.yml files in this folder",
        "only-hidden:1:1: no *.yaml or *.yml files in this folder",
        "missing.yaml:1:1: no such file or folder",
    ]
