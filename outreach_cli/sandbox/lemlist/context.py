"""One request's context (`Ctx`), and `Fail`, the error that aborts it with a response."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..web import BadJson, Request, Response


class Fail(Exception):
    """Abort the request with this response; raised before any write (validation first)."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(str(body))
        self.response = Response(status, body)


def bad(message: str) -> Fail:
    return Fail(400, message)


@dataclass
class Ctx:
    """One authenticated request: the team's workspace in the store, the request, path params."""

    ws: str
    key: str
    req: Request
    params: dict[str, str]

    def body(self) -> dict[str, Any]:
        try:
            data = self.req.json()
        except BadJson as exc:
            raise bad("Invalid JSON body") from exc
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise bad("The request body must be a JSON object")
        return data


Route = Callable[[Ctx], Response]
