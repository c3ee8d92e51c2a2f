"""The API error (`_Fail`): raised anywhere in a request, answered as `{"error": …}`.

Where the docs are silent, this emulator chooses:

- Error bodies are `{"error": "<message>"}` (the docs publish status codes and messages, not
  the body); a launch refused for readiness adds `errors` and `warnings`.
"""

from __future__ import annotations

from typing import Any

from ..web import Response


class _Fail(Exception):
    """An API error: raised anywhere in a request, it rolls the request's writes back."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra

    def response(self) -> Response:
        return Response(self.status, {"error": self.message, **self.extra})
