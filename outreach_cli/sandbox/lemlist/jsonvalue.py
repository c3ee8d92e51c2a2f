"""Copying JSON values, so no stored row shares a dict or list with a request or response."""

from __future__ import annotations

from typing import Any


def deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_copy(v) for v in value]
    return value
