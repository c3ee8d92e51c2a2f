"""validate's schema check: the compiled yes/no check (fastschema.py) is never more lenient
than jsonschema, whose errors become the diagnostics; nothing compiled comes from disk."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from outreach_cli.documents import expand_paths, load_file
from outreach_cli.validate import _fast, _validator

REPO = Path(__file__).resolve().parent.parent
EXAMPLES, _ = expand_paths([str(REPO / "campaigns")])


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return str(path)


def _mutations(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, replacement) pairs: every node replaced by values of other types."""
    for bad in (
        None,
        True,
        0,
        1,
        -1,
        1.5,
        "",
        "x",
        "@",
        [],
        {},
        ["x"],
        {"x": 1},
        # format edges, where fastjsonschema's own regexes differ from validate's
        "ann@",
        "ops@localhost",
        "sam@example.com",
        "Sam <sam@example.com>",
        "not a url",
        "http://",
        "https://example.com/hook",
        "mailto:x@y.z",
        "a b",
        "host-.example",
        "example.com",
        "-x.com",
    ):
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


@pytest.mark.slow
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

    code = (
        "import sys; from outreach_cli.validate import validate_paths; "
        f"r = validate_paths([{str(REPO / 'campaigns')!r}], {{'WEBHOOK_SECRET': 'x'}}); "
        "assert r.count > 0 and not r.errors, r.errors; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'httpx'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("file", EXAMPLES, ids=lambda f: Path(f).name)
def test_compiled_check_leaves_the_data_as_read(file: str) -> None:
    """fastjsonschema fills in `default`s unless told not to: the documents must stay as
    written (a filled-in default would show up in the plan as a change)."""
    for src in load_file(file, {"WEBHOOK_SECRET": "s3cret"})[0]:
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


@pytest.mark.slow
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
    env = {k: v for k, v in os.environ.items() if k not in ("OUTREACH_CACHE_DIR", "XDG_CACHE_HOME")}
    env["HOME"] = str(home)
    if where == "OUTREACH_CACHE_DIR":
        env["OUTREACH_CACHE_DIR"] = str(cache)
    good = write(tmp_path / "c" / "good.yaml", "provider: puffle\ncampaign: {name: N}\n")
    bad = write(tmp_path / "c" / "bad.yaml", "provider: puffle\ncampaign: {nam: N}\n")
    script = Path(sys.executable).parent / "outreach"

    def validate(file: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), "validate", file],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

    validate(good)  # whatever a first run leaves in the cache folder, planted over below
    cache.mkdir(parents=True, exist_ok=True)
    marker = tmp_path / "PWNED"
    code = marshal.dumps(compile(PLANTED.format(marker=str(marker)), "<planted>", "exec"))
    names = {p.name for p in cache.iterdir()} | {
        f"schema-{p}-{'0' * 24}.marshal" for p in ("sendkit", "lemlist", "puffle")
    }
    for name in names:
        (cache / name).write_bytes(code)
    before = sorted(p.name for p in cache.iterdir())
    result = validate(bad)
    assert result.returncode == 1, result.stdout + result.stderr  # still refused
    assert "nam" in result.stdout + result.stderr
    assert not marker.exists()
    assert sorted(p.name for p in cache.iterdir()) == before  # nothing written there either
