"""`outreach doctor` as text: one block per workspace checked, then the contract differences.

The lines are plain strings: server text in them (workspace names, error messages) is made
printable here (control characters shown as \\x.. escapes) before any console sees it.
"""

from __future__ import annotations

from typing import Any


def printable(text: Any) -> str:
    """`text` with every control character escaped, so an answer cannot drive the terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def _api(api: dict[str, Any], base_url: str) -> str:
    if not api["requests"]:
        return f"not reached ({base_url})"
    n = api["requests"]
    slowest = f", slowest {api['slowestMs']:g} ms" if api["slowestMs"] is not None else ""
    state = "answers" if api["answers"] else "no answer"
    return f"{state}: {n} request{'s' if n != 1 else ''}{slowest} ({base_url})"


def _state(state: dict[str, Any], provider: str) -> str:
    if not state["exists"]:
        return f"{state['dir']} (no state.json yet)"
    n = state["campaigns"]
    return f"{state['dir']} ({n} {provider} campaign{'s' if n != 1 else ''} recorded)"


def target_lines(result: dict[str, Any]) -> list[str]:
    """One target's block."""
    key = result["keyVariable"] + (
        " (the sandbox's demo key)"
        if result["sandbox"]
        else ""
        if result["keySet"]
        else " (not set)"
    )
    head = (
        result["label"]
        if result["label"] == result["provider"]
        else f"{result['label']}  ({result['provider']})"
    )
    lines = [head, f"  key        {key}"]
    ws = result["workspace"]
    if ws is not None:
        name = (
            f"{ws['name']} ({ws['id']})"
            if ws["name"] and ws["id"]
            else ws["name"] or ws["id"] or "(not identified)"
        )
        lines.append(f"  workspace  {name}")
        lines.append(f"             {ws['detail']}")
    lines.append(f"  api        {_api(result['api'], result['baseUrl'])}")
    rate = result["rateLimits"]
    lines.append(f"  limits     {rate['documented']}")
    seen = ", ".join(f"{k}: {v}" for k, v in sorted(rate["headers"].items()))
    lines.append(f"  headers    {seen or 'no rate-limit headers seen'}")
    lines.append(f"  state      {_state(result['state'], result['provider'])}")
    lines += [f"  warning    {w}" for w in result["warnings"]]
    lines += [f"  PROBLEM    {p}" for p in result["problems"]]
    return [printable(line) for line in lines]


def contract_lines(report: dict[str, Any]) -> list[str]:
    """One platform's contract check."""
    head = f"contract  {report['provider']}: " + (
        f"{len(report['differences'])} difference(s)"
        if report["differences"]
        else "no difference"
        if not report["problem"]
        else "not checked"
    )
    lines = [head, f"  read      {', '.join(report['checked']) or 'nothing'}"]
    lines += [f"  note      {n}" for n in report["notes"]]
    lines += [f"  DIFFERS   {d['message']}" for d in report["differences"]]
    if report["problem"]:
        lines.append(f"  PROBLEM   {report['problem']}")
    return [printable(line) for line in lines]
