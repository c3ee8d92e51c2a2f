"""Query-string paging (`limit`, `page`, `offset`) and the `pagination` object of list answers."""

from __future__ import annotations

import math
from typing import Any

from ..web import Request
from .context import bad


def int_arg(req: Request, name: str) -> int | None:
    raw = req.arg(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError as exc:
        raise bad(f"{name} must be an integer") from exc
    if value < 0:
        raise bad(f"{name} must be >= 0")
    return value


def paging(req: Request, *, default_limit: int, max_limit: int) -> tuple[int, int]:
    """`limit` (clamped to the documented maximum: docs silent on refusing larger values),
    then `page` (1-based) or `offset`."""
    limit = int_arg(req, "limit")
    limit = default_limit if limit is None or limit == 0 else min(limit, max_limit)
    page = int_arg(req, "page")
    offset = (page - 1) * limit if page else (int_arg(req, "offset") or 0)
    return limit, offset


def pagination(total: int, offset: int, limit: int) -> dict[str, Any]:
    total_pages = max(1, math.ceil(total / limit))
    current = offset // limit + 1
    # "nextPage: Next page number (null if on last page)".
    return {
        "totalRecords": total,
        "currentPage": current,
        "nextPage": current + 1 if offset + limit < total else None,
        "totalPage": total_pages,
    }
