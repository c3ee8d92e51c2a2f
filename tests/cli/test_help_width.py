"""Help fills the terminal it is shown on, up to HELP_WIDTH (120) columns: Click stops at 80
by default, which left a wide terminal's help folded into a narrow strip (issue 22). Through a
pipe with no COLUMNS, Click's 80 columns, wrapped between words."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.cli.test_help import _script

PLAN_60 = """\
Usage: outreach plan [OPTIONS] [PATH]...

  Show what apply would change on each platform (reads
  only).

Arguments:
  [PATH]...  Campaign files or folders (every *.yaml /
             *.yml below); default: the project's root
             (the folder of outreach.yaml).

Options:
  --sandbox            Run against the embedded emulator
                       (no account, no network).
  -f, --format FORMAT  Output format: text, json or
                       markdown.  [default: text]
  --detailed-exitcode  Exit 2 when there are changes, 0
                       when none (3 blocked, 1 failed
                       either way).
  -t, --target KEY     Only campaigns whose key or
                       provider/key matches (glob;
                       repeat).
  -x, --exclude KEY    Skip campaigns whose key or
                       provider/key matches (glob;
                       repeat).
  --state-dir DIR      Where state.json (and the sandbox
                       database) live (default: the
                       project's, .outreach at its root).
  --concurrency N      Campaigns read and applied at once,
                       1 to 32.  [default: 4]
  --no-color           Plain output (also: NO_COLOR=1).
  -v, --verbose        Log HTTP requests (credentials
                       redacted) and show tracebacks.
  -o, --out FILE       Also save the plan to FILE, for
                       `apply --plan` (holds no secret).
  -h, --help           Show this message and exit.
"""

PLAN_80 = """\
Usage: outreach plan [OPTIONS] [PATH]...

  Show what apply would change on each platform (reads only).

Arguments:
  [PATH]...  Campaign files or folders (every *.yaml / *.yml below); default:
             the project's root (the folder of outreach.yaml).

Options:
  --sandbox            Run against the embedded emulator (no account, no
                       network).
  -f, --format FORMAT  Output format: text, json or markdown.  [default: text]
  --detailed-exitcode  Exit 2 when there are changes, 0 when none (3 blocked,
                       1 failed either way).
  -t, --target KEY     Only campaigns whose key or provider/key matches (glob;
                       repeat).
  -x, --exclude KEY    Skip campaigns whose key or provider/key matches (glob;
                       repeat).
  --state-dir DIR      Where state.json (and the sandbox database) live
                       (default: the project's, .outreach at its root).
  --concurrency N      Campaigns read and applied at once, 1 to 32.  [default:
                       4]
  --no-color           Plain output (also: NO_COLOR=1).
  -v, --verbose        Log HTTP requests (credentials redacted) and show
                       tracebacks.
  -o, --out FILE       Also save the plan to FILE, for `apply --plan` (holds
                       no secret).
  -h, --help           Show this message and exit.
"""

PLAN_120 = """\
Usage: outreach plan [OPTIONS] [PATH]...

  Show what apply would change on each platform (reads only).

Arguments:
  [PATH]...  Campaign files or folders (every *.yaml / *.yml below); default: the project's root (the folder of
             outreach.yaml).

Options:
  --sandbox            Run against the embedded emulator (no account, no network).
  -f, --format FORMAT  Output format: text, json or markdown.  [default: text]
  --detailed-exitcode  Exit 2 when there are changes, 0 when none (3 blocked, 1 failed either way).
  -t, --target KEY     Only campaigns whose key or provider/key matches (glob; repeat).
  -x, --exclude KEY    Skip campaigns whose key or provider/key matches (glob; repeat).
  --state-dir DIR      Where state.json (and the sandbox database) live (default: the project's, .outreach at its
                       root).
  --concurrency N      Campaigns read and applied at once, 1 to 32.  [default: 4]
  --no-color           Plain output (also: NO_COLOR=1).
  -v, --verbose        Log HTTP requests (credentials redacted) and show tracebacks.
  -o, --out FILE       Also save the plan to FILE, for `apply --plan` (holds no secret).
  -h, --help           Show this message and exit.
"""  # noqa: E501 (the help as printed)

ROOT_60 = """\
Usage: outreach [OPTIONS] COMMAND [ARGS]...

  Campaign-as-code for SendKit, lemlist and Puffle:
  validate, plan and apply YAML campaign files.

Options:
  --version             Show the version and exit.
  --install-completion  Install completion for the current
                        shell.
  --show-completion     Show completion for the current
                        shell, to copy it or customize the
                        installation.
  -h, --help            Show this message and exit.

Commands:
  validate  Check campaign files offline: schema and each
            platform's rules, every problem at once.
  plan      Show what apply would change on each platform
            (reads only).
  diff      Alias of plan.
  apply     Plan, confirm, then make each platform match
            the files.
  status    Remote status, lead counts and stats of the
            campaigns, as a table.
  schema    Print the JSON Schema of a provider's campaign
            file (for yaml-language-server).
  show      Print a saved plan (offline; secrets stay
            hidden).
  import    Write the YAML of existing remote campaigns; a
            plan of them shows no change.
  init      Write outreach.yaml (the project file) here,
            and ignore .outreach/ in .gitignore.
  preview   Show every email as each lead would receive
            it; exit 1 when a lead lacks a field the copy
            uses (it would get a hole where the field
            stands).
  lint      Check campaign files as validate does, and
            their copy for what gets cold email flagged:
            spam phrases, links, shorteners, capitals, a
            fake Re:, size, unsubscribe, tracking.
  render    Print the campaign as the platform will get
            it: bases merged, values filled, secrets from
            the environment masked.
  doctor    Check each platform: key variable, the
            workspace it belongs to, whether the API
            answers and how fast, rate limits, where state
            lives.
  state     What the state file records (ids, revisions),
            without hand edits.
  leads     Campaign leads: list them, add them from CSV,
            set status and AI tag.
  sandbox   The embedded emulator of the SendKit, lemlist
            and Puffle APIs.
"""

ROOT_80 = """\
Usage: outreach [OPTIONS] COMMAND [ARGS]...

  Campaign-as-code for SendKit, lemlist and Puffle: validate, plan and apply
  YAML campaign files.

Options:
  --version             Show the version and exit.
  --install-completion  Install completion for the current shell.
  --show-completion     Show completion for the current shell, to copy it or
                        customize the installation.
  -h, --help            Show this message and exit.

Commands:
  validate  Check campaign files offline: schema and each platform's rules,
            every problem at once.
  plan      Show what apply would change on each platform (reads only).
  diff      Alias of plan.
  apply     Plan, confirm, then make each platform match the files.
  status    Remote status, lead counts and stats of the campaigns, as a table.
  schema    Print the JSON Schema of a provider's campaign file (for
            yaml-language-server).
  show      Print a saved plan (offline; secrets stay hidden).
  import    Write the YAML of existing remote campaigns; a plan of them shows
            no change.
  init      Write outreach.yaml (the project file) here, and ignore .outreach/
            in .gitignore.
  preview   Show every email as each lead would receive it; exit 1 when a lead
            lacks a field the copy uses (it would get a hole where the field
            stands).
  lint      Check campaign files as validate does, and their copy for what
            gets cold email flagged: spam phrases, links, shorteners,
            capitals, a fake Re:, size, unsubscribe, tracking.
  render    Print the campaign as the platform will get it: bases merged,
            values filled, secrets from the environment masked.
  doctor    Check each platform: key variable, the workspace it belongs to,
            whether the API answers and how fast, rate limits, where state
            lives.
  state     What the state file records (ids, revisions), without hand edits.
  leads     Campaign leads: list them, add them from CSV, set status and AI
            tag.
  sandbox   The embedded emulator of the SendKit, lemlist and Puffle APIs.
