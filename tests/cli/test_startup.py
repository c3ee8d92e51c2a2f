"""--help, --version and completion stay light: no HTTP, YAML or schema library imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

HEAVY = ("httpx", "yaml", "jsonschema", "rich.table", "outreach_cli.sandbox")
COMPLETIONS = REPO / "completions"


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "80"},
    )
    return set(out.stdout.split())


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["plan", "--help"]])
def test_light_startup(argv: list[str]) -> None:
    code = (
        "from outreach_cli.cli.app import app\n"
        f"try:\n    app({argv!r})\nexcept SystemExit:\n    pass"
    )
    loaded = _modules_after(code)
    assert "outreach_cli.cli.app" in loaded  # the probe really ran
    for mod in HEAVY:
        assert mod not in loaded, f"{mod} imported by {' '.join(argv)}"


def _script() -> str:
    """The installed console script (pip install puts it beside the interpreter)."""
    path = Path(sys.executable).parent / ("outreach.exe" if os.name == "nt" else "outreach")
    assert path.exists(), "the project is not installed: pip install -e ."
    return str(path)


@pytest.mark.parametrize(
    "shell,name", [("bash", "outreach.bash"), ("zsh", "_outreach"), ("fish", "outreach.fish")]
)
def test_checked_in_completions_are_current(shell: str, name: str) -> None:
    env = {**os.environ, "_OUTREACH_COMPLETE": f"source_{shell}"}
    out = subprocess.run([_script()], capture_output=True, text=True, env=env, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout == (COMPLETIONS / name).read_text(), (
        f"completions/{name} is stale: regenerate with "
        f"_OUTREACH_COMPLETE=source_{shell} outreach > completions/{name}"
    )


def test_completion_completes_commands() -> None:
    env = {
        **os.environ,
        "_OUTREACH_COMPLETE": "complete_bash",
        "COMP_WORDS": "outreach pl",
        "COMP_CWORD": "1",
    }
    out = subprocess.run([_script()], capture_output=True, text=True, env=env, check=False)
    assert out.stdout.split() == ["plan"]
