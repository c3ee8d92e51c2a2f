"""What every handler shares: the caller (`_Ctx`), the JSON envelopes, cursor pagination."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..web import Request, Response
from .constants import DEFAULT_PAGE_LIMIT, HEX24, MAX_PAGE_LIMIT
from .errors import _invalid


@dataclass
class _Ctx:
    """Who is calling: the workspace the key resolves to, and what to deliver after commit."""

    workspace: str
    user_id: str
    outbox: list[tuple[str, str | None, dict[str, Any]]] = field(default_factory=list)


def _ok(
    data: Any,
    status: int = 200,
    *,
    pagination: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {"success": True, "data": data}
    if pagination is not None:
        body["pagination"] = pagination
    return Response(status, {**body, **(extra or {})})


def _error(status: int, code: str, message: str) -> Response:
    return Response(status, {"success": False, "error": {"code": code, "message": message}})


def _page_args(req: Request) -> tuple[int, str | None]:
    """`limit` and `cursor` of a list request, checked."""
    raw_limit = req.arg("limit")
    limit = DEFAULT_PAGE_LIMIT
    if raw_limit is not None:
        # ASCII digits only: "²".isdigit() is true, and int("²") raises (a 500, not a 400).
        if (
            not (raw_limit.isascii() and raw_limit.isdigit())
            or not 1 <= int(raw_limit) <= MAX_PAGE_LIMIT
        ):
            raise _invalid("limit", f"must be an integer 1-{MAX_PAGE_LIMIT}")
        limit = int(raw_limit)
    cursor = req.arg("cursor")
    if cursor and not HEX24.match(cursor):
        raise _invalid("cursor", "must be the 24-hex _id of the previous page's last item")
    return limit, cursor or None


def _pagination(
    page: list[dict[str, Any]], total: int, limit: int, has_more: bool
) -> dict[str, Any]:
    return {
        "limit": limit,
        "total": total,
        "hasMore": has_more,
        "nextCursor": page[-1]["_id"] if has_more else None,
    }


def _paginate(
    items: list[dict[str, Any]],
    req: Request,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Cursor pagination as on the newer docs revision: `cursor` is the last `_id` of the
    previous page, the answer carries `{limit, total, hasMore, nextCursor}`. Items are ordered
    by `_id`, i.e. oldest first (the docs do not state an order)."""
    limit, cursor = _page_args(req)
    ordered = sorted(items, key=lambda d: d["_id"])
    rest = [d for d in ordered if d["_id"] > cursor] if cursor else ordered
    page = rest[:limit]
    return page, _pagination(page, len(ordered), limit, len(rest) > limit)