"""

ROOT_120 = """\
Usage: outreach [OPTIONS] COMMAND [ARGS]...

  Campaign-as-code for SendKit, lemlist and Puffle: validate, plan and apply YAML campaign files.

Options:
  --version             Show the version and exit.
  --install-completion  Install completion for the current shell.
  --show-completion     Show completion for the current shell, to copy it or customize the installation.
  -h, --help            Show this message and exit.

Commands:
  validate  Check campaign files offline: schema and each platform's rules, every problem at once.
  plan      Show what apply would change on each platform (reads only).
  diff      Alias of plan.
  apply     Plan, confirm, then make each platform match the files.
  status    Remote status, lead counts and stats of the campaigns, as a table.
  schema    Print the JSON Schema of a provider's campaign file (for yaml-language-server).
  show      Print a saved plan (offline; secrets stay hidden).
  import    Write the YAML of existing remote campaigns; a plan of them shows no change.
  init      Write outreach.yaml (the project file) here, and ignore .outreach/ in .gitignore.
  preview   Show every email as each lead would receive it; exit 1 when a lead lacks a field the copy uses (it would
            get a hole where the field stands).
  lint      Check campaign files as validate does, and their copy for what gets cold email flagged: spam phrases,
            links, shorteners, capitals, a fake Re:, size, unsubscribe, tracking.
  render    Print the campaign as the platform will get it: bases merged, values filled, secrets from the environment
            masked.
  doctor    Check each platform: key variable, the workspace it belongs to, whether the API answers and how fast, rate
            limits, where state lives.
  state     What the state file records (ids, revisions), without hand edits.
  leads     Campaign leads: list them, add them from CSV, set status and AI tag.
  sandbox   The embedded emulator of the SendKit, lemlist and Puffle APIs.
