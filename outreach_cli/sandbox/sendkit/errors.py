"""`ApiError` and the error codes the emulator answers with."""

from __future__ import annotations

# Error codes. WORKSPACE_ID_REQUIRED is this emulator's name (the docs show no code for it): a
# platform key (`sk_user_…`) sent without `X-Workspace-Id` to a workspace-scoped endpoint.
UNAUTHORIZED = "UNAUTHORIZED"
WORKSPACE_ID_REQUIRED = "WORKSPACE_ID_REQUIRED"
NOT_FOUND = "NOT_FOUND"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
VALIDATION_ERROR = "VALIDATION_ERROR"
TRIGGER_IMMUTABLE = "TRIGGER_IMMUTABLE"
AGENT_NOT_FOUND = "AGENT_NOT_FOUND"
INVALID_TAG = "INVALID_TAG"
INVALID_STATUS = "INVALID_STATUS"


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _invalid(path: str, message: str) -> ApiError:
    """A VALIDATION_ERROR whose message starts with the offending field's path."""
    return ApiError(400, VALIDATION_ERROR, f"{path}: {message}")


def _not_found(what: str) -> ApiError:
    return ApiError(404, NOT_FOUND, f"{what} not found")
