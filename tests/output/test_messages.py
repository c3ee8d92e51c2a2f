"""Messages on stderr: on a terminal a long one wraps between words (the terminal would cut it
mid-word); piped or in a CI log it stays one line, whole."""

from __future__ import annotations

import io

from outreach_cli.output import Output

WARNING = (
    "lemlist/heads-of-growth (cam_UX82XrMEPdHXSxTtt): in state, no file: nothing will be done to it"
)


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_long_warning_wraps_between_words() -> None:
    err = Tty()
    Output("text", color=False, width=40, stdout=io.StringIO(), stderr=err).warn(WARNING)
    lines = err.getvalue().splitlines()
    assert len(lines) > 1 and all(len(line) <= 40 for line in lines)
    assert " ".join(line.strip() for line in lines) == f"warning: {WARNING}"  # no word cut


def test_piped_a_long_warning_stays_one_line() -> None:
    err = io.StringIO()
    Output("text", color=False, width=40, stdout=io.StringIO(), stderr=err).warn(WARNING)
    assert err.getvalue() == f"warning: {WARNING}\n"