"""  # noqa: E501 (the help as printed)

EXPECTED = {
    ("plan",): {60: PLAN_60, 80: PLAN_80, 120: PLAN_120, 200: PLAN_120},
    (): {60: ROOT_60, 80: ROOT_80, 120: ROOT_120, 200: ROOT_120},
}


def _help(cmd: tuple[str, ...], columns: int | None) -> str:
    """The help as a person's shell runs it (in-process, the test runner forces 80 columns);
    stdout a pipe, and COLUMNS the terminal's width when given (what a terminal sets)."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    got = subprocess.run(
        [_script(), *cmd, "--help"], capture_output=True, text=True, env=env, check=False
    )
    assert got.returncode == 0, got.stderr
    return got.stdout


@pytest.mark.parametrize("width", [60, 80, 120, 200])
@pytest.mark.parametrize("cmd", [("plan",), ()], ids=["plan", "root"])
def test_help_fills_the_terminal_up_to_120_columns(cmd: tuple[str, ...], width: int) -> None:
    assert _help(cmd, width) == EXPECTED[cmd][width]


@pytest.mark.parametrize("cmd", [("plan",), ()], ids=["plan", "root"])
def test_help_through_a_pipe_is_80_columns_wrapped_between_words(cmd: tuple[str, ...]) -> None:
    assert _help(cmd, None) == EXPECTED[cmd][80]


@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize(
    "cmd", [(), ("leads",), ("state",), ("sandbox",)], ids=["root", "leads", "state", "sandbox"]
)
def test_command_lists_keep_each_summary_whole(cmd: tuple[str, ...], width: int) -> None:
    # Click cut a summary at the width with "..." (and broke yaml-|language-server at its
    # hyphen); each is the command's whole first sentence, wrapped between words.
    text = _help(cmd, width)
    listing = text.split("Commands:\n", 1)[1]
    assert "..." not in listing
    assert all(len(line) <= width for line in listing.splitlines())
    assert not [w for w in listing.split() if w.endswith("-")], listing
