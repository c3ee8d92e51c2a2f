"""The live suite's report: campaigns a platform gave no way to delete, left for a person."""

from __future__ import annotations

from typing import Any

LEFT_BEHIND: list[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if LEFT_BEHIND:
        terminalreporter.section("outreach live suite: campaigns left to delete by hand")
        for line in LEFT_BEHIND:
            terminalreporter.write_line(line)
